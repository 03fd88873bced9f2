"""Facts stated by the YAML front matter: the carbon block and the rest of the metadata."""

from __future__ import annotations

import functools
import math
import re
from typing import Any

from .._regex import lazy_compile
from ..card import Card
from ..units import UnitError, parse_accelerator_count, parse_duration_hours, parse_energy_kwh, parse_mass_grams
from .base import Fact, FactProblem

__all__ = ["ILLUSTRATION_RE", "block_states_nothing", "facts_from_metadata", "names_training_type_alone", "normalise_training_type", "spec_description", "states_nothing"]

BLOCK = "co2_eq_emissions"


def normalise_training_type(text: str) -> str:
    """"pretraining", "Pre-Training" -> "pre-training"; "finetuning", "fine tuning" -> "fine-tuning";
    of both, the one said first ("Fine-tuning of a pre-trained BERT")."""
    key = "".join(ch for ch in text.lower() if ch.isalnum())
    pre, fine = key.find("pretrain"), key.find("finetun")
    if pre >= 0 and (fine < 0 or pre < fine):
        return "pre-training"
    if fine >= 0 or key in {"sft", "instructiontuning", "lora"}:
        return "fine-tuning"
    return text.strip()


def names_training_type_alone(text: str) -> bool:
    """Whether a text is a training type's name and nothing more ("Fine-tuning", "Pre-Trained", "finetuned."),
    which is read as stated; a longer text ("Continued pre-training, then instruction tuning") is mapped by
    `normalise_training_type` to the type it names first, a reading."""
    return _TRAINING_TYPE_ALONE_RE.fullmatch(text) is not None


_TRAINING_TYPE_ALONE_RE = lazy_compile(r"\s*(?:pre[\s_-]?train(?:ing|ed)?|fine[\s_-]?tun(?:ing|ed|e))\s*\.?\s*",
                                       re.IGNORECASE)


_PLACEHOLDER = "more information needed"
_FIRST_PART_RE = lazy_compile(r"[,;(—–]")
_NO_VALUE = {"unknown", "n/a", "na", "none", "not specified", "not available", "not applicable", "unavailable", "-", "tbd", "?",
             "なし", "無し", "不明", "无", "未知", "없음", "ninguno", "ninguna", "aucun", "keine", "nessuno", "nenhum"}
# A field value that says nothing, in the spellings cards use: the template's placeholder, its
# own formula text, an unrendered template variable, and the usual non-answers.
PLACEHOLDER_VALUE_RE = lazy_compile(
    r"(?:needs?\s+)?more\s+info(?:rmation)?(?:\s+(?:is\s+)?(?:needed|required))?|unknown|(?:tbd|tba|tbc|todo)\b.*|n/?a|n\.a|nan"
    r"|unavailable|forthcoming\b.*|coming\s+soon"
    # "Not publicly reported", "Exact training hours were not publicly reported": a non-answer, without a figure.
    r"|(?:[^\d\n]*\s(?:was|were|is|are|has\s+been|have\s+been)\s+)?not\s+(?:yet\s+|publicly\s+|formally\s+|systematically\s+|officially\s+)*"
    r"(?:available|known|reported|disclosed|measured|tracked|recorded|logged|estimated|calculated|computed|mentioned"
    r"|provided|stated|given|documented|published)\b[^\d\n]*"
    # "To provide the amount ..., we need more information. The reference material does not mention the exact amount":
    # a non-answer in sentences, without a figure.
    r"|[^\d\n]*\b(?:needs?\s+more\s+info(?:rmation)?|(?:does|do|did)\s+not\s+(?:mention|specify|provide|state|give"
    r"|report|disclose|include))\b[^\d\n]*"
    r"|not\s+specified\b.*"
    r"|(?:still\s+)?to\s+be\s+(?:determined|added|confirmed|announced|measured|calculated|estimated|filled)\b.*"
    # "[Fill in]", "[insert hours]", "[Specify if applicable]", "[Your Region]", "Estimate using [calculator](...)":
    # the template's instruction
    r"|(?:fill\s+in|insert|add|enter|specify|estimate|provide|your)\b[^\d\n]*|estimate\s+(?:using|with|via)\b.*"
    r"|.*\((?:for\s+)?example\)?"  # "0.5 kg CO2 (example)": an illustration, not the training's
    r"|\(?power\s+consumption\s*[x×*]\s*time\s*[x×*]\s*carbon\s+produced\s+based\s+on\s+(?:the\s+)?location"
    r"\s+of\s+(?:the\s+)?power\s+grid\)?"
    r"|var(?:ies|iable|ying)\b.*|depends\s+on\b.*"
    # A figure with its digits left as X's: "~XX kg CO2 (calculation in progress)", "~0.XX kg CO2eq", "X hours"
    # (an "x" alone is no figure)
    r"|~?\s*(?:(?:\d+[.,])?[x×]{2,8}(?:[.,][x×]{1,8})?|\d+[.,][x×]{1,8}|[x×][.,][x×]{1,8})(?:\s+(?!\d)[^\n]*)?"
    r"|~?\s*[x×]\s+(?:hours?|hrs?|h|days?|minutes?|kg|g|t|tonnes?|kwh|gpus?)\b[^\d\n]*"
    r"|\{\{.*\}\}|\{%.*%\}|\?+",
    re.IGNORECASE,
)
PLACEHOLDER_TRIM = " \t*_`[]().,;:'\"\u200b~"
"""What surrounds a value that is no part of it: the template's brackets, bold, quotes."""
# An illustration in the template's place, not a statement: "0.5 kg CO2 (example)", "e.g. 1 x A100".
ILLUSTRATION_RE = lazy_compile(r"\((?:for\s+)?example\)", re.IGNORECASE)
EXAMPLE_LEAD_RE = lazy_compile(r"\W*(?:e\.g\.|example:|for\s+example\b)", re.IGNORECASE)
"""A text that starts as an example: "e.g. 8 A100", a line "Example: `0.0125 kWh x 420 gCO2e/kWh = 5.25 gCO2e`"."""
# The Hub documentation's description of each field of the block, which cards copy as its value
# (hub-docs, modelcard.md and model-cards-co2.md, 2022-2024): `training_type: "pre-training or
# fine-tuning"`, `hardware_used: "how much compute and what kind, e.g. 8 v100 GPUs"`, ...
_SPEC_DESCRIPTION_RE = lazy_compile(
    r"\W*(?:source\s+of\s+the\s+information,?\s+either\s+directly\s+from|pre-?\s?training\s+or\s+fine-?\s?tuning\W*$"
    r"|as\s+granular\s+as\s+possible\b|how\s+much\s+compute\s+and\s+what\s+kind\b|(?:number\s*\(\s*)?in\s+grams\s+of\s+co2\W*$)",
    re.IGNORECASE)


def spec_description(value: str) -> bool:
    """Whether a value is the Hub documentation's description of a block field, copied in its place."""
    return _SPEC_DESCRIPTION_RE.match(value) is not None


def states_nothing(value: str) -> bool:
    """A field's value that states no value: the template's placeholder, "Unknown", "N/A", the Hub
    documentation's description of the field, or a value that says so before what was assumed
    instead ("unavailable, assumed East US for calculations": an assumption is not where training
    ran)."""
    lower = value.lower()
    if _PLACEHOLDER in lower or lower.strip(" .") in _NO_VALUE:
        return True
    # The patterns only where their characters are: the block's fields of every card pass here.
    if ("," in lower or ";" in lower or "(" in lower or "—" in lower or "–" in lower) \
            and _FIRST_PART_RE.split(lower, 1)[0].strip(" .") in _NO_VALUE:
        return True
    if ("example" in lower or "e.g." in lower) and (ILLUSTRATION_RE.search(lower) or EXAMPLE_LEAD_RE.match(lower)):
        return True
    if _SPEC_DESCRIPTION_RE.match(lower) is not None:
        return True
    # The non-answers CC301 flags in the template's fields ("Your Region", "Not recorded", "NaN", "Variable").
    trimmed = lower.strip(PLACEHOLDER_TRIM)
    if not trimmed:
        return bool(lower.strip())  # "[]", "()": the template's brackets, empty; "" is no value, said elsewhere
    return PLACEHOLDER_VALUE_RE.fullmatch(trimmed) is not None


# The block's values repeat from card to card ("AutoTrain", "fine-tuning"): their answers are kept.
block_states_nothing = functools.lru_cache(maxsize=256)(states_nothing)


def _wall_hours(text: str) -> float:
    return parse_duration_hours(text)[0]


# The block's numeric fields: key, quantity, parser of the value written as a string.
_BLOCK_NUMBERS = (
    ("emissions", "emissions", parse_mass_grams),
    ("energy_consumed", "energy", parse_energy_kwh),
    ("hours_used", "wall_hours", _wall_hours),
)
# The block's text fields: key, quantity.
_BLOCK_TEXTS = (
    ("hardware_used", "hardware"),
    ("geographical_location", "location"),
    ("cloud_provider", "cloud_provider"),
)


def facts_from_metadata(card: Card) -> tuple[list[Fact], list[FactProblem]]:
    facts: list[Fact] = []
    problems: list[FactProblem] = []
    metadata = card.metadata
    if not metadata:
        return facts, problems

    top = card.node_index()
    block_nodes = top.get(BLOCK)
    inside = card.node_index(block_nodes[1]) if block_nodes else {}

    def add(quantity: str, value: Any, path: tuple[str, ...], note: str | None = None) -> None:
        located = (inside if len(path) == 2 else top).get(path[-1])
        if located is None:
            line = column = None
        else:
            mark = located[1].start_mark
            line, column = card.yaml_line + mark.line, mark.column + 1
        where = path[0] if len(path) == 1 else f"{path[0]}.{path[1]}"
        facts.append(Fact(quantity, value, _text(card, located, value), "yaml", where, line, column, note=note))

    block = metadata.get(BLOCK)
    if _is_number(block) and math.isfinite(block) and block >= 0:
        add("emissions", float(block), (BLOCK,))
    elif isinstance(block, str):
        _add_parsed(add, "emissions", parse_mass_grams, block, (BLOCK,))
    elif isinstance(block, dict):
        for key, quantity, parse in _BLOCK_NUMBERS:
            value = block.get(key)
            if value is None:
                continue
            if _is_number(value) and math.isfinite(value) and value >= 0:
                add(quantity, float(value), (BLOCK, key))
            elif isinstance(value, str) and value.strip():
                _add_parsed(add, quantity, parse, value, (BLOCK, key))
        # A field left as a placeholder ("[More Information Needed]", "unknown", the documentation's
        # "how much compute and what kind, e.g. 8 v100 GPUs") states nothing (CC110 reports the template's).
        for key, quantity in _BLOCK_TEXTS:
            value = block.get(key)
            if isinstance(value, str) and value.strip() and not block_states_nothing(value):
                add(quantity, value.strip(), (BLOCK, key))
                if key == "hardware_used" and (count := parse_accelerator_count(value)) is not None:
                    add("accelerator_count", count, (BLOCK, key), note="count in hardware_used")
        training_type = block.get("training_type")
        if isinstance(training_type, str) and training_type.strip() and not block_states_nothing(training_type):
            add("training_type", normalise_training_type(training_type), (BLOCK, "training_type"))

    bases = base_models(card)
    if bases:
        add("base_model", bases[0] if len(bases) == 1 else bases, ("base_model",))
        if not any(f.quantity == "training_type" for f in facts):
            add("training_type", "fine-tuning", ("base_model",), note="implied by base_model")
    for key, quantity in (("pipeline_tag", "task"), ("library_name", "library")):
        value = metadata.get(key)
        if isinstance(value, str) and value.strip():
            add(quantity, value.strip(), (key,))
    datasets = _names(metadata.get("datasets"))
    if datasets:
        add("datasets", datasets, ("datasets",))
    return facts, problems


def _names(value: Any) -> tuple[str, ...]:
    """The non-blank strings of a string or a list (`base_model`, `datasets`)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(name for name in value if isinstance(name, str) and name.strip())


def base_models(card: Card) -> tuple[str, ...]:
    """The repositories the card's `base_model` names."""
    return _names((card.metadata or {}).get("base_model"))


def model_index_name(card: Card) -> str | None:
    """The model's name from `model-index`, which names the model a card is about."""
    index = (card.metadata or {}).get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict):
        name = index[0].get("name")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


def _add_parsed(add, quantity: str, parse, text: str, path: tuple[str, ...]) -> None:
    # A string that is not a known quantity is not a fact; the block's own rules (CC103,
    # CC109) report it, so it is not a problem here too.
    try:
        value = parse(text)
    except UnitError:
        return
    if math.isfinite(value) and value >= 0:
        add(quantity, float(value), path, note="parsed from a string")


def _text(card: Card, located, value: Any) -> str:
    if located is not None and not isinstance(value, (list, tuple, dict)):
        node = located[1]
        if node.start_mark.index < node.end_mark.index and card.yaml_span:
            start = card.yaml_span[0]
            return card.text[start + node.start_mark.index : start + node.end_mark.index].strip()
    return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
