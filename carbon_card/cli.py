"""The command line: `carbon-card check`, `rules`, `schema`.

Exit codes, the same for every command: 0 nothing at or above `--fail-on`, 1 findings at or
above it, 2 a usage error or an input that could not be read. `check` never uses the network.
"""

from __future__ import annotations

import json
import os
import sys
from typing import IO

import click

from . import __version__
from .assessment import assess
from .card import CardReadError, find_cards, read_card
from .facts import gather
from .report import Summary, card_json, error_json, facts_table, finding_text, rules_table, summary_text
from .rules import Severity

EXIT_CLEAN, EXIT_FINDINGS, EXIT_INPUT_ERROR = 0, 1, 2

_FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "never": None}


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="carbon-card")
def cli() -> None:
    """Lint the carbon disclosure (`co2_eq_emissions`) of Hugging Face model cards."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Output format.")
@click.option("--fail-on", type=click.Choice(list(_FAIL_ON)), default="warning", show_default=True,
              help="Exit 1 when a finding of this severity or worse is found.")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only, without the summary line.")
@click.option("--show-facts", is_flag=True, help="Print every fact gathered from each card and its folder.")
@click.option("--model-id", metavar="NAME",
              help="The model the cards describe (e.g. meta-llama/Meta-Llama-3-8B): picks its row in tables "
                   "that list several models. Default: the card's model-index name, its folder or its title.")
def check(paths: tuple[str, ...], output_format: str, fail_on: str, quiet: bool, show_facts: bool,
          model_id: str | None) -> None:
    """Check model cards: files, or directories holding README.md files (searched recursively).

    Facts are read from the card and from the files beside it (config.json, *.safetensors
    headers, trainer_state.json, train_results.json, all_results.json, emissions.csv).
    """
    out = sys.stdout
    summary = Summary()
    if output_format == "json":
        out.write("[")
    first = True
    for item in find_cards(paths):
        if isinstance(item, CardReadError):
            error = item
            assessment = None
        else:
            try:
                card = read_card(item)
                assessment = assess(card, gather(card, os.path.dirname(item) or ".", model_id))
            except CardReadError as read_error:
                error, assessment = read_error, None
            except Exception as bug:  # noqa: BLE001 - one bad card must not stop the run
                error = CardReadError(item, f"internal error ({type(bug).__name__}: {bug}); please report it")
                assessment = None
        if assessment is None:
            summary.add_error()
            if output_format == "json":
                first = _write_json(out, error_json(error), first)
            else:
                click.echo(f"{error}", err=True)
            continue
        summary.add(assessment)
        if output_format == "json":
            first = _write_json(out, card_json(assessment), first)
        else:
            out.write("".join(finding_text(assessment.card.path, f) + "\n" for f in assessment.findings))
            if show_facts:
                out.write(facts_table(assessment) + "\n")
    if output_format == "json":
        out.write("\n]\n")
    elif not quiet:
        out.write(summary_text(summary) + "\n")
    out.flush()

    threshold = _FAIL_ON[fail_on]
    if summary.unreadable:
        sys.exit(EXIT_INPUT_ERROR)
    if threshold is not None and summary.count(threshold):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_CLEAN)


def _write_json(out: IO[str], obj: dict, first: bool) -> bool:
    # One card per line, streamed: a run over many cards keeps memory flat.
    out.write(("\n" if first else ",\n") + json.dumps(obj, ensure_ascii=False))
    return False


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
