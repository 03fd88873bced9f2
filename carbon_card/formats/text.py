"""Text, as ruff prints it: `path:line:col: CODE message`, then one summary line."""

from __future__ import annotations

import click

from ..report import (
    Summary,
    diff_summary_text,
    disclosure_text,
    estimate_text,
    facts_table,
    finding_text,
    statistics_text,
    summary_text,
)
from . import Format

__all__ = ["Statistics", "Text"]


class Text(Format):
    """The findings of each card (or, with --diff, its proposed change), then the summary."""

    def result(self, result) -> None:
        assessment, out, view = result.assessment, self.out, self.view
        path = assessment.card.path
        if view.show_diff:
            patch = result.patch
            if patch is not None and patch.changed:
                self.diffs += 1
                out.write(patch.diff(path))
            return
        unsafe = result.settings.unsafe_fixes
        out.write("".join(finding_text(path, f, unsafe, view.color) + "\n" for f in assessment.findings))
        if assessment.findings and not view.quiet and not view.show_facts:
            out.write(disclosure_text(assessment) + "\n")
        if view.show_facts:
            out.write(facts_table(assessment) + "\n")
            import textwrap  # loaded by estimate_text already

            out.write(textwrap.indent(estimate_text(result.estimate, width=78), "  ") + "\n")

    def end(self, summary: Summary) -> None:
        if self.view.quiet:
            return
        if self.view.show_diff:
            click.echo(diff_summary_text(summary, self.diffs), err=True)  # on stderr, as ruff does
        else:
            self.out.write(summary_text(summary) + "\n")


class Statistics(Format):
    """`--statistics`: the number of findings per rule, then the summary."""

    def end(self, summary: Summary) -> None:
        text = statistics_text(summary)
        self.out.write(text + "\n" if text else "")
        if not self.view.quiet:
            self.out.write(summary_text(summary) + "\n")
