"""The command line: `carbon-card check`, `rules`, `schema`.

Exit codes, the same for every command: 0 nothing at or above `--fail-on`, 1 findings at or
above it, 2 a usage error or an input that could not be read. `check` never uses the network.
"""

from __future__ import annotations

import json
import math
import os
import sys
import textwrap
from typing import IO

import click

from . import __version__
from .assessment import assess
from .card import CardReadError, find_cards, parse_card, read_card
from .facts import gather
from .patch import PatchError, propose, write_patch
from .report import (
    Summary, card_json, diff_summary_text, disclosure_text, error_json, estimate_json, estimate_text, facts_table,
    finding_text, rules_table, summary_text,
)
from .rules import Severity

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


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="carbon-card")
def cli() -> None:
    """Lint the carbon disclosure (`co2_eq_emissions`) of Hugging Face model cards."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(readable=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif", "github"]), default="text",
              show_default=True,
              help="Output format: json (one record per card), sarif (SARIF 2.1.0, for code scanning), github "
                   "(workflow annotations).")
@click.option("--fail-on", type=click.Choice(list(_FAIL_ON)), default="warning", show_default=True,
              help="Exit 1 when a finding of this severity or worse is found.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, without the summary line.")
@click.option("--show-facts", is_flag=True,
              help="Print every fact gathered from each card and its folder, and the estimate they give.")
@click.option("--model-id", metavar="NAME",
              help="The model the cards describe (e.g. meta-llama/Meta-Llama-3-8B): picks its row in tables "
                   "that list several models. Default: the card's model-index name, its folder or its title.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print the proposed cards as unified diffs instead of the findings; exit 1 if any card would "
                   "change. With --format json, each card's record carries its `diff`.")
@click.option("--fix", is_flag=True, help="Write the proposed cards (safe fixes only, unless --unsafe-fixes).")
@click.option("--unsafe-fixes", is_flag=True,
              help="Also apply unsafe fixes: renaming misspelt keys, kilograms written as grams, and carbon-card's "
                   "estimate where a card states no emissions.")
@click.option("--fill-template", is_flag=True,
              help="With --diff or --fix: also fill the template's Environmental Impact placeholders.")
def check(paths: tuple[str, ...], output_format: str, fail_on: str, quiet: bool, show_facts: bool,
          model_id: str | None, show_diff: bool, fix: bool, unsafe_fixes: bool, fill_template: bool) -> None:
    """Check model cards: files, or directories holding README.md files (searched recursively).

    Facts are read from the card and from the files beside it (config.json, *.safetensors
    headers, trainer_state.json, train_results.json, all_results.json, emissions.csv).
    `--diff` shows and `--fix` writes the card with its `co2_eq_emissions` block completed;
    nothing outside that block changes (unless `--fill-template`).
    """
    if show_diff and fix:
        raise click.UsageError("--diff and --fix cannot be used together: --diff shows what --fix would write")
    out = sys.stdout
    summary = Summary(unsafe_fixes=unsafe_fixes)
    want_patch = show_diff or fix
    diffs = 0
    sarif_assessments: list = []  # SARIF is one document: kept until the end
    sarif_errors: list = []
    if output_format == "json":
        out.write("[")
    first = True
    for item in find_cards(paths):
        error, assessment, patch = _check_one(item, model_id, want_patch, unsafe_fixes, fill_template)
        if fix and patch is not None and patch.changed:
            try:
                write_patch(patch, item)
                summary.fixed += len({(c.code, c.key) for c in patch.applied})
                # What remains is reported from the text just written, not read back from disk.
                card = parse_card(patch.data(), item)
                assessment = assess(card, gather(card, os.path.dirname(item) or ".", model_id))
            except (PatchError, CardReadError) as failed:
                error = failed
        if error is not None:
            summary.add_error()
            if output_format == "json":
                first = _write_json(out, error_json(error), first)
            elif output_format == "sarif":
                sarif_errors.append(error)
            elif output_format == "github":
                from .github import workflow_command

                out.write(workflow_command("error", error.message, file=error.path, line=error.line) + "\n")
            else:
                click.echo(f"{error}", err=True)
            if assessment is None:
                continue
        summary.add(assessment)
        if output_format == "sarif":
            sarif_assessments.append(assessment)
        elif output_format == "github":
            from .github import annotation

            out.write("".join(annotation(assessment.card.path, f) + "\n" for f in assessment.findings))
        elif output_format == "json":
            from .estimate import estimate as run_estimate  # the Estimate stage: only when shown

            record = card_json(assessment)
            record["estimate"] = estimate_json(run_estimate(assessment.facts))
            if show_diff:
                record["diff"] = patch.diff(assessment.card.path) if patch is not None and patch.changed else None
            first = _write_json(out, record, first)
        elif show_diff:
            if patch is not None and patch.changed:
                diffs += 1
                out.write(patch.diff(assessment.card.path))
        else:
            out.write("".join(finding_text(assessment.card.path, f, unsafe_fixes) + "\n" for f in assessment.findings))
            if assessment.findings and not quiet and not show_facts:
                out.write(disclosure_text(assessment) + "\n")
            if show_facts:
                from .estimate import estimate as run_estimate

                out.write(facts_table(assessment) + "\n")
                out.write(textwrap.indent(estimate_text(run_estimate(assessment.facts)), "  ") + "\n")
    if output_format == "json":
        out.write("\n]\n")
    elif output_format == "sarif":
        from .sarif import sarif_log

        out.write(json.dumps(sarif_log(sarif_assessments, sarif_errors), indent=2, ensure_ascii=False) + "\n")
    elif output_format == "github":
        pass  # annotations only: the summary line would be an unformatted log line
    elif show_diff:
        if not quiet:
            click.echo(diff_summary_text(summary, diffs), err=True)
    elif not quiet:
        out.write(summary_text(summary) + "\n")
    out.flush()

    threshold = _FAIL_ON[fail_on]
    if summary.unreadable:
        sys.exit(EXIT_INPUT_ERROR)
    if show_diff and output_format in ("text", "github", "sarif"):
        sys.exit(EXIT_FINDINGS if diffs else EXIT_CLEAN)
    if threshold is not None and summary.count(threshold):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


def _check_one(item, model_id, want_patch, unsafe_fixes, fill_template):
    """(error, assessment, patch) of one card; a card that cannot be read or patched gives an error."""
    if isinstance(item, CardReadError):
        return item, None, None
    try:
        card = read_card(item)
        assessment = assess(card, gather(card, os.path.dirname(item) or ".", model_id))
    except CardReadError as read_error:
        return read_error, None, None
    except Exception as bug:  # noqa: BLE001 - one bad card must not stop the run
        return CardReadError(item, f"internal error ({type(bug).__name__}: {bug}); please report it"), None, None
    if not want_patch:
        return None, assessment, None
    try:
        return None, assessment, propose(assessment, unsafe=unsafe_fixes, fill_template=fill_template)
    except PatchError as failed:
        return failed, assessment, None
    except Exception as bug:  # noqa: BLE001
        return CardReadError(item, f"internal error while patching ({type(bug).__name__}: {bug}); please report it"), \
            assessment, None


def _write_json(out: IO[str], obj: dict, first: bool) -> bool:
    # One card per line, streamed: a run over many cards keeps memory flat.
    out.write(("\n" if first else ",\n") + json.dumps(obj, ensure_ascii=False))
    return False


_FLAGS = (
    # (option, quantity, type, help)
    ("params", "params", float, "Total parameters, e.g. 7e9."),
    ("active-params", "params_active", float, "Parameters active per token (mixture-of-experts)."),
    ("tokens", "train_tokens", float, "Training tokens, e.g. 2e12."),
    ("flops", "train_flops", float, "Training compute in FLOP, e.g. 3.14e23."),
    ("hardware", "hardware", str, "Accelerator, as cards write it: A100-80GB, 8 x V100, TPUv3-8."),
    ("count", "accelerator_count", int, "Number of accelerators."),
    ("hours", "wall_hours", float, "Wall-clock hours per accelerator (accelerator-hours: --count 1 --hours N)."),
    ("region", "location", str, "Where training ran: FR, Quebec, Canada, us-east-1, europe-north1."),
    ("cloud", "cloud_provider", str, "Cloud provider (AWS, GCP, Azure): the PUE of a hyperscale data centre."),
    ("pue", "pue", float, "Power usage effectiveness of the data centre."),
    ("energy-kwh", "energy", float, "Training energy in kWh."),
    ("training-type", "training_type", str, "pre-training or fine-tuning."),
)


def _flag_options(command):
    for option, _, kind, text in reversed(_FLAGS):
        command = click.option(f"--{option}", type=kind, default=None, help=text)(command)
    return command


@cli.command()
@click.argument("card_path", required=False, type=click.Path(readable=False))
@_flag_options
@click.option("--model-id", metavar="NAME", help="The model the card describes (picks its row in tables).")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def estimate(card_path: str | None, model_id: str | None, output_format: str, **flags) -> None:
    """Estimate training emissions from a card, from flags, or both (flags win).

    Prints the tier used, the central value with its 90% interval, ATCI and every assumption.
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
        gathered = gather(card, os.path.dirname(card_path) or ".", model_id)
        facts, problems, name = list(gathered.facts), gathered.problems, gathered.model_name
    for option, quantity, _, _ in _FLAGS:
        value = flags.get(option.replace("-", "_"))
        if value is None:
            continue
        if isinstance(value, (int, float)) and (not math.isfinite(value) or value <= 0):
            raise click.BadParameter(f"must be a positive finite number, not {value}", param_hint=f"--{option}")
        facts.append(Fact(quantity, value, str(value), "flag", option))
    if not facts:
        raise click.UsageError("give a card, or facts as flags (e.g. --params 7e9 --tokens 2e12)")
    result = run_estimate(Facts(tuple(facts), tuple(problems), name))
    if output_format == "json":
        click.echo(json.dumps(estimate_json(result), indent=2))
    else:
        click.echo(estimate_text(result))
    sys.exit(EXIT_CLEAN if result.tier != "none" else EXIT_FINDINGS)


@cli.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True, help="Output format (markdown is the README's table).")
def rules(output_format: str) -> None:
    """List every rule: code, name, severity, fix availability, summary."""
    click.echo(rules_table(output_format))


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
