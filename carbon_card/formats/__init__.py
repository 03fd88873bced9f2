"""The Report stage of `check`: one output format per class, chosen by name from `FORMATS`.

A format gets the run's pipeline Results one card at a time, and the cards that could not be
read or patched, then the run's `Summary`:

    fmt = format_class("json")(sys.stdout, View(show_diff=True))
    fmt.begin(); fmt.result(result); fmt.error(error); fmt.end(summary)

`check --output-format NAME` offers every name of `FORMATS`: a new format is a `Format`
subclass registered there (as "module:Class", imported only when chosen, so that `check`
loads no more than its format needs), with no change to `check`.
"""

from __future__ import annotations

import importlib
from typing import IO, TYPE_CHECKING, ClassVar, NamedTuple

import click

if TYPE_CHECKING:
    from ..card import CardReadError
    from ..pipeline import Result
    from ..report import Summary

__all__ = ["FORMATS", "Format", "View", "format_class"]


# A NamedTuple, not a frozen dataclass: `check` defines it at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class View(NamedTuple):
    """What the user asked to see, besides the format."""

    show_diff: bool = False
    """The proposed cards (`--diff`): text prints the diffs, JSON adds each card's `diff`."""
    show_facts: bool = False
    quiet: bool = False
    """The findings only, without the summary line."""
    color: bool = False


class Format:
    """An output of `check`. The default methods print nothing but the errors, on stderr."""

    diff_verdict: ClassVar[bool] = True
    """With --diff, the exit code says whether a card would change (`diffs`), not whether
    findings fail; JSON, whose records carry the diffs, keeps the findings' verdict."""

    def __init__(self, out: IO[str], view: View = View()) -> None:
        self.out = out
        self.view = view
        self.diffs = 0
        """Cards whose proposed change was printed."""

    def begin(self) -> None:
        """Before the first card."""

    def result(self, result: Result) -> None:
        """One card through the pipeline (after --fix, as written)."""

    def error(self, error: CardReadError) -> None:
        """A card that could not be read, or whose patch could not be made or written; a card
        that was assessed all the same also gets its `result`."""
        click.echo(f"{error}", err=True)

    def end(self, summary: Summary) -> None:
        """After the last card, with the run's totals."""


FORMATS: dict[str, str | type[Format]] = {
    "text": "carbon_card.formats.text:Text",
    "json": "carbon_card.formats.records:Json",
    "sarif": "carbon_card.formats.sarif:Sarif",
    "github": "carbon_card.formats.annotations:GitHub",
    "markdown": "carbon_card.formats.records:Markdown",
}
"""Every output format of `check --output-format`, by name: a Format class, or where it is."""

STATISTICS: dict[str, str | type[Format]] = {
    "text": "carbon_card.formats.text:Statistics",
    "json": "carbon_card.formats.records:JsonStatistics",
}
"""`--statistics`: the number of findings per rule instead of the findings, as JSON with
`--format json`, else as text."""


def format_class(name: str, statistics: bool = False) -> type[Format]:
    """The format registered as `name`; with `statistics`, its `--statistics` output."""
    target = STATISTICS.get(name, STATISTICS["text"]) if statistics else FORMATS[name]
    if isinstance(target, str):
        module, _, attribute = target.partition(":")
        target = getattr(importlib.import_module(module), attribute)
    return target
