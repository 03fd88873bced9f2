"""CC2xx: the fields the Hub's template recommends beside the figure: where it comes from, what
training it covers, where and on what hardware it ran."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING

from ..facts.lift import Lift, yaml_scalar
from .base import (
    BLOCK_KEY, RECOMMENDED, Context, Example, Finding, Findings, Fix, FixSafety, FixStage, Rule,
    Severity, is_number,
)
from .block import suggested_renames

if TYPE_CHECKING:  # a fix's types: loaded by the runs that fix (see `fixing`)
    from .fixing import Change, FixContext

__all__ = ["RECOMMENDED", "RULES"]



def recommended_fields(ctx: Context) -> Findings:
    """CC201-CC204: a recommended field missing (or empty) beside the figure."""
    block, found = ctx.block, []
    if isinstance(block, dict):
        renamed = set(ctx.once(suggested_renames).values())
        position = ctx.card.position(ctx.card.node_at(BLOCK_KEY)[0])
        for field, rule in _FIELDS:
            if field in renamed:
                continue  # The unknown-key finding already says to rename the misspelt key.
            value = block.get(field)
            if value is None or (isinstance(value, str) and not value.strip()):
                fix = _lift_fix(field, ctx.lifts) if field not in block else None  # an empty value is not overwritten
                found.append(rule.finding(f"no `{field}` in `co2_eq_emissions`", position, fix=fix))
    elif is_number(block):
        position = ctx.block_position()
        for field, rule in _FIELDS:
            found.append(rule.finding(f"no `{field}`: write the block as a mapping with `emissions` and `{field}`",
                                      position, fix=_lift_fix(field, ctx.lifts)))
    return found


def _lift_fix(field: str, lifts: dict[str, Lift]) -> str | None:
    if field not in lifts:
        return None
    value, fact = lifts[field]
    return f"add `{field}: {value}` from {fact.provenance()}"


def _add(key: str) -> Callable[[FixContext, Sequence[Finding]], Iterator[Change]]:
    """The fix of a missing field: the value the card states for it in a structured place."""

    def plan(ctx: FixContext, findings: Sequence[Finding]) -> Iterator[Change]:
        if key in ctx.lifts:
            value, fact = ctx.lifts[key]
            yield ctx.change(findings[0], key, value, f"add `{key}: {yaml_scalar(value)}` from {fact.provenance()}")

    return plan


_LIFTED = ("lifted from a template field, an AutoTrain line, this model's table row or a file (`source: AutoTrain` "
           "/ `CodeCarbon` only when the card names the tool and the figures agree)")
_FIX_SUMMARY = f"`source`, `training_type`, `geographical_location`, `hardware_used` {_LIFTED}"

_BLOCK = {
    "source": "  source: CodeCarbon",
    "training_type": "  training_type: fine-tuning",
    "geographical_location": "  geographical_location: Iowa, USA",
    "hardware_used": "  hardware_used: 1 x A100",
}


def _card(without: str | None) -> Example:
    fields = "\n".join(line for key, line in _BLOCK.items() if key != without)
    return Example(f"---\nlicense: mit\nco2_eq_emissions:\n  emissions: 1812\n{fields}\n---\n")


def _rule(code: str, name: str, field: str, summary: str, why: str) -> Rule:
    return Rule(
        code, name, Severity.WARNING, summary,
        why=why + " The fix takes the value the card states in a structured place of its text or files (a "
                  "template field, this model's row of a table, a file beside the card); a sentence is not "
                  "lifted.",
        bad=_card(field), good=_card(None), check=recommended_fields,
        fix=Fix(FixSafety.SAFE, FixStage.FIELD, _add(field), _FIX_SUMMARY),
    )


CC201 = _rule(
    "CC201", "source-missing", "source",
    "No `source`: say where the figure comes from (CodeCarbon, AutoTrain, an article, an estimate).",
    "A figure without a source cannot be weighed: a measurement by CodeCarbon, a figure from a paper and a "
    "back-of-the-envelope estimate differ by orders of magnitude in what they are worth.",
)
CC202 = _rule(
    "CC202", "training-type-missing", "training_type",
    "No `training_type`: say whether the figure covers pre-training or fine-tuning.",
    "A fine-tune's emissions are a small part of its base model's: without `training_type` a reader cannot "
    "tell whether the figure is the model's whole training or the last step of it. A training type the card "
    "words in more than its name (\"continued pre-training, then instruction tuning\") is written only as an "
    "unsafe fix: which of the two it is, is a reading.",
)
CC203 = _rule(
    "CC203", "location-missing", "geographical_location",
    "No `geographical_location`: the grid's carbon intensity depends on where training ran.",
    "The same energy emits ten times more CO2e on a coal-heavy grid than on a hydro or nuclear one: the "
    "location lets a reader check the figure, and compare it with others.",
)
CC204 = _rule(
    "CC204", "hardware-missing", "hardware_used",
    "No `hardware_used`: say how many accelerators of which kind.",
    "The hardware and its count give the power drawn and let a reader check the figure against the hours; "
    "they also place the model in Castaño et al.'s reporting classes (Energy Awareness needs both emissions "
    "and hardware). Hardware that carbon-card cannot name is written only as an unsafe fix.",
)

_FIELDS = (("source", CC201), ("training_type", CC202), ("geographical_location", CC203), ("hardware_used", CC204))

RULES = (CC201, CC202, CC203, CC204)
