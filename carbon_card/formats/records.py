"""Formats of one record per card: JSON (streamed), and the Markdown report made of them."""

from __future__ import annotations

import json
from typing import Any

from ..report import Summary, card_json, error_json, estimate_json, statistics_json
from . import Format

__all__ = ["Json", "JsonStatistics", "Markdown", "record"]


def record(result, show_diff: bool) -> dict[str, Any]:
    """A card's JSON record: its findings and facts, its estimate, and with `show_diff` its
    proposed change as a unified diff (or null)."""
    found = card_json(result.assessment)
    found["estimate"] = estimate_json(result.estimate)
    if show_diff:
        patch = result.patch
        found["diff"] = patch.diff(result.assessment.card.path) if patch is not None and patch.changed else None
    return found


# One encoder for every record: `json.dumps` with options builds a new one per call. A record
# is a tree of fresh dicts and lists, never circular, so the encoder need not track the
# containers it is inside (check_circular) either.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False)


class Json(Format):
    """A list with one object per card, one card per line, streamed: memory stays flat."""

    diff_verdict = False

    def begin(self) -> None:
        self.out.write("[")
        self._first = True

    def _write(self, obj: dict) -> None:
        self.out.write(("\n" if self._first else ",\n") + _ENCODER.encode(obj))
        self._first = False

    def result(self, result) -> None:
        self._write(record(result, self.view.show_diff))

    def error(self, error) -> None:
        self._write(error_json(error))

    def end(self, summary: Summary) -> None:
        self.out.write("\n]\n")


class JsonStatistics(Format):
    """`--statistics --format json`: the number of findings per rule, as a JSON list."""

    def end(self, summary: Summary) -> None:
        self.out.write(json.dumps(statistics_json(summary), indent=2) + "\n")


class Markdown(Format):
    """The report of the pull-request comment (`github-comment`), for a job summary: a table of
    the cards, then each card's findings, estimate and (with --diff) proposed change."""

    diff_verdict = False

    def begin(self) -> None:
        self._records: list[dict[str, Any]] = []

    def result(self, result) -> None:
        self._records.append(record(result, self.view.show_diff))

    def error(self, error) -> None:
        self._records.append(error_json(error))

    def end(self, summary: Summary) -> None:
        from ..github import SUMMARY_LIMIT, render_markdown

        self.out.write(render_markdown(self._records, with_marker=False, limit=SUMMARY_LIMIT) + "\n")
