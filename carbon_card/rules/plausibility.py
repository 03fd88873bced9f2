"""CC5xx: the reported figure against what the card's own facts imply, through the estimator."""

from __future__ import annotations

from ..facts import Facts
from ..units import format_grams
from .base import Context, Example, Findings, Rule, Severity
from .conflicts import CC402, fact_position
from .disclosure import estimable

__all__ = ["RULES"]


def implausible_emissions(ctx: Context) -> Findings:
    """CC501: T1 cross-checked against the best lower tier the card's own facts support."""
    if not ctx.tier.startswith("T1"):
        return ()
    facts = ctx.facts
    stated = facts.best("emissions")
    if stated is None or stated.value <= 0 or ctx.once(estimable) not in ("T2", "T3"):
        return ()  # no energy, hours or compute to check against (priors alone would prove nothing)
    # Only what the card states in structured places: a sentence or another run's progress
    # table is too weak to call a reported figure implausible.
    structured = tuple(f for f in facts.facts if f.structured)
    if len(structured) == len(facts.facts) and ctx.estimate is not None:
        found = ctx.estimate()  # the same facts: the card's estimate, computed once
    else:
        from ..estimate import (
            estimate,  # the Estimate stage, needed only for cards with such facts
        )

        found = estimate(Facts(structured, facts.problems, facts.model_name))
    check = found.cross_check
    if check is None or check.central <= 0:
        return ()
    ratio = stated.value / check.central
    # Only an interval narrower than 100x tells a unit: in a wider one, any magnitude may fit.
    if stated.origin == "yaml" and ratio < 0.1 and check.high < check.low * 100:
        for factor, unit in ((1e3, "kilograms"), (1e6, "tonnes")):
            if check.low <= stated.value * factor <= check.high:
                # 6.29 "g" where the card's own hardware and hours imply 5.5 to 107 kg: the figure
                # is right in kilograms, the unit is not (the ML CO2 Impact calculator gives kg).
                grams = stated.value * factor
                return [CC402.finding(f"`emissions` is {format_grams(stated.value)} g, {ratio:.3g}x what the card's "
                                      f"own facts imply ({format_grams(check.low)} to {format_grams(check.high)} "
                                      f"g), and {format_grams(grams)} g is within that: {unit} written into the "
                                      f"grams field? Write {format_grams(grams)}", fact_position(ctx, stated),
                                      fix=f"replace {format_grams(stated.value)} with {format_grams(grams)}",
                                      value=grams)]
    # Far outside the interval, not merely off the central value: the interval already says
    # how much the card's facts leave open (a country's regions, unknown hardware).
    if (ratio > 10 or ratio < 0.1) and not check.low / 3 <= stated.value <= check.high * 3:
        return [CC501.finding(f"the reported {format_grams(stated.value)} g is {ratio:.3g}x what the card's own "
                              f"facts imply ({format_grams(check.central)} g, 90% {format_grams(check.low)} to "
                              f"{format_grams(check.high)} g): check the unit, the region or the hardware",
                              fact_position(ctx, stated))]
    return ()


_CARD = """---
license: mit
co2_eq_emissions:
  emissions: {emissions}
  source: CodeCarbon
  training_type: fine-tuning
  geographical_location: Iowa, USA
  hardware_used: 1 x A100
  energy_consumed: 3.6
---
"""

CC501 = Rule(
    "CC501", "emissions-implausible", Severity.WARNING,
    "The reported emissions are over 10x off, and 3x outside the interval of, what the card's own energy, "
    "hardware or compute imply.",
    why="A card that states its energy, its hardware and hours, or its training compute also says, through the "
        "grid's carbon intensity, roughly what the training emitted. A reported figure ten times off that, and "
        "well outside carbon-card's 90% interval, is usually a unit slip (kilograms as grams, Wh as kWh), the "
        "wrong region or the wrong hardware. While it stands, lifting the figure into the metadata (CC303) is "
        "an unsafe fix.",
    bad=Example(_CARD.format(emissions="18")),
    good=Example(_CARD.format(emissions="1812")),
    check=implausible_emissions,
    doubts=("CC303",),
)

RULES = (CC501,)
