"""SARIF 2.1.0 (`carbon_card.sarif`): one document, so the cards are kept until the end."""

from __future__ import annotations

import json

from ..report import Summary
from . import Format

__all__ = ["Sarif"]


class Sarif(Format):
    """Every finding a result, every card that could not be read a notification."""

    def begin(self) -> None:
        self._assessments: list = []
        self._errors: list = []

    def result(self, result) -> None:
        self._assessments.append(result.assessment)

    def error(self, error) -> None:
        self._errors.append(error)

    def end(self, summary: Summary) -> None:
        from ..sarif import sarif_log

        self.out.write(json.dumps(sarif_log(self._assessments, self._errors), indent=2, ensure_ascii=False) + "\n")
