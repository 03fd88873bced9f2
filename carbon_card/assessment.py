"""The Assessment stage: the rules run over a card and give findings with positions.

Each finding names its rule (see `rules/`), says what is wrong in one line, points at the
line and column of the card where it is, and, when a mechanical fix exists, carries it.
`assess` runs every registered check, keeps what the card's selection reports, and gives the
card's disclosure tier and reporting class.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .card import Card
from .facts import Facts, Reading, gather
from .rules import CHECKS, RULES, Severity
from .rules.base import BLOCK_KEY, RECOMMENDED, Context, Finding
from .rules.frontmatter import not_a_model_card
from .rules.disclosure import disclosure_tier, template_placeholders
from .suppression import UNUSED_CODE, Selection

if TYPE_CHECKING:
    from .estimate import Estimate

# BLOCK_KEY, RECOMMENDED, disclosure_tier and template_placeholders are the rules' now, and
# re-exported from here, where they used to live.
__all__ = [
    "BLOCK_KEY", "RECOMMENDED", "REPORTING_CLASSES", "Assessment", "Finding", "assess", "disclosure_tier",
    "reporting_class", "template_placeholders",
]

# Fixes that ask whether other rules are enabled before writing their fields: a suppression
# of those, at the finding's line, is in use (see `Selection.apply`).
_CONSULTS = {rule.code: rule.fix.consults for rule in RULES.values() if rule.fix is not None and rule.fix.consults}
# Rules whose findings put the safe fixes of others in doubt (CC501 doubts CC303).
_DOUBTS = {rule.code: rule.doubts for rule in RULES.values() if rule.doubts}


@dataclass(frozen=True)
class Assessment:
    """What carbon-card concludes about one card."""

    card: Card
    findings: tuple[Finding, ...]
    facts: Facts
    reporting_class: str
    """The reporting class of Castaño et al. (2023), from carbon-card's own reading of the facts."""
    disclosure_tier: str = "none"
    """The best tier the card's own information supports (see `disclosure_tier`)."""
    selection: Selection = Selection()  # noqa: RUF009 - frozen: one shared default is safe
    """The rules enabled for the card and its suppression comments: what `findings` left out,
    and what a fix must not write either."""

    def count(self, at_least: Severity) -> int:
        return sum(1 for finding in self.findings if finding.severity >= at_least)


def assess(card: Card, facts: Facts | None = None, enabled: frozenset[str] | None = None, *,
           estimate: Callable[[], Estimate] | None = None) -> Assessment:
    """Run every rule over a card and its facts; findings come sorted by position.

    Without `facts`, the card's own facts are gathered (no files beside it). Only the rules in
    `enabled` (all by default) are reported, and none that a comment of the card suppresses;
    a suppression that suppresses nothing is a CC010 finding. `estimate` gives the estimate of
    `facts` when a rule needs it (the pipeline's, computed once), instead of a rule's own.
    """
    if facts is None:
        facts = gather(card)
    tier = disclosure_tier(facts, card)
    context = Context(card, facts, tier, estimate)
    findings: list[Finding] = []
    # A file that is not a model card is judged on nothing else (CC007 says so).
    for check in CHECKS if facts.document.is_model_card else (not_a_model_card,):
        findings += check(context)
    doubted = {code for finding in findings for code in _DOUBTS.get(finding.code, ())}
    if doubted:
        # A safe fix that the card's own facts put in doubt is left to the user.
        findings = [replace(f, doubted=True) if f.code in doubted else f for f in findings]
    selection = Selection.of(card, enabled)
    findings, unused = selection.apply(findings, _CONSULTS)
    unused_rule = RULES[UNUSED_CODE]
    findings += [unused_rule.finding(message, (line, column)) for line, column, message in unused]
    findings.sort(key=lambda f: (f.line, f.column, f.code))
    return Assessment(card, tuple(findings), facts, reporting_class(facts, card), tier, selection)


# --------------------------------------------------------------------------- reporting class

REPORTING_CLASSES = (
    "Unknown Energy Efficiency",
    "Context Reporting",
    "Basic Energy Reporting",
    "Energy Awareness",
    "Energy Optimization",
    "Certified Energy Efficiency",
)
"""The reporting classes of Castaño et al. (2023), lowest first. The last two extend the four
that the study's code reaches (see `reporting_class`)."""

_OPTIMISATION_TAGS = {"optimized", "optimised", "pruned", "pruning", "distilled", "distillation", "quantized",
                      "quantised", "quantization", "sparse", "sparsity"}
_ECO_LABEL_TAGS = {"eco-label", "ecolabel", "energy-label", "energy-star", "green-ai-certified"}


def reporting_class(facts: Facts, card: Card | None = None, rule: str = "carbon-card", extended: bool = False) -> str:
    """The reporting class of Castaño et al. (2023).

    Emissions and hardware reported: Energy Awareness; emissions only: Basic Energy Reporting;
    hardware only: Context Reporting; neither: Unknown Energy Efficiency.

    `rule="castano"` applies the study's rule: emissions from the metadata's `co2_eq_emissions`,
    hardware from its `hardware_used` or a "Hardware Type:" line of the text. The default
    reads every fact carbon-card gathers (prose, tables, files) about this model.

    `extended=True` adds the study's two higher classes, which its code never assigns: Energy
    Optimization (Energy Awareness, and a tag naming an optimisation: pruned, distilled,
    quantized, ...) and Certified Energy Efficiency (also an eco-label tag).
    """
    if rule == "castano":
        emissions = any(f.origin == "yaml" for f in facts.all("emissions"))
        hardware = any(f.origin == "yaml" or f.reading is Reading.FIELD and (f.label or "").lower() == "hardware type"
                       for f in facts.all("hardware"))
    else:
        emissions = bool(facts.disclosed("emissions"))
        hardware = bool(facts.disclosed("hardware"))
    if emissions and hardware:
        label = "Energy Awareness"
        if extended and card is not None:
            tags = {str(tag).lower() for tag in ((card.metadata or {}).get("tags") or []) if isinstance(tag, str)}
            if tags & _OPTIMISATION_TAGS:
                label = "Certified Energy Efficiency" if tags & _ECO_LABEL_TAGS else "Energy Optimization"
        return label
    if emissions:
        return "Basic Energy Reporting"
    return "Context Reporting" if hardware else "Unknown Energy Efficiency"


