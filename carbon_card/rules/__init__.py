"""The registry of rules: every finding carbon-card reports has a stable code from here.

Each rule lives in the module of its family, with its check, its fix and an explanation with
a bad and a good example (`carbon-card rule CODE`). The families are numbered like ruff's
codes: CC0xx the front matter (`frontmatter`; CC010 the card's suppression comments), CC1xx
the `co2_eq_emissions` block (`block`), CC2xx the block's recommended fields
(`recommended`), CC3xx the card's disclosure as a whole (`disclosure`), CC4xx facts that
disagree or could not be read (`conflicts`), CC5xx the estimate against the card
(`plausibility`). The assessment runs the checks, the patch the fixes; the README's rules
table, `carbon-card rules`, SARIF's rule help and the hooks' descriptions are generated from
here (`python -m carbon_card.rules.docs`).
"""

from __future__ import annotations

from . import block, conflicts, disclosure, frontmatter, plausibility, recommended
from .base import Check, Example, Finding, Fix, FixSafety, FixStage, Rule, Severity

__all__ = [
    "CHECKS", "FIXES", "RULES", "Example", "Finding", "Fix", "FixSafety", "FixStage", "Rule", "Severity", "rule",
]

RULES: dict[str, Rule] = {
    rule.code: rule
    for family in (frontmatter, block, recommended, disclosure, conflicts, plausibility)
    for rule in family.RULES
}
"""Every rule by code, in code order."""

CHECKS: tuple[Check, ...] = tuple(dict.fromkeys(rule.check for rule in RULES.values() if rule.check is not None))
"""Every check once (a check may report several rules), in the order of the first rule it reports."""

FIXES: tuple[Rule, ...] = tuple(sorted((rule for rule in RULES.values() if rule.fix is not None),
                                       key=lambda rule: (rule.fix.stage, rule.code)))
"""The rules with a fix, in the order their fixes are planned."""

_BY_NAME = {rule.name: rule for rule in RULES.values()}


def rule(code_or_name: str) -> Rule:
    """Look a rule up by code (`CC104`) or name (`emissions-string`); KeyError if there is none."""
    return RULES.get(code_or_name.upper()) or _BY_NAME[code_or_name]
