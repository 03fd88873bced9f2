"""The command line: `carbon-card check`, `estimate`, `rules`, `rule`, `schema`.

Exit codes, the same for every command: 0 nothing at or above `--fail-on`, 1 findings at or
above it, 2 a usage error or an input that could not be read. `check` never uses the network.
"""

from __future__ import annotations

import json
import math
import os
import re
import sys
from dataclasses import replace
from typing import IO, NamedTuple

import click

from . import __version__
from .card import CARD_FILE_NAME, MAX_CARD_BYTES, CardFiles, CardReadError, find_cards, read_card
from .formats import FORMATS, View, format_class
from .pipeline import Result, Settings, facts_of, run_file
from .pipeline import fix as fix_card
from .report import Summary, estimate_json, estimate_text, fixes_text
from .rules import Severity
# Loaded with report already (format_mass): the number forms of `estimate`'s flags.
from .units import UnitError, parse_count, parse_duration_hours, parse_energy_kwh, parse_number

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR = 0, 1, 2

_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "never": None}


class _LazyGroup(click.Group):
    """A group whose heavier commands are imported only when run, so `check` starts fast."""

    _LAZY = {
        # name: (module, attribute)
        "audit": ("carbon_card.audit", "audit"),
        "github-comment": ("carbon_card.github", "github_comment"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted([*super().list_commands(ctx), *self._LAZY])

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in self._LAZY:
            import importlib

            module, attribute = self._LAZY[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)


class _Registered(click.Choice):
    """A choice among the names of a registry, read when the option is parsed: a format
    registered in `formats.FORMATS` is a choice of `--output-format` without a change here."""

    def __init__(self, registry: dict) -> None:
        super().__init__(())
        self._registry = registry

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._registry)

    @choices.setter
    def choices(self, value) -> None:
        pass  # always the registry's names


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="carbon-card")
def cli() -> None:
    """Lint the carbon disclosure (`co2_eq_emissions`) of Hugging Face model cards."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--output-format", "--format", "output_format", type=_Registered(FORMATS),
              default="text", show_default=True,
              help="Output format: json (one record per card), sarif (SARIF 2.1.0, for code scanning), github "
                   "(workflow annotations), markdown (the pull-request report, for a job summary). `--format` is "
                   "the same option.")
@click.option("--fail-on", type=click.Choice(list(_FAIL_ON)), default=None,
              help="Exit 1 when a finding of this severity or worse is found.  [default: the configuration's "
                   "`fail-on`, else warning]")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings are found (2 still means an input "
                                                "could not be read).")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule code instead of the findings.")
@click.option("--show-fixes", is_flag=True, help="With --fix: list what was fixed in each file (on stderr).")
@click.option("--color", "color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the findings: auto colours a terminal unless NO_COLOR is set.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, without the summary line.")
@click.option("--show-facts", is_flag=True,
              help="Print every fact gathered from each card and its folder, and the estimate they give.")
@click.option("--model-id", metavar="NAME",
              help="The model the cards describe (e.g. meta-llama/Meta-Llama-3-8B): picks its row in tables "
                   "that list several models. Default: the configuration's `model-id` for the card, the card's "
                   "model-index name, its folder or its title.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the proposed cards as unified diffs instead of the findings; exit 1 if any card would "
                   "change. With --format json, each card's record carries its `diff`.")
@click.option("--fix", is_flag=True, help="Write the proposed cards (safe fixes only, unless --unsafe-fixes). With "
                                          "`-`, the fixed card goes to stdout and the findings to stderr.")
@click.option("--unsafe-fixes/--no-unsafe-fixes", default=None,
              help="Also apply unsafe fixes: renaming misspelt keys, kilograms written as grams, and carbon-card's "
                   "estimate where a card states no emissions.")
@click.option("--fill-template/--no-fill-template", default=None,
              help="With --diff or --fix: also fill the template's Environmental Impact placeholders.")
@click.option("--select", multiple=True, metavar="CODES",
              help="Report only these rules: codes or prefixes, comma-separated (CC104, CC2, ALL). Replaces the "
                   "configuration's `select`.")
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules not to report (codes or prefixes).")
@click.option("--extend-select", multiple=True, metavar="CODES", help="Rules to report besides the selected ones.")
@click.option("--extend-include", multiple=True, metavar="GLOBS",
              help="Names of cards a directory argument takes besides `include` (README.md), comma-separated "
                   "globs (`MODEL_CARD.md`, `*.modelcard.md`).")
@click.option("--exclude", multiple=True, metavar="GLOBS",
              help="Paths not to check, comma-separated globs (`docs/`, `./README.md`). Replaces the "
                   "configuration's `exclude`.")
@click.option("--extend-exclude", multiple=True, metavar="GLOBS", help="Paths not to check, besides `exclude`.")
@click.option("--force-exclude/--no-force-exclude", default=None,
              help="Exclude matching paths even when named on the command line (the pre-commit hooks do).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="PATH",
              help="The configuration file for every card, instead of the nearest one to each.")
@click.option("--isolated", is_flag=True, help="Read no configuration file.")
@click.option("--stdin-filename", metavar="NAME",
              help="With `-` as the path: the card's path, for the report, the configuration and the files "
                   "beside it.")
def check(paths: tuple[str, ...], output_format: str, fail_on: str | None, exit_zero: bool, statistics: bool,
          show_fixes: bool, color: str, quiet: bool, show_facts: bool, model_id: str | None, show_diff: bool, fix: bool, unsafe_fixes: bool | None,
          fill_template: bool | None, select: tuple[str, ...], ignore: tuple[str, ...],
          extend_select: tuple[str, ...], extend_include: tuple[str, ...], exclude: tuple[str, ...],
          extend_exclude: tuple[str, ...], force_exclude: bool | None, config_path: str | None, isolated: bool, stdin_filename: str | None) -> None:
    """Check model cards: files, or directories holding README.md files (searched recursively;
    the configuration's `include` names others); `-` reads one card from stdin.

    Facts are read from the card and from the files beside it (config.json, *.safetensors
    headers, trainer_state.json, train_results.json, all_results.json, emissions.csv).
    `--diff` shows and `--fix` writes the card with its `co2_eq_emissions` block completed;
    nothing outside that block changes (unless `--fill-template`).

    Settings come from the nearest `pyproject.toml` with a `[tool.carbon-card]` table, or
    `carbon-card.toml` / `.carbon-card.toml`, above each card; options given here win.
    """
    if show_diff and fix:
        raise click.UsageError("--diff and --fix cannot be used together: --diff shows what --fix would write")
    if show_diff and statistics:
        raise click.UsageError("--diff and --statistics cannot be used together")
    reading_stdin = paths == ("-",)
    if "-" in paths and not reading_stdin:
        raise click.UsageError("`-` (a card from stdin) cannot be given with other paths")
    if stdin_filename is not None and not reading_stdin:
        raise click.UsageError("--stdin-filename goes with `-` as the only path")
    if config_path is not None and isolated:
        raise click.UsageError("--config and --isolated cannot be used together")
    options = _Options(
        {"select": select, "ignore": ignore, "extend_select": extend_select, "exclude": exclude,
         "extend_exclude": extend_exclude, "extend_include": extend_include},
        force_exclude, config_path, isolated, (model_id, fail_on, unsafe_fixes, fill_template),
    )
    stdin_data = None
    if reading_stdin:
        name = stdin_filename or "-"
        stdin_data = sys.stdin.buffer.read(MAX_CARD_BYTES + 1)
        items: list = [] if options.excluded(name, True) else [name]
    else:
        # Every card is listed and its settings read before any is checked: a broken
        # configuration file stops the run before it reports anything.
        items = list(find_cards(paths, options.excluded, options, options.listed))
    settings = {item: options.card(item) for item in items if not isinstance(item, CardReadError)}

    # With `-` and --fix, stdout takes the fixed card and the report goes to stderr (as ruff does).
    out = sys.stderr if reading_stdin and fix else sys.stdout
    colored = color == "always" or (color == "auto" and out.isatty() and not os.environ.get("NO_COLOR"))
    fmt = format_class(output_format, statistics)(out, View(show_diff, show_facts, quiet, colored))
    summary = Summary(unsafe_fixes=bool(unsafe_fixes))
    failing = 0
    fixed_files: list = []  # (path, the changes written), for --show-fixes
    fixed_stdin = stdin_data
    fmt.begin()
    for item in items:
        if isinstance(item, CardReadError):
            result: Result | CardReadError = item
        else:
            folder = _folder(item, stdin_data, stdin_filename)
            names = options.listed.get(folder) if stdin_data is None else None  # as the walk listed it
            result = run_file(item, settings[item], want_patch=show_diff or fix, data=stdin_data, folder=folder,
                              folder_names=names)
            if fix and isinstance(result, Result) and result.patch is not None and result.patch.changed:
                try:
                    result = fix_card(result, folder, write=stdin_data is None)
                except CardReadError as failed:  # a PatchError: the file could not be written
                    result = replace(result, error=failed)
                else:
                    fixed_stdin = result.patch.data() if stdin_data is not None else fixed_stdin
                    summary.fixed += len({(c.code, c.key) for c in result.patch.applied})
                    fixed_files.append((item, result.patch.applied))
        error = result if isinstance(result, CardReadError) else result.error
        if error is not None:
            summary.add_error()
            fmt.error(error)
            if not isinstance(result, Result):
                continue
        summary.add(result.assessment, result.settings.unsafe_fixes)
        threshold = _FAIL_ON[settings[item].fail_on]
        failing += threshold is not None and result.assessment.count(threshold) > 0
        fmt.result(result)
    fmt.end(summary)
    if show_fixes and fix:
        click.echo(fixes_text(fixed_files), err=True)
    out.flush()
    if reading_stdin and fix and fixed_stdin is not None:
        sys.stdout.buffer.write(fixed_stdin)  # the card as fixed, or as it came when nothing was
        sys.stdout.flush()

    if summary.unreadable:
        sys.exit(EXIT_INPUT_ERROR)
    if exit_zero:
        sys.exit(EXIT_CLEAN)
    if show_diff and fmt.diff_verdict:
        sys.exit(EXIT_FINDINGS if fmt.diffs else EXIT_CLEAN)
    sys.exit(EXIT_FINDINGS if failing else EXIT_CLEAN)


# The names carbon_card.config looks for (its CONFIG_FILES): without one of them above a card,
# and without a selection or exclusion option, check never imports the configuration (nor TOML).
_CONFIG_FILES = (".carbon-card.toml", "carbon-card.toml", "pyproject.toml")


class _ConfigFailure(click.ClickException):
    """A broken configuration file: one line naming the file and line, exit 2, nothing checked."""

    exit_code = EXIT_INPUT_ERROR

    def show(self, file: IO[str] | None = None) -> None:
        click.echo(self.message, err=True)


class _Options(CardFiles):
    """The settings of each card of a `check` run: the command line, over the configuration
    files when there are any (then `carbon_card.config` is imported)."""

    def __init__(self, selection: dict[str, tuple[str, ...]], force_exclude: bool | None, config_path: str | None,
                 isolated: bool, plain: tuple):
        self.selection = {key: tuple(part.strip() for value in values for part in value.split(",") if part.strip())
                          for key, values in selection.items()}
        self.force_exclude, self.config_path, self.isolated = force_exclude, config_path, isolated
        self.model_id, self.fail_on, self.unsafe_fixes, self.fill_template = plain
        self.configuration = None
        self._folders: dict[str, bool] = {}  # absolute folder: a configuration file there or above
        self._above: dict[str, bool] = {}  # the same, by the folder as given
        self._unconfigured: set[str] = set()  # paths just found to have no configuration file above
        self._defaults: _Defaults | None = None  # the settings of every card when no configuration applies
        self.listed: dict[str, list[str]] = {}  # the names in each card's folder, as find_cards' walk listed them
        if config_path is not None or isolated or any(self.selection.values()):
            self._configure()

    def _configure(self) -> None:
        from .config import ConfigError, Configuration, Settings, is_selector

        for key in ("select", "ignore", "extend_select"):
            for code in self.selection[key]:
                if not is_selector(code):
                    raise click.BadParameter(f"unknown rule code {code!r} (see `carbon-card rules`)",
                                             param_hint=f"--{key.replace('_', '-')}")
        given = self.selection
        cli_settings = Settings(
            root=os.getcwd(), select=given["select"] or None, ignore=given["ignore"],
            extend_select=given["extend_select"], extend_include=given["extend_include"],
            exclude=given["exclude"] or None, extend_exclude=given["extend_exclude"],
            force_exclude=self.force_exclude, fail_on=self.fail_on, unsafe_fixes=self.unsafe_fixes,
            fill_template=self.fill_template,
        )
        try:
            self.configuration = Configuration(cli_settings, self.config_path, self.isolated, self.model_id,
                                               lambda message: click.echo(message, err=True))
        except ConfigError as error:
            raise _ConfigFailure(str(error)) from None

    def _configured(self, path: str):
        if self.configuration is None and path not in self._unconfigured:
            folder = os.path.dirname(path)  # asked for every card and folder: one look per folder
            above = self._above.get(folder)
            if above is None:
                names = self.listed.get(folder)
                parent = os.path.dirname(folder)
                if (names is not None and parent != folder and parent in self._above
                        and not any(name in names for name in _CONFIG_FILES)):
                    above = self._above[folder] = self._above[parent]  # the walk listed it: none here, the parent's
                else:
                    absolute = os.path.dirname(os.path.abspath(path))
                    above = self._above[folder] = self._config_file_above(absolute, names)
                    # The folder's siblings, listed by the walk, are answered by their parent's answer alone.
                    if parent != folder and (answer := self._folders.get(os.path.dirname(absolute))) is not None:
                        self._above.setdefault(parent, answer)
            if above:
                self._configure()
            else:
                # A card's path and its folder's are asked for several times each, in turn: the last few kept.
                if len(self._unconfigured) >= 8:
                    self._unconfigured.clear()
                self._unconfigured.add(path)
        return self.configuration

    def _config_file_above(self, folder: str, names: list[str] | None = None) -> bool:
        """Whether a configuration file is in `folder` (whose `names`, when listed) or above."""
        walked = []
        found = False
        while not found and folder not in self._folders:
            walked.append(folder)
            for name in _CONFIG_FILES:
                if names is not None and name not in names:
                    continue  # not in the folder: no need to ask the file system
                candidate = os.path.join(folder, name)
                if os.path.isfile(candidate):
                    # A pyproject.toml counts only with the table; the text is enough to rule it out.
                    found = name != "pyproject.toml" or _mentions_carbon_card(candidate)
                    if found:
                        break
            parent = os.path.dirname(folder)
            if parent == folder:
                break
            folder, names = parent, None
        found = found or self._folders.get(folder, False)
        for folder in walked:
            self._folders[folder] = found
        return found

    def excluded(self, path: str, explicit: bool) -> bool:
        configuration = self._configured(path)
        if configuration is None:
            return False
        try:
            return configuration.excluded(path, explicit)
        except Exception as error:  # noqa: BLE001 - ConfigError, imported with the configuration
            raise self._failure(error)

    def included(self, path: str) -> bool:
        configuration = self._configured(path)
        if configuration is None:
            return os.path.basename(path) == CARD_FILE_NAME
        try:
            return configuration.included(path)
        except Exception as error:  # noqa: BLE001
            raise self._failure(error)

    def card_names(self, path: str) -> tuple[str, ...]:
        configuration = self._configured(path)
        return (CARD_FILE_NAME,) if configuration is None else configuration.card_names(path)

    def card(self, path: str):
        """(enabled codes or None, fail-on, unsafe fixes, fill template, model id) of one card."""
        configuration = self._configured(path)
        if configuration is None:
            if self._defaults is None:  # the same for every card: made once
                self._defaults = _Defaults(None, self.fail_on or "warning", bool(self.unsafe_fixes),
                                           bool(self.fill_template), self.model_id)
            return self._defaults
        try:
            return configuration.for_card(path)
        except Exception as error:  # noqa: BLE001
            raise self._failure(error)

    @staticmethod
    def _failure(error: Exception) -> Exception:
        from .config import ConfigError

        return _ConfigFailure(str(error)) if isinstance(error, ConfigError) else error


class _Defaults(NamedTuple):
    """A card's settings when no configuration file applies (as `config.CardSettings`)."""

    enabled: frozenset[str] | None
    fail_on: str
    unsafe_fixes: bool
    fill_template: bool
    model_id: str | None


def _mentions_carbon_card(path: str) -> bool:
    """Whether a pyproject.toml may have the table: `[tool.carbon-card]`, `tool.carbon-card.x =`,
    `carbon-card = {...}` (not a dependency `"carbon-card>=0.1"`, nor a console script
    `carbon-card = "pkg:main"`, nor a comment); only then is it parsed."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return re.search(r"""^[^#\n]*carbon-card["']?[ \t]*(?:[.\]]|=[ \t]*\{)""", handle.read(),
                             re.MULTILINE) is not None
    except OSError:
        return False


def _folder(item: str, stdin_data: bytes | None, stdin_filename: str | None) -> str | None:
    """The folder whose files are read beside a card: none for a card from stdin without a name."""
    if stdin_data is not None and stdin_filename is None:
        return None
    return os.path.dirname(item) or "."


class _Quantity(click.ParamType):
    """A number as cards write it ("7B", "2T", "1.3M", "6.3 MWh", "3 days"), read by `units`."""

    def __init__(self, name: str, parse, unit: str, integer: bool = False):
        self.name, self._parse, self.unit, self._integer = name, parse, unit, integer

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            number = self._parse(value)
        except UnitError as error:
            self.fail(f"{value!r} is not {self.name} ({error})", param, ctx)
        if not math.isfinite(number) or number <= 0:
            self.fail(f"must be a positive finite number, not {value!r}", param, ctx)
        if self._integer:
            if number != int(number):
                self.fail(f"{value!r} is not a whole number of accelerators", param, ctx)
            number = int(number)
        return _Given(value, number, self.unit)


class _Given(NamedTuple):
    """A flag's value as written and as understood."""

    text: str
    value: float | int
    unit: str


def _parse_hours(text: str) -> float:
    hours, accelerator_hours = parse_duration_hours(text)
    if accelerator_hours:
        raise UnitError("accelerator-hours: give --count 1 --hours N, or --count and the wall-clock hours")
    return hours


_COUNT = _Quantity("a count", parse_count, "")
_FLAGS = (
    # (option, quantity, type, help)
    ("params", "params", _COUNT, "Total parameters: 7B, 7e9, 1.3M."),
    ("active-params", "params_active", _COUNT, "Parameters active per token (mixture-of-experts): 17B."),
    ("tokens", "train_tokens", _COUNT, "Training tokens: 2T, 2e12, 15 trillion."),
    ("flops", "train_flops", _COUNT, "Training compute in FLOP: 3.14e23."),
    ("hardware", "hardware", str, "Accelerator, as cards write it: A100-80GB, 8 x V100, TPUv3-8."),
    ("count", "accelerator_count", _Quantity("a count", parse_count, "accelerators", integer=True),
     "Number of accelerators."),
    ("hours", "wall_hours", _Quantity("a duration", _parse_hours, "h"),
     "Wall-clock hours: 72, 3 days, 18h 19min (accelerator-hours: --count 1 --hours N)."),
    ("region", "location", str, "Where training ran: FR, Quebec, Canada, us-east-1, europe-north1."),
    ("cloud", "cloud_provider", str, "Cloud provider (AWS, GCP, Azure): the PUE of a hyperscale data centre."),
    ("pue", "pue", _Quantity("a number", parse_number, ""), "Power usage effectiveness of the data centre."),
    ("energy-kwh", "energy", _Quantity("an energy", parse_energy_kwh, "kWh"), "Training energy: 6300, 6.3 MWh."),
    ("training-type", "training_type", str, "pre-training or fine-tuning."),
)


def _flag_options(command):
    for option, _, kind, text in reversed(_FLAGS):
        command = click.option(f"--{option}", type=kind, default=None, help=text)(command)
    return command


def _understood(option: str, given) -> dict:
    """A flag as carbon-card understood it: the text given, the value used, its unit."""
    if isinstance(given, _Given):
        return {"option": f"--{option}", "given": given.text, "value": given.value, "unit": given.unit or None}
    return {"option": f"--{option}", "given": given, "value": given, "unit": None}


def _input_warnings(facts) -> list[str]:
    """What the estimate could not read among the inputs, said instead of defaulted silently."""
    from .hardware import parse_hardware
    from .location import parse_location

    warnings = []
    hardware = facts.best("hardware")
    if hardware is not None and parse_hardware(str(hardware.value)) is None:
        warnings.append(f"unknown accelerator {hardware.value!r} ({hardware.provenance()}): the estimate uses the "
                        f"prior of an unknown accelerator")
    location = facts.best("location")
    if location is not None:
        cloud = facts.best("cloud_provider")
        if parse_location(str(location.value), str(cloud.value) if cloud is not None else None) is None:
            warnings.append(f"unknown region {location.value!r} ({location.provenance()}): the estimate uses the "
                            f"world's grid intensity")
    return warnings


@cli.command()
@click.argument("card_path", required=False, type=click.Path(readable=False))
@_flag_options
@click.option("--model-id", metavar="NAME", help="The model the card describes (picks its row in tables).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Show the source behind each assumption (JSON always has it).")
def estimate(card_path: str | None, model_id: str | None, output_format: str, verbose: bool, **flags) -> None:
    """Estimate training emissions from a card, from flags, or both (flags win).

    Prints the tier used, the central value with its 90% interval, ATCI and every assumption.
    Each flag is echoed as understood (on stderr; `inputs` in JSON), and an input the estimate
    cannot read (an unknown accelerator, an unknown region) is warned about.
    """
    from .estimate import estimate as run_estimate
    from .facts import Fact, Facts

    facts: list = []
    problems: tuple = ()
    name = model_id
    if card_path:
        try:
            card = read_card(card_path)
        except CardReadError as error:
            click.echo(str(error), err=True)
            sys.exit(EXIT_INPUT_ERROR)
        gathered = facts_of(card, os.path.dirname(card_path) or ".", Settings(model_id=model_id))
        facts, problems, name = list(gathered.facts), gathered.problems, gathered.model_name
        if not gathered.document.is_model_card:
            click.echo(f"warning: {card_path} reads as {gathered.document.kind.value}, not a model card (CC007): "
                       "nothing of it is read; pass --model-id to read it as that model's card", err=True)
    inputs = []
    for option, quantity, _, _ in _FLAGS:
        given = flags.get(option.replace("-", "_"))
        if given is None:
            continue
        inputs.append(_understood(option, given))
        value = given.value if isinstance(given, _Given) else given
        facts.append(Fact(quantity, value, given.text if isinstance(given, _Given) else str(given), "flag", option))
    if not facts and card_path and not gathered.document.is_model_card:
        sys.exit(EXIT_FINDINGS)
    if not facts:
        raise click.UsageError("give a card, or facts as flags (e.g. --params 7B --tokens 2T)")
    all_facts = Facts(tuple(facts), tuple(problems), name)
    result = run_estimate(all_facts)
    warnings = _input_warnings(all_facts)
    if result.tier == "none" and not model_id and any(f.scope == "row" for f in all_facts.facts):
        warnings.append("the card's table has a row per model and none is known to be this one: pass --model-id "
                        "(the Hub id, e.g. meta-llama/Meta-Llama-3-8B) to pick its row")
    if output_format == "json":
        click.echo(json.dumps({**estimate_json(result), "inputs": inputs, "warnings": warnings}, indent=2))
    else:
        for given in inputs:
            unit = f" {given['unit']}" if given["unit"] else ""
            value = f"{given['value']:.4g}" if isinstance(given["value"], float) else given["value"]
            click.echo(f"{given['option']} {given['given']}: {value}{unit}", err=True)
        click.echo(estimate_text(result, verbose=verbose))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    sys.exit(EXIT_CLEAN if result.tier != "none" else EXIT_FINDINGS)


@cli.command()
@click.argument("code", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format (markdown is the README's table).")
def rules(code: str | None, output_format: str) -> None:
    """List every rule: code, name, severity, fix availability, summary. With a CODE, explain
    that rule (as `carbon-card rule CODE`)."""
    if code is not None:
        _explain(code, output_format)
        return
    from .rules.docs import rules_table

    click.echo(rules_table(output_format))


@cli.command()
@click.argument("code")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format (text and markdown are the same Markdown).")
def rule(code: str, output_format: str) -> None:
    """Explain a rule (a code such as CC402, or a name): why it matters, a card it reports and
    the card as it should be, and its fix."""
    _explain(code, output_format)


def _explain(code: str, output_format: str) -> None:
    from .rules import rule as find_rule
    from .rules.docs import explanation, rule_json

    try:
        found = find_rule(code)
    except KeyError:
        click.echo(f"carbon-card: unknown rule {code!r} (see `carbon-card rules`)", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    click.echo(json.dumps(rule_json(found), indent=2) if output_format == "json" else explanation(found))


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the `co2_eq_emissions` block."""
    from .schema import schema_text

    click.echo(schema_text(), nl=False)


def main() -> None:
    """Console entry point: never a traceback for a broken pipe or Ctrl-C."""
    try:
        cli(prog_name="carbon-card")
    except KeyboardInterrupt:
        click.echo("carbon-card: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(EXIT_FINDINGS)
