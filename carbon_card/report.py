"""The Report stage: formatters for assessments (the rules' own docs are `rules.docs`).

Text is ruff's `path:line:col: CODE message`; JSON is one object per card. Formatters only
format: they get assessments (or read errors) and return strings.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .assessment import Assessment, Finding
from .card import CardReadError
from .facts import Facts
from .rules import RULES, Severity
from .units import format_mass

__all__ = [
    "Summary", "diff_summary_text", "disclosure_text", "finding_text", "card_json", "error_json", "facts_json", "facts_table", "summary_text",
    "estimate_text", "estimate_json", "statistics_json", "statistics_text",
]


@dataclass
class Summary:
    """Running totals over the cards of one run."""

    cards: int = 0
    cards_with_findings: int = 0
    unreadable: int = 0
    by_severity: Counter = field(default_factory=Counter)
    by_code: Counter = field(default_factory=Counter)
    fixable: int = 0
    """Findings `--fix` would fix."""
    unsafe_fixable: int = 0
    """Findings only `--unsafe-fixes` would fix."""
    fixed: int = 0
    """Findings fixed by `--fix` in this run."""
    unsafe_fixes: bool = False
    """Whether unsafe fixes were enabled: then they count as fixable."""
    by_tier: Counter = field(default_factory=Counter)
    """Cards per disclosure tier (T1 whatever its completeness)."""
    fixable_by_code: Counter = field(default_factory=Counter)
    """Findings `--fix` would fix, per rule code (for `--statistics`)."""
    not_model_cards: int = 0
    """Files that are not model cards (CC007): no disclosure tier."""

    def add(self, assessment: Assessment, unsafe_fixes: bool | None = None) -> None:
        """Count a card's findings; `unsafe_fixes` is this card's setting (the run's by default)."""
        unsafe = self.unsafe_fixes if unsafe_fixes is None else unsafe_fixes
        self.cards += 1
        if assessment.facts.document.is_model_card:
            self.by_tier[assessment.disclosure_tier.split(" ", 1)[0]] += 1
        else:
            self.not_model_cards += 1
        if assessment.findings:
            self.cards_with_findings += 1
        by_severity, by_code = self.by_severity, self.by_code
        for finding in assessment.findings:
            rule = finding.rule
            by_severity[rule.severity] += 1
            by_code[rule.code] += 1
            if finding.fix is None or rule.fix is None:  # not `fixable`
                continue
            if unsafe or finding.safe_fix:
                self.fixable += 1
                self.fixable_by_code[rule.code] += 1
            else:
                self.unsafe_fixable += 1

    def add_error(self) -> None:
        self.unreadable += 1

    def count(self, at_least: Severity) -> int:
        return sum(n for severity, n in self.by_severity.items() if severity >= at_least)


# ANSI styles of `--color`: the path bold, the code by severity (as ruff colours its output).
_BOLD, _RESET, _CYAN = "\x1b[1m", "\x1b[0m", "\x1b[36m"
_SEVERITY_COLOUR = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[34m"}


def finding_text(path: str, finding: Finding, unsafe_fixes: bool = False, color: bool = False) -> str:
    """ruff's `path:line:col: CODE [*] message`; `[*]` marks what `--fix` (with `--unsafe-fixes`) fixes."""
    mark = " [*]" if finding.safe_fix or (unsafe_fixes and finding.fixable) else ""
    if not color:
        return f"{path}:{finding.line}:{finding.column}: {finding.code}{mark} {finding.message}"
    code = f"{_SEVERITY_COLOUR[finding.severity]}{_BOLD}{finding.code}{_RESET}"
    mark = f" {_CYAN}[*]{_RESET}" if mark else ""
    return f"{_BOLD}{path}{_RESET}:{finding.line}:{finding.column}: {code}{mark} {finding.message}"


def summary_text(summary: Summary) -> str:
    total = sum(summary.by_severity.values())
    cards = f"{summary.cards} card" + ("s" if summary.cards != 1 else "")
    fixed = f"Fixed {summary.fixed} finding{'s' if summary.fixed != 1 else ''}. " if summary.fixed else ""
    if total == 0:
        text = f"{fixed}All checks passed ({cards})."
    else:
        parts = [
            f"{summary.by_severity[severity]} {severity}" + ("s" if summary.by_severity[severity] != 1 else "")
            for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
            if summary.by_severity[severity]
        ]
        noun = "finding" if total == 1 else "findings"
        text = f"{fixed}Found {total} {noun} ({', '.join(parts)}) in {summary.cards_with_findings} of {cards}."
        if summary.fixable:
            text += f" [*] {summary.fixable} fixable with `--fix`."
        if summary.unsafe_fixable:
            text += f" {summary.unsafe_fixable} more with `--fix --unsafe-fixes`."
    if summary.unreadable:
        text += f" {summary.unreadable} file{'s' if summary.unreadable != 1 else ''} could not be read."
    if summary.by_tier:
        tiers = "; ".join(f"{summary.by_tier[tier]} {_TIER_WORDS[tier]} ({tier})"
                          for tier in ("T1", "T2", "T3", "T4", "none") if summary.by_tier[tier])
        text += f" Disclosure: {tiers}."
    if summary.not_model_cards:
        text += f" {summary.not_model_cards} {'is' if summary.not_model_cards == 1 else 'are'} not a model card."
    return _wrap(text, 80)


def _wrap(text: str, width: int) -> str:
    """Words to lines of at most `width` columns (a longer word on a line of its own): the
    summary of every pre-commit run, where importing textwrap would cost more than this."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def fixes_text(fixed: list) -> str:
    """ruff's `--show-fixes`: per file written, each fix applied (rule, name, the key it set)."""
    if not fixed:
        return "No fixes applied."
    count = sum(len({(c.code, c.key) for c in changes}) for _, changes in fixed)
    lines = [f"Fixed {count} finding{'s' if count != 1 else ''}:"]
    for path, changes in fixed:
        lines.append(f"- {path}:")
        seen = set()
        for change in changes:
            if (change.code, change.key) not in seen:
                seen.add((change.code, change.key))
                lines.append(f"    {change.code} {RULES[change.code].name} (`{change.key}`)")
    return "\n".join(lines)


# The disclosure tiers in words, for a summary a reader need not decode.
_TIER_WORDS = {
    "T1": "state emissions",
    "T2": "state energy or compute time, no emissions",
    "T3": "state compute or size and tokens, no energy",
    "T4": "state only the size",
    "none": "state nothing to estimate from",
}


def _statistics(summary: Summary) -> list[tuple[str, int, int]]:
    # Most frequent first, then in code order, as ruff sorts them.
    return sorted(((code, n, summary.fixable_by_code[code]) for code, n in summary.by_code.items()),
                  key=lambda row: (-row[1], row[0]))


def statistics_text(summary: Summary) -> str:
    """ruff's `--statistics`: count, code, `[*]` when `--fix` fixes some, and the rule's name."""
    rows = _statistics(summary)
    if not rows:
        return ""
    width = max(len(str(n)) for _, n, _ in rows)
    marks = any(fixable for _, _, fixable in rows)
    return "\n".join(f"{n:>{width}}\t{code}\t{('[*] ' if fixable else '[ ] ') if marks else ''}{RULES[code].name}"
                     for code, n, fixable in rows)


def statistics_json(summary: Summary) -> list[dict[str, Any]]:
    return [{"code": code, "name": RULES[code].name, "count": n, "fixable": fixable > 0, "fixable_count": fixable}
            for code, n, fixable in _statistics(summary)]


def disclosure_text(assessment: Assessment) -> str:
    """The line after a card's findings: its disclosure tier and reporting class."""
    document = assessment.facts.document
    if not document.is_model_card:
        return f"{assessment.card.path}: {document.kind.value}, not a model card"
    return (f"{assessment.card.path}: disclosure {assessment.disclosure_tier}; "
            f"reporting class {assessment.reporting_class}")


def diff_summary_text(summary: Summary, diffs: int) -> str:
    """The line `check --diff` ends with (on stderr, as ruff does)."""
    if not diffs:
        text = "No changes proposed."
    else:
        text = f"Would change {diffs} card{'s' if diffs != 1 else ''} ({summary.fixable} fixable finding" \
               f"{'s' if summary.fixable != 1 else ''})."
    if summary.unsafe_fixable:
        text += f" {summary.unsafe_fixable} more with --unsafe-fixes."
    return text


def finding_json(finding: Finding) -> dict[str, Any]:
    rule, fixable = finding.rule, finding.fixable  # read once: Finding's properties are calls
    return {
        "code": rule.code,
        "rule": rule.name,
        "severity": str(rule.severity),
        "message": finding.message,
        "line": finding.line,
        "column": finding.column,
        "fixable": fixable,
        "fix": finding.fix,
        "fix_safety": str(finding.fix_safety) if fixable else None,
    }


def card_json(assessment: Assessment) -> dict[str, Any]:
    return {
        "path": assessment.card.path,
        "error": None,
        "findings": [finding_json(finding) for finding in assessment.findings],
        "reporting_class": assessment.reporting_class,
        "disclosure_tier": assessment.disclosure_tier,
        "document": assessment.facts.document.kind.name.lower(),
        "model_name": assessment.facts.model_name,
        "facts": facts_json(assessment.facts),
    }


def facts_json(facts: Facts) -> list[dict[str, Any]]:
    """Every fact with its unit and provenance; `chosen` marks the one carbon-card uses."""
    chosen = {id(fact) for fact in facts.chosen().values()}
    return [
        {
            "quantity": fact.quantity,
            "value": list(fact.value) if isinstance(fact.value, tuple) else fact.value,
            "unit": fact.unit,
            "text": fact.text,
            "origin": fact.origin,
            "where": fact.where,
            "line": fact.line,
            "scope": fact.scope,
            "note": fact.note,
            "reading": fact.reading.value if fact.reading is not None else None,
            "row": fact.row,
            "section": fact.section,
            "label": fact.label,
            "chosen": id(fact) in chosen,
        }
        for fact in facts.facts
    ]


def facts_table(assessment: Assessment) -> str:
    """The facts of one card as a text table; `*` marks the value carbon-card uses."""
    facts = assessment.facts
    chosen = {id(fact) for fact in facts.chosen().values()}
    name = f", model: {facts.model_name} ({facts.model_name_source})" if facts.model_name else ""
    lines = [f"{assessment.card.path}: disclosure {assessment.disclosure_tier}, "
             f"reporting class {assessment.reporting_class}{name}"]
    if not facts.facts:
        lines.append("  (no facts)")
    rows = [
        (
            ("*" if id(fact) in chosen else " ") + " " + fact.quantity,
            _value_text(fact.value),
            fact.unit or "",
            fact.scope,
            fact.provenance(),
        )
        for fact in facts.facts
    ]
    if rows:
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            lines.append("  " + "  ".join(cell.ljust(width) for cell, width in zip(row, widths)) + "  " + row[4])
    return "\n".join(lines)


def _interval_text(interval, format_value=lambda v: f"{v:.3g}") -> str:
    if interval.low == interval.high:  # a stated value, no spread
        return format_value(interval.central)
    return f"{format_value(interval.central)} (90%: {format_value(interval.low)} to {format_value(interval.high)})"


def estimate_text(estimate, verbose: bool = False, width: int = 80) -> str:
    """The estimate as lines a reader can follow: tier, figure, ATCI, then every assumption, each
    line within `width` columns. The source behind each assumption (a citation, often a
    paragraph) is shown with `verbose`; JSON always has it."""
    import textwrap

    def wrapped(text: str, indent: str) -> list[str]:
        return textwrap.wrap(text, width, subsequent_indent=indent, break_on_hyphens=False) or [text]

    lines = wrapped(f"tier        {estimate.tier}: {estimate.method}", " " * 12)
    if estimate.emissions_g is not None:
        lines.append(f"emissions   {_interval_text(estimate.emissions_g, format_mass)} CO2e")
    if estimate.energy_kwh is not None:
        lines.append(f"energy      {_interval_text(estimate.energy_kwh)} kWh")
    if estimate.flops is not None:
        lines.append(f"compute     {_interval_text(estimate.flops)} FLOP")
    if estimate.accelerator_hours is not None:
        lines.append(f"acc-hours   {estimate.accelerator_hours:.3g} h")
    if estimate.atci is not None:
        lines += wrapped(f"ATCI        {_interval_text(estimate.atci)} tCO2e per 10^21 FLOP", " " * 12)
    if estimate.cross_check is not None:
        lines += wrapped(f"check       the best lower tier gives {_interval_text(estimate.cross_check, format_mass)}",
                         " " * 12)
    if estimate.assumptions:
        lines.append("assumptions" + ("" if verbose else " (their sources: --verbose, or --format json)"))
        for a in estimate.assumptions:
            spread = "" if a.low is None or a.low == a.high else f" [{a.low:.3g} to {a.high:.3g}]"
            value = f"{a.value:.4g}" if isinstance(a.value, float) else str(a.value)
            lines += wrapped(f"  {a.name}: {value}{spread} {a.unit}".rstrip(), " " * 4)
            if verbose and a.source:
                lines += textwrap.wrap(a.source, width, initial_indent=" " * 4, subsequent_indent=" " * 4,
                                       break_on_hyphens=False)
    for reason in estimate.missing:
        lines += wrapped(f"to improve  {reason}", " " * 12)
    return "\n".join(lines)


def estimate_json(estimate) -> dict[str, Any]:
    def interval(value):
        return None if value is None else {"central": value.central, "low": value.low, "high": value.high}

    return {
        "tier": estimate.tier,
        "method": estimate.method,
        "emissions_g": interval(estimate.emissions_g),
        "energy_kwh": interval(estimate.energy_kwh),
        "flops": interval(estimate.flops),
        "accelerator_hours": estimate.accelerator_hours,
        "atci_tco2e_per_1e21_flop": interval(estimate.atci),
        "cross_check_g": interval(estimate.cross_check),
        "assumptions": [
            {"name": a.name, "value": a.value, "unit": a.unit, "low": a.low, "high": a.high, "source": a.source}
            for a in estimate.assumptions
        ],
        "missing": list(estimate.missing),
    }


def _value_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, tuple):
        return ", ".join(map(str, value))
    return str(value)


def error_json(error: CardReadError) -> dict[str, Any]:
    return {"path": error.path, "error": {"message": error.message, "line": error.line}, "findings": []}
