"""Which findings of a card are reported: the rules enabled for it and its suppression comments.

A card says what not to report as ruff's `# noqa` does: an HTML comment in the body, which the
Hub does not render, suppresses codes for the whole card (`<!-- carbon-card: ignore CC203 -->`,
or every code with `<!-- carbon-card: ignore -->`); a YAML comment on a line of the front
matter suppresses them for the findings on that line (`geographical_location: ...  #
carbon-card: ignore CC203`). Codes are separated by commas or spaces; text after them is a
reason and is not read. A suppression that suppresses nothing is reported as CC010, as ruff's
RUF100 reports an unused `noqa`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from ._regex import lazy_compile
from .rules import RULES

if TYPE_CHECKING:
    from .card import Card

__all__ = ["UNUSED_CODE", "Selection", "Suppression"]

UNUSED_CODE = "CC010"

# A comment of 300 characters at most: an unclosed one must not send every match to the text's end.
_HTML_RE = lazy_compile(r"<!--[ \t]*carbon-card[ \t]*:[ \t]*ignore\b(?P<rest>.{0,300}?)-->", re.IGNORECASE | re.DOTALL)
# A YAML comment starts a line or follows a blank: `key: a#b` is a value, not a comment.
MAX_SUPPRESSIONS = 100
"""Suppression comments read from each part of a card (front matter, body) at most: cards have
a few, and each finding is matched against all of them."""
_YAML_RE = lazy_compile(r"(?:^|(?<=[ \t]))#[ \t]*carbon-card[ \t]*:[ \t]*ignore\b(?P<rest>[^\r\n]*)",
                        re.IGNORECASE | re.MULTILINE)
_CODE_RE = lazy_compile(r"[A-Za-z]+[0-9]+")


# NamedTuples, not frozen dataclasses: `check` defines them at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class Suppression(NamedTuple):
    """One `carbon-card: ignore` comment."""

    line: int
    """1-based line of the comment."""
    column: int
    """1-based column where the comment starts."""
    codes: tuple[str, ...]
    """The codes it names; empty: every code."""
    whole_card: bool
    """An HTML comment of the body (the whole card), not a YAML comment (its own line)."""

    def covers(self, code: str, line: int) -> bool:
        return (self.whole_card or line == self.line) and (not self.codes or code in self.codes)


class Selection(NamedTuple):
    """The rules enabled for one card and its suppression comments."""

    enabled: frozenset[str] | None = None
    """Codes enabled by the configuration and the command line; None: every rule."""
    suppressions: tuple[Suppression, ...] = ()

    @classmethod
    def of(cls, card: Card, enabled: frozenset[str] | None = None) -> Selection:
        if "carbon-card" not in card.text:  # the common case: no comment to look for
            return cls(enabled)
        found = []
        if card.yaml_span is not None:
            start, end = card.yaml_span
            for match in itertools.islice(_YAML_RE.finditer(card.text, start, end), MAX_SUPPRESSIONS):
                found.append(_suppression(card, match, whole_card=False))
        for match in itertools.islice(_HTML_RE.finditer(card.text, *card.body_span), MAX_SUPPRESSIONS):
            found.append(_suppression(card, match, whole_card=True))
        return cls(enabled, tuple(sorted(found, key=lambda s: (s.line, s.column))))

    def allows(self, code: str, line: int) -> bool:
        """Whether a finding of `code` at `line` would be reported (a fix for it applied)."""
        if self.enabled is not None and code not in self.enabled:
            return False
        return not any(suppression.covers(code, line) for suppression in self.suppressions)

    def apply(self, findings: Sequence, consults: Mapping[str, Iterable[str]] | None = None,
              ) -> tuple[list, list[tuple[int, int, str]]]:
        """The findings to report, and the (line, column, message) of every unused suppression.

        A finding whose rule is not enabled is dropped before any suppression is matched: a
        suppression of a rule that is not enabled is unused, as in ruff. `consults` names the
        codes a fixable finding's fix asks `allows` about (a block created from the text leaves
        out a suppressed field): a suppression of those, at its line, is used too."""
        if self.enabled is None and not self.suppressions:
            return list(findings), []
        kept = []
        used: dict[int, set[str]] = {index: set() for index in range(len(self.suppressions))}
        for finding in findings:
            if self.enabled is not None and finding.code not in self.enabled:
                continue
            covering = [i for i, s in enumerate(self.suppressions) if s.covers(finding.code, finding.line)]
            for index in covering:
                used[index].add(finding.code)
            if not covering:
                kept.append(finding)
        for finding in kept:
            for code in (consults or {}).get(finding.code, ()) if finding.fixable else ():
                if self.enabled is None or code in self.enabled:
                    for index, suppression in enumerate(self.suppressions):
                        if suppression.covers(code, finding.line):
                            used[index].add(code)
        unused = []
        for index, suppression in enumerate(self.suppressions):
            message = self._unused(suppression, used[index])
            # CC010 can be suppressed only by naming it: a blanket comment does not hide that it is unused.
            if message is not None and self._reports_unused(suppression.line):
                unused.append((suppression.line, suppression.column, message))
        return kept, unused

    def _unused(self, suppression: Suppression, used: set[str]) -> str | None:
        if not suppression.codes:
            return None if used else "unused blanket suppression `carbon-card: ignore`: nothing to suppress"
        groups: dict[str, list[str]] = {"unknown": [], "not enabled": [], "unused": []}
        for code in suppression.codes:
            if code == UNUSED_CODE or code in used:
                continue
            if code not in RULES:
                groups["unknown"].append(code)
            elif self.enabled is not None and code not in self.enabled:
                groups["not enabled"].append(code)
            else:
                groups["unused"].append(code)
        parts = [f"{label}: {', '.join(codes)}" for label, codes in groups.items() if codes]
        return f"unused suppression ({'; '.join(parts)})" if parts else None

    def _reports_unused(self, line: int) -> bool:
        if self.enabled is not None and UNUSED_CODE not in self.enabled:
            return False
        return not any(UNUSED_CODE in s.codes and s.covers(UNUSED_CODE, line) for s in self.suppressions)


def _suppression(card: Card, match: re.Match, whole_card: bool) -> Suppression:
    line = card.line_of_offset(match.start())
    low = max(0, match.start() - 4096)  # within the line: from the text's start per comment is quadratic
    line_start = max(card.text.rfind("\n", low, match.start()), card.text.rfind("\r", low, match.start()), low - 1) + 1
    return Suppression(line, match.start() - line_start + 1, _codes(match.group("rest")), whole_card)


def _codes(rest: str) -> tuple[str, ...]:
    """The codes at the start of a comment's text (`: CC203, CC204 we never say where`)."""
    codes = []
    for token in re.split(r"[\s,]+", rest.strip().lstrip(":").strip()):
        if not _CODE_RE.fullmatch(token):
            break  # the rest is a reason
        codes.append(token.upper())
    return tuple(codes)
