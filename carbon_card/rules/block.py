"""CC1xx: the `co2_eq_emissions` block itself: its form, its figure of grams, its keys and the
types of its fields (the published JSON Schema, `carbon-card schema`)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..facts.lift import yaml_number
from ..facts.metadata import spec_description
from ..schema import field_error, known_keys
from ..units import UnitError, format_grams, parse_mass_grams
from .base import (
    BLOCK_KEY, Context, Example, Finding, Findings, Fix, FixSafety, FixStage, Rule, Severity,
    is_number, type_name,
)
from .disclosure import ESTIMATED_FIGURE, estimate_fix

if TYPE_CHECKING:  # a fix's types: loaded by the runs that fix (see `fixing`)
    from .fixing import Change, FixContext

__all__ = ["RULES", "suggested_renames"]

# Keys people write for a field of the block that a string distance does not catch.
_KEY_ALIASES = {
    "emission": "emissions",
    "co2": "emissions",
    "co2_eq": "emissions",
    "co2_emissions": "emissions",
    "carbon_emitted": "emissions",
    "location": "geographical_location",
    "region": "geographical_location",
    "compute_region": "geographical_location",
    "country": "geographical_location",
    "hardware": "hardware_used",
    "hardware_type": "hardware_used",
    "gpu": "hardware_used",
    "gpu_model": "hardware_used",
    "energy": "energy_consumed",
    "energy_kwh": "energy_consumed",
    "hours": "hours_used",
    "duration": "hours_used",
    "training_time": "hours_used",
    "provider": "cloud_provider",
}


def block_type(ctx: Context) -> Findings:
    """CC101: the block is neither a number nor a mapping (nor a string, which CC103/CC104 read)."""
    block = ctx.block
    if not ctx.has_block or isinstance(block, (dict, str)) or is_number(block):
        return ()
    key_node, value_node = ctx.card.node_at(BLOCK_KEY)
    what = "empty" if block is None else f"a {type_name(block)}"
    return [CC101.finding(f"`co2_eq_emissions` is {what}; write a number of grams or a mapping with `emissions`",
                          ctx.card.position(key_node if block is None else value_node))]


def emissions_missing(ctx: Context) -> Findings:
    """CC102: a mapping without `emissions`."""
    if not isinstance(ctx.block, dict) or "emissions" in ctx.block:
        return ()
    lifted = ctx.lifts.get("emissions")
    fix = f"add `emissions: {format_grams(lifted[0])}` from {lifted[1].provenance()}" if lifted \
        else estimate_fix(ctx)
    return [CC102.finding("`co2_eq_emissions` has no `emissions` (grams of CO2e)",
                          ctx.card.position(ctx.card.node_at(BLOCK_KEY)[0]), fix=fix)]


def emissions_value(ctx: Context) -> Findings:
    """CC103-CC107: the figure, a bare number of grams or the mapping's `emissions`."""
    block = ctx.block
    if isinstance(block, dict):
        if "emissions" not in block:
            return ()
        value, name, position = block["emissions"], "emissions", ctx.card.position(
            ctx.card.node_at(BLOCK_KEY, "emissions")[1])
    elif is_number(block) or isinstance(block, str):
        value, name, position = block, "co2_eq_emissions", ctx.block_position()
    else:
        return ()
    if is_number(value):
        return list(_number_findings(value, name, position))
    if isinstance(value, str):
        return list(_string_findings(value, name, position))
    what = "empty" if value is None else f"a {type_name(value)}"
    return [CC103.finding(f"`emissions` is {what}, not a number of grams", position)]


def _number_findings(value: float, name: str, position: tuple[int, int]) -> Iterator[Finding]:
    if math.isnan(value) or math.isinf(value):
        yield CC106.finding(f"`{name}` is {value!r}; write a finite number of grams", position)
    elif value < 0:
        yield CC105.finding(f"`{name}` is negative ({format_grams(value)} g)", position)
    elif value == 0:
        yield CC107.finding(f"`{name}` is 0 g: a figure in kilograms rounded away, or a market-based claim? "
                            "State the location-based grams", position)


def _string_findings(text: str, name: str, position: tuple[int, int]) -> Iterator[Finding]:
    try:
        grams = parse_mass_grams(text)
    except UnitError as error:
        yield CC103.finding(f"`{name}` is the string {text!r}: {error}", position)
        return
    if not math.isfinite(grams):
        yield CC106.finding(f"`{name}` is the string {text!r}; write a finite number of grams", position)
    elif grams < 0:
        yield CC105.finding(f"`{name}` is negative ({text!r})", position)
    else:
        number = format_grams(grams)
        yield CC104.finding(f"`{name}` is the string {text!r}; write the number {number} (grams)", position,
                            fix=f"replace {text!r} with {number}", value=grams)


def replace_figure(ctx: FixContext, findings: Sequence[Finding]) -> Iterator[Change]:
    """CC104, CC402: the figure replaced by the grams the finding carries."""
    for finding in findings:
        yield ctx.change(finding, "emissions", yaml_number(finding.fix_value), finding.fix)


def unknown_keys(ctx: Context) -> Findings:
    """CC108: keys the schema does not define, with the known key each looks like."""
    block = ctx.block
    if not isinstance(block, dict):
        return ()
    card, known, renames, found = ctx.card, known_keys(), ctx.once(suggested_renames), []
    for key in block:
        if key == "emissions" or key in known:
            continue
        located = card.node_at(BLOCK_KEY, key) if isinstance(key, str) else None
        position = card.position(located[0]) if located else card.position(card.node_at(BLOCK_KEY)[1])
        suggestion = renames.get(key)
        if suggestion is not None:
            found.append(CC108.finding(f"unknown key `{key}` in `co2_eq_emissions`; did you mean `{suggestion}`?",
                                       position, fix=f"rename `{key}` to `{suggestion}`", value=(key, suggestion)))
        else:
            found.append(CC108.finding(f"unknown key `{key}` in `co2_eq_emissions`", position))
    return found


def suggested_renames(ctx: Context) -> dict[Any, str]:
    """Unknown keys of the block that look like a known key it lacks: key -> that key."""
    if not isinstance(ctx.block, dict):
        return {}
    block, known = ctx.block, known_keys()
    renames = {}
    for key in block:
        if key == "emissions" or key in known:
            continue
        suggestion = _suggest_key(key, known)
        if suggestion and suggestion not in block:
            renames[key] = suggestion
    return renames


def _suggest_key(key: Any, known: tuple[str, ...]) -> str | None:
    if not isinstance(key, str):
        return None
    normalised = key.strip().lower().replace("-", "_").replace(" ", "_")
    if normalised in known:
        return normalised
    if normalised in _KEY_ALIASES:
        return _KEY_ALIASES[normalised]
    import difflib  # only for a key that is not known: a card with a valid block never pays its import

    matches = difflib.get_close_matches(normalised, known, n=1, cutoff=0.75)
    return matches[0] if matches else None


def rename_keys(ctx: FixContext, findings: Sequence[Finding]) -> Iterator[Change]:
    for finding in findings:
        old, new = finding.fix_value
        yield ctx.change(finding, new, old, finding.fix)


def block_fields(ctx: Context) -> Findings:
    """CC109, CC110: each field of the block, in one pass: a field the schema defines, of the wrong type or
    value (CC109); a text left as the template's placeholder or the Hub documentation's description of the
    field (CC110)."""
    block = ctx.block
    if not isinstance(block, dict):
        return ()
    card, known, found = ctx.card, known_keys(), []
    for key, value in block.items():
        if key == "emissions":
            continue  # the figure is CC103-CC107's
        complaint = placeholder = None
        if key in known:
            complaint = field_error(key, value)
            if complaint is None and isinstance(value, float) and not math.isfinite(value):
                complaint = f"{value!r} is not a finite number"  # JSON Schema cannot say "finite"
        if isinstance(value, str) and len(value) >= 15:  # the texts CC110 knows are longer than most values
            if spec_description(value):
                placeholder = "the Hub documentation's description of the field"
            elif "more information needed" in value.lower():
                placeholder = "the template's placeholder"
        if complaint is None and placeholder is None:
            continue
        located = card.node_at(BLOCK_KEY, key) if isinstance(key, str) else None
        node = located[1] if located else card.node_at(BLOCK_KEY)[1]  # a key merged in (`<<:`) has no node
        if complaint is not None:
            found.append(CC109.finding(f"`{key}`: {complaint}", card.position(node)))
        if placeholder is not None:
            found.append(CC110.finding(f"`{key}` is {placeholder} ({value[:80]!r}), not a value: state it or remove "
                                       "the key", card.position(node)))
    return found


_REST = """  source: CodeCarbon
  training_type: fine-tuning
  geographical_location: Iowa, USA
  hardware_used: 1 x A100"""


def _card(block: str) -> Example:
    return Example(f"---\nlicense: mit\nco2_eq_emissions:\n{block}\n---\n")


_GOOD = _card(f"  emissions: 1812\n{_REST}")

CC101 = Rule(
    "CC101", "block-wrong-type", Severity.ERROR,
    "`co2_eq_emissions` must be a number of grams or a mapping with `emissions`.",
    why="The Hub's model card specification allows two forms: a bare number of grams of CO2e "
        "(`co2_eq_emissions: 1812`), or a mapping whose `emissions` is that number, with the fields that say "
        "where it comes from. A list, a boolean or an empty value is neither, and the Hub shows no emissions.",
    bad=Example("---\nlicense: mit\nco2_eq_emissions:\n  - 1812\n  - CodeCarbon\n---\n"),
    good=_GOOD,
    check=block_type,
)
CC102 = Rule(
    "CC102", "emissions-missing", Severity.ERROR,
    "The `co2_eq_emissions` mapping has no `emissions` value.",
    why="The block's other fields (source, hardware, location) describe a figure; without `emissions` there is "
        "none, and the Hub shows no emissions for the model. The fix takes the figure the card states for this "
        "model in its text or files, or carbon-card's estimate marked as one (`source: \"estimate by "
        "carbon-card ...\"`); it is unsafe: check the figure before you publish it.",
    bad=_card(_REST),
    good=_GOOD,
    check=emissions_missing,
    fix=ESTIMATED_FIGURE,
)
CC103 = Rule(
    "CC103", "emissions-not-numeric", Severity.ERROR,
    "`emissions` is not a number of grams and carries no known unit.",
    why="`emissions` is a number of grams of CO2e. Text that carbon-card cannot read as a mass (\"about a few "
        "kilos\", \"see below\", a unit it does not know) cannot be turned into grams, by carbon-card or by the "
        "Hub: write the figure as a number.",
    bad=_card(f"  emissions: see the table below\n{_REST}"),
    good=_GOOD,
    check=emissions_value,
)
CC104 = Rule(
    "CC104", "emissions-string", Severity.ERROR,
    "`emissions` is a string (\"12\", \"0.5 kg CO2eq\") instead of a number of grams.",
    why="The Hub reads `emissions` as a number of grams: a string, even one holding a number, is not one, and "
        "\"0.5 kg\" is also off by a factor of 1000 for a reader who assumes grams. The fix writes the same mass "
        "as a number of grams, so it is safe.",
    bad=_card(f"  emissions: \"1.812 kg CO2eq\"\n{_REST}"),
    good=_GOOD,
    check=emissions_value,
    fix=Fix(FixSafety.SAFE, FixStage.VALUE, replace_figure, "`\"0.5 kg CO2eq\"` becomes `500` (grams)"),
)
CC105 = Rule(
    "CC105", "emissions-negative", Severity.ERROR,
    "`emissions` is negative.",
    why="Training emits CO2e; it never absorbs it. A negative figure is usually an offset or a "
        "market-based claim subtracted from the emissions: report the location-based emissions of the "
        "training itself, and describe offsets in the text.",
    bad=_card(f"  emissions: -1812\n{_REST}"),
    good=_GOOD,
    check=emissions_value,
)
CC106 = Rule(
    "CC106", "emissions-not-finite", Severity.ERROR,
    "`emissions` is NaN or infinite.",
    why="YAML can write `.nan` and `.inf`, and the JSON Schema's `minimum: 0` lets NaN through, but neither is a "
        "figure of grams: it usually comes from a tool that failed to measure. Write the measured number, or "
        "leave the block out until there is one.",
    bad=_card(f"  emissions: .nan\n{_REST}"),
    good=_GOOD,
    check=emissions_value,
)
CC107 = Rule(
    "CC107", "emissions-zero", Severity.WARNING,
    "`emissions` is zero: training always emits; a rounded kilogram figure or a market-based claim?",
    why="No training run emits nothing. A zero is usually a figure in kilograms rounded to an integer "
        "(0.4 kg becomes 0), or a market-based claim (renewable certificates) where the grid's emissions are "
        "asked for. State the location-based grams.",
    bad=_card(f"  emissions: 0\n{_REST}"),
    good=_GOOD,
    check=emissions_value,
)
CC108 = Rule(
    "CC108", "unknown-key", Severity.WARNING,
    "The block has a key that neither the Hub nor the libraries writing it define.",
    why="The block's keys are the Hub's (`emissions`, `source`, `training_type`, `geographical_location`, "
        "`hardware_used`) and those libraries write (`energy_consumed`, `hours_used`, `on_cloud`, `cpu_model`, "
        "`ram_total_size`, `cloud_provider`). Another key is read by no one; when it looks like a known key "
        "(`geographic_location`, `hardware`), the fix renames it (unsafe: check it means the same).",
    bad=_card("  emissions: 1812\n  source: CodeCarbon\n  training_type: fine-tuning\n"
              "  geographic_location: Iowa, USA\n  hardware_used: 1 x A100"),
    good=_GOOD,
    check=unknown_keys,
    fix=Fix(FixSafety.UNSAFE, FixStage.RENAME_KEY, rename_keys, "a misspelt key renamed"),
)
CC109 = Rule(
    "CC109", "field-wrong-type", Severity.ERROR,
    "A field of the block has the wrong type or value for the schema (e.g. text in `energy_consumed`).",
    why="Each field of the block has a type in the published JSON Schema (`carbon-card schema`): "
        "`energy_consumed` is a number of kWh, `hours_used` a number of hours, `on_cloud` a boolean. Text there "
        "cannot be read by the tools that aggregate the figures.",
    bad=_card(f"  emissions: 1812\n{_REST}\n  energy_consumed: about 3 kWh"),
    good=_card(f"  emissions: 1812\n{_REST}\n  energy_consumed: 3"),
    check=block_fields,
)

CC110 = Rule(
    "CC110", "field-placeholder", Severity.WARNING,
    "A field of the block holds the template's placeholder or the Hub documentation's description of the field.",
    why="The Hub's documentation describes each field of the block in its place (`training_type: \"pre-training or "
        "fine-tuning\"`, `hardware_used: \"how much compute and what kind, e.g. 8 v100 GPUs\"`, "
        "`geographical_location: \"as granular as possible, for instance Quebec, Canada ...\"`), and cards copy "
        "it, or the template's `[More Information Needed]`, as the value. A reader, or a tool that aggregates the "
        "block, takes it for an answer (Quebec's grid, 8 V100s): state the value, or remove the key. carbon-card "
        "reads no fact from such a field.",
    bad=_card("  emissions: 1812\n  source: CodeCarbon\n  training_type: pre-training or fine-tuning\n"
              "  geographical_location: Iowa, USA\n  hardware_used: how much compute and what kind, e.g. 8 v100 GPUs"),
    good=_GOOD,
    check=block_fields,
)

RULES = (CC101, CC102, CC103, CC104, CC105, CC106, CC107, CC108, CC109, CC110)
