"""What a fix may lift from the facts into the `co2_eq_emissions` block, and how the block writes it.

A value is lifted only when the card states it for this model in a structured place of its
text or files (a template field, an AutoTrain line, this model's table row, a file): a
sentence is too weak to write into metadata. The checks use this to say which findings a fix
can resolve; the patch uses it to write them.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import yaml

from ..card import Card
from ..units import parse_accelerator_count
from .base import Fact, Facts, Reading

__all__ = ["BLOCK_KEY", "Lift", "liftable", "yaml_number", "yaml_scalar"]

BLOCK_KEY = "co2_eq_emissions"

# Block fields filled from facts: quantity -> key of the block (the Hub's template keys first).
_LIFTED = (
    ("training_type", "training_type"),
    ("location", "geographical_location"),
    ("hardware", "hardware_used"),
    ("cloud_provider", "cloud_provider"),
    ("energy", "energy_consumed"),
    ("wall_hours", "hours_used"),
)


class Lift(NamedTuple):
    """A value for a key of the block, and the fact it comes from (None: carbon-card's estimate)."""

    value: Any
    fact: Fact | None


def liftable(card: Card, facts: Facts) -> dict[str, Lift]:
    """Block keys the card lacks that its own text or files state for this model, in a
    structured place: key -> (value for the block, the fact it comes from)."""
    block = (card.metadata or {}).get(BLOCK_KEY)
    present = block if isinstance(block, dict) else {}
    found: dict[str, Lift] = {}
    figure = block if _is_number(block) else present.get("emissions")
    emissions = _first_structured(facts, "emissions")
    if figure is None and emissions is not None and emissions.value > 0:
        found["emissions"] = Lift(yaml_number(emissions.value), emissions)
        figure = emissions.value
    # The tool that measured the figure, when the card names it and the figures agree.
    if "source" not in present and emissions is not None and _is_number(figure) and figure > 0 \
            and 1 / 1.1 <= emissions.value / figure <= 1.1:
        source = _emissions_source(emissions)
        if source is not None:
            found["source"] = Lift(source, emissions)
    for quantity, key in _LIFTED:
        fact = _first_structured(facts, quantity)
        if key in present or fact is None:
            continue
        value = fact.value
        if quantity == "hardware":
            value = _hardware_text(fact, facts)
        elif quantity in ("energy", "wall_hours"):
            value = yaml_number(value)
        elif isinstance(value, tuple):
            value = ", ".join(value)
        if isinstance(value, str) and not value.strip():
            continue
        found[key] = Lift(value, fact)
    return found


def _structured(fact: Fact) -> bool:
    """A value stated for this model, in the text or a file, in a structured place: safe to lift."""
    return fact.scope == "model" and fact.origin in ("prose", "file") and fact.structured


def _first_structured(facts: Facts, quantity: str) -> Fact | None:
    """The value carbon-card uses (`Facts.best`) when it may be lifted, else the first that may:
    but not hardware that names no accelerator ("NVIDIA GPU (training), CPU/GPU (inference)") in
    place of the one the card names elsewhere ("Single GPU (NVIDIA RTX 4090 ...)")."""
    best = facts.best(quantity)
    if best is None or _structured(best):
        return best
    for fact in facts.all(quantity):  # a loop, not next() over a generator: asked ten times per card
        if _structured(fact):
            if quantity == "hardware" and not _names_accelerator(fact) and _names_accelerator(best):
                return None
            return fact
    return None


def _names_accelerator(fact: Fact) -> bool:
    from ..hardware import names_an_accelerator  # the accelerator table: loaded only for a card that needs it

    return isinstance(fact.value, str) and names_an_accelerator(fact.value)  # not "CPU" alone, a generic socket


def _emissions_source(fact: Fact) -> str | None:
    """The `source` a careful human writes for a lifted figure, when the card names the tool."""
    if fact.origin == "file" and fact.where.endswith("emissions.csv"):
        return "CodeCarbon"
    if fact.reading is Reading.AUTOTRAIN:
        return "AutoTrain"
    return None


def _hardware_text(fact: Fact, facts: Facts) -> str:
    """The hardware as the card names it, with the count the card gives elsewhere in front, unless
    the text counts them itself ("NVIDIA A100x4", "NVIDIA 2xH200": not "4 x NVIDIA A100x4")."""
    text = str(fact.text).strip()
    count = facts.value("accelerator_count")
    if isinstance(count, int) and count > 0 and not text[:1].isdigit() and parse_accelerator_count(text) is None:
        return f"{count} x {text}"
    return text


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def yaml_number(value: float) -> int | float:
    """A number as YAML should show it: an integer when it is one, else 6 significant digits."""
    value = float(f"{float(value):.6g}")
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


def yaml_scalar(value: Any) -> str:
    """A value as a YAML scalar on one line, quoted only when YAML needs it."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=math.inf)
    return dumped.removesuffix("\n...\n").removesuffix("\n")
