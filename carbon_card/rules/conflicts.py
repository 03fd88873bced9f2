"""CC4xx: facts that disagree (the metadata against the text and files, two places against each
other) or that could not be read (a side file, a unit)."""

from __future__ import annotations

import bisect
import math
import re

from .._regex import lazy_compile
from ..facts import Fact
from ..markdown import headings, hidden_spans
from ..units import FIGURE, THOUSANDS, format_grams, parse_number
from .base import Context, Example, Findings, Fix, FixSafety, FixStage, Rule, Severity
from .block import replace_figure

__all__ = ["RULES", "fact_position"]


def fact_position(ctx: Context, fact: Fact) -> tuple[int, int]:
    """Where a finding about a fact points: its line in the card, else the front matter's top."""
    if fact.origin in ("yaml", "prose") and fact.line:
        return fact.line, fact.column or 1
    return ctx.top()


def _ratio(a: float, b: float) -> float:
    return max(a, b) / min(a, b) if min(a, b) > 0 else math.inf


def unreadable(ctx: Context) -> Findings:
    """CC406, CC407: what the facts could not read."""
    found = []
    for problem in ctx.facts.problems:
        if problem.kind == "unreadable-file":
            # A file beside the card: the finding names it (and its line) and points at the card's top.
            place = problem.where + (f":{problem.line}" if problem.line else "")
            found.append(CC406.finding(f"{place}: {problem.message}", (1, 1)))
        else:
            found.append(CC407.finding(problem.message, (problem.line or 1, problem.column or 1)))
    return found


def emissions_conflicts(ctx: Context) -> Findings:
    """CC401-CC403: the metadata's figure against the other figures the card states (the first
    that applies: kilograms as grams, another model's figure, a different figure)."""
    facts = ctx.facts
    stated = [f for f in facts.all("emissions") if f.origin == "yaml"]
    if not stated:
        # A repository that converts or duplicates another model's keeps its metadata: the original's.
        copied = next((f for f in facts.all("emissions", scope="other") if f.origin == "yaml" and f.value), None)
        why = facts.copied
        if copied is None or why is None:
            return ()
        return [CC403.finding(f"`emissions` ({format_grams(copied.value)} g) are {why.whose}'s: {why.why}",
                              fact_position(ctx, copied))]
    if not stated[0].value:
        return ()
    yaml_fact = stated[0]
    grams = yaml_fact.value
    position = fact_position(ctx, yaml_fact)
    others = [f for f in facts.all("emissions") if f.origin != "yaml" and f.value > 0]
    if not others and len(facts.all("emissions", scope=None)) == len(stated):
        return ()  # nothing else states emissions
    for factor, unit in ((1e3, "kilograms"), (1e6, "tonnes")):
        match = next((f for f in others if 0.95 * factor <= f.value / grams <= 1.05 * factor), None)
        if match is not None:
            return [CC402.finding(f"`emissions` is {format_grams(grams)} g but {match.provenance()} says "
                                  f"{match.text!r} = {format_grams(match.value)} g: {unit} written into the grams "
                                  f"field? Write {format_grams(match.value)}", position,
                                  fix=f"replace {format_grams(grams)} with {format_grams(match.value)}",
                                  value=match.value)]
    own_rows = [f for f in others if f.structured]
    if any(_ratio(f.value, grams) <= 1.1 for f in own_rows):
        return ()  # the metadata agrees with a structured statement of this model's figure
    for fact in facts.all("emissions", scope=None):
        if fact.scope in ("other", "family") and fact.value > 0 and _ratio(fact.value, grams) <= 1.01:
            whose = "a total over several models" if fact.scope == "family" else "another model's figure"
            return [CC403.finding(f"`emissions` ({format_grams(grams)} g) is {whose}: {fact.provenance()}", position)]
    if not own_rows:
        return ()
    fact = own_rows[0]
    return [CC401.finding(f"`emissions` is {format_grams(grams)} g but {fact.provenance()} says {fact.text!r} "
                          f"= {format_grams(fact.value)} g", position)]


_LOWER_BOUND_BEFORE_RE = lazy_compile(r"(?:\b(?:over|more\s+than|at\s+least)|[>≥])\s*~?\s*$", re.IGNORECASE)


def hours_conflicts(ctx: Context) -> Findings:
    """CC404: wall-clock hours that equal the accelerator-hours, or are N times another wall-clock figure."""
    facts = ctx.facts
    count = facts.value("accelerator_count")
    if not isinstance(count, int) or count < 2:
        return ()
    # Sorted by value: each wall-clock figure finds an equal accelerator-hours figure by bisection
    # (a card of thousands of figures must not cost their product).
    accelerator_hours = sorted(facts.all("accelerator_hours"), key=lambda fact: fact.value)
    values = [fact.value for fact in accelerator_hours]
    wall = facts.all("wall_hours")
    for hours in wall:
        same = None
        if hours.value > 0:
            at = bisect.bisect_left(values, hours.value / 1.02)
            same = accelerator_hours[at] if at < len(values) and values[at] <= hours.value * 1.02 else None
        if same is not None and same.origin == "prose" and same.line:
            # "for 21 days or over 500 gpu hours" on 2 A100s: a lower bound equals nothing.
            line = ctx.card.line_text(same.line)
            if _LOWER_BOUND_BEFORE_RE.search(line, 0, max(0, line.find(same.text))):
                same = None
        if same is not None:
            return [CC404.finding(f"{hours.text!r} ({hours.provenance()}) is wall-clock time but equals the "
                                  f"accelerator-hours at {same.provenance()}; with {count} accelerators the "
                                  f"wall-clock time is {hours.value / count:g} h", fact_position(ctx, hours))]
        if hours.origin != "yaml":
            continue  # the metadata's `hours_used` against the text's: one figure against the rest
        multiple = next((w for w in wall if w is not hours and w.value > 0
                         and _ratio(hours.value, w.value * count) <= 1.02), None)
        if multiple is not None:
            return [CC404.finding(f"`hours_used` is {hours.value:g} h, {count} x the {multiple.value:g} h at "
                                  f"{multiple.provenance()}: accelerator-hours written as wall-clock time?",
                                  fact_position(ctx, hours))]
    return ()


# A size within 5% is the same: cards name sizes loosely ("6.0B" for 6,166,502,400 on kakaobrain/kogpt's card, "7B"
# for 6.74B), and an estimate moves no more than that.
_COMPARED = {"energy": 0.1, "accelerator_count": 0.0, "params": 0.05, "train_tokens": 0.1, "wall_hours": 0.1,
             "location": None}
"""The quantities compared between places, and the relative difference each tolerates (None: a place's name)."""


def other_conflicts(ctx: Context) -> Findings:
    """CC405: two structured places disagree on a quantity of `_COMPARED` (the first disagreement of each)."""
    facts, found = ctx.facts, []
    for quantity, tolerance in _COMPARED.items():
        if len(facts.all(quantity)) < 2:
            continue  # nothing to compare
        best = facts.best(quantity) or facts.all(quantity)[0]  # none chosen: the figures are in doubt, as reported here
        if not best.structured:
            continue
        for other in facts.all(quantity):
            if other is best or not other.structured or other.origin == best.origin == "file" or _parts(ctx, best, other):
                continue
            if tolerance is None:
                differs = _other_countries(best.value, other.value)
            else:
                differs = (_ratio(float(best.value), float(other.value)) > 1 + tolerance
                           and not _same_when_rounded(best, other))
            if differs:
                label = quantity.replace("_", " ")
                found.append(CC405.finding(f"{label}: {best.text!r} at {best.provenance()} but {other.text!r} at "
                                           f"{other.provenance()}", fact_position(ctx, other)))
                break
    return found


# A number in the units' grammar: "1,234.5", "43,24" (a decimal comma), "0.000".
_STATED_NUMBER_RE = lazy_compile(FIGURE)
_THOUSANDS_RE = lazy_compile(THOUSANDS)


def _same_when_rounded(a: Fact, b: Fact) -> bool:
    """Whether two figures agree to the digits the less precise states: "1.1 h" is any time from 1.05 to 1.15 h
    (each figure's digits, in its own unit), "0.000 kWh" any energy under a kilowatt-hour's rounding."""
    slack = 0.0
    for fact, other in ((a, b), (b, a)):
        stated = _STATED_NUMBER_RE.search(str(fact.text))
        if stated is None:
            return False
        text = stated.group(0)
        number = parse_number(text)
        separator = "." if "." in text else "," if "," in text and not _THOUSANDS_RE.fullmatch(text) else ""
        fraction = text.rpartition(separator)[2] if separator else ""  # the digits the figure states after its unit
        if number == 0:
            # "0.000 kWh": rounded to nothing, beside a figure under one unit; a bare "0" claims nothing was spent.
            return bool(fraction) and float(other.value) < 1
        digits = len(fraction)
        slack = max(slack, 0.5 * 10.0 ** -digits * float(fact.value) / number)
    return abs(float(a.value) - float(b.value)) <= slack * 1.0001


def _parts(ctx: Context, a: Fact, b: Fact) -> bool:
    """Whether two fields state each its own part, not one fact twice: the same label under sibling headings of
    one shape is a structure repeated per section ("#### Platform 1: ..." and "#### Platform 2: ...", each with its
    "Training Time"; a family card's "#### Training Results - For Sentic-GCN" and "... - For Sentic-GCN Bert"), not
    under headings of other words ("### Key Results" and "### Training Configuration": one run, told twice); a label
    that is the other's with more words is a part of it or it of a part ("Total energy (GPUs)" beside "Total energy";
    not so for places); two datasets' fields state each dataset's tokens ("Video Datasets: 150B tokens", "Audio
    Datasets: 50B tokens")."""
    if a.label is None or b.label is None or a.origin != "prose" or b.origin != "prose":
        return False
    words_a, words_b = _label_words(a.label), _label_words(b.label)
    if words_a == words_b:
        return _sibling_sections(ctx, a.line, b.line)
    if a.quantity == "location":  # a place is no sum of parts: "Region" is the "Compute Region" again
        return False
    return words_a <= words_b or words_b <= words_a or "dataset" in a.label.lower() and "dataset" in b.label.lower()


def _label_words(label: str) -> set[str]:
    return set(_WORD_RE.findall(label.lower()))


_WORD_RE = lazy_compile(r"\w+")


def _sibling_sections(ctx: Context, first: int | None, second: int | None) -> bool:
    """Whether two lines stand under two headings of one level whose first words are the same ("Platform")."""
    if first is None or second is None:
        return False
    # Once per card, the headings and their lines: a card of many fields of one label asks for each pair.
    lines, headings = ctx.once(_headings)
    over = [headings[at - 1] if (at := bisect.bisect_left(lines, line)) else None for line in (first, second)]
    return None not in over and over[0] != over[1] and over[0][1:] == over[1][1:]


def _headings(ctx: Context) -> tuple[list[int], list[tuple[int, int, str]]]:
    """The lines of the card's body's headings, and (line, level, first word lower-cased) of each, in order."""
    card = ctx.card
    found = [(card.line_of_offset(card.body_span[0] + heading.start()), len(heading.group(1)),
              (heading.group(2).split() or [""])[0].lower()) for heading in headings(card.body, hidden_spans(card.body))]
    return [line for line, _, _ in found], found


def _other_countries(a: str, b: str) -> bool:
    """Whether two places are in different countries. A place carbon-card does not know ("Catalonia" beside "Spain",
    a folder's path in a "Location" field) or the world's average is not held against another: a region is in its
    country."""
    if str(a).strip().lower() == str(b).strip().lower():
        return False  # the metadata's place written again in the text: most cards
    first, second = _country(str(a)), _country(str(b))
    return bool(first) and bool(second) and first != second


def _country(place: str) -> str | None:
    """The country code of a place carbon-card knows ("" for the world's average), else None (`parse_location`
    keeps what it read: a card's place is read by the estimate too)."""
    from ..location import parse_location  # not at the top: most cards state one place or none

    match = parse_location(place)
    return match.region.country if match is not None else None


_BLOCK = """co2_eq_emissions:
  emissions: {emissions}
  source: CodeCarbon
  training_type: fine-tuning
  geographical_location: {location}
  hardware_used: {hardware}"""


def _card(body: str = "", emissions: str = "1812", location: str = "Iowa, USA", hardware: str = "1 x A100",
          extra: str = "", files: tuple[tuple[str, str], ...] = ()) -> Example:
    block = _BLOCK.format(emissions=emissions, location=location, hardware=hardware) + extra
    return Example(f"---\nlicense: mit\n{block}\n---\n" + (f"\n{body}" if body else ""), files)


_IMPACT = "## Environmental Impact\n\n- **Hardware Type:** 1 x A100\n- **Carbon Emitted:** {emitted}\n"

CC401 = Rule(
    "CC401", "emissions-conflict", Severity.WARNING,
    "The metadata's emissions disagree with what the card's text or files state for this model.",
    why="When the metadata says one figure and the card's text (a template field, this model's row of a "
        "table) or a file beside it (CodeCarbon's `emissions.csv`) says another, at least one is wrong, and a "
        "reader cannot tell which. Correct the one that is wrong; carbon-card does not guess.",
    bad=_card(_IMPACT.format(emitted="3.2 kg CO2eq")),
    good=_card(_IMPACT.format(emitted="1.81 kg CO2eq")),
    check=emissions_conflicts,
)
CC402 = Rule(
    "CC402", "emissions-unit-mismatch", Severity.ERROR,
    "The metadata's grams are about 1/1000 (or 1/10^6) of a figure stated with a unit: kilograms (tonnes) "
    "written into the grams field?",
    why="`emissions` is in grams, but many cards write kilograms there (`emissions: 1.81` for 1.81 kg), which "
        "understates the figure a thousand-fold. When the card states the same figure elsewhere with its unit, "
        "carbon-card can tell. So it can when the figure is 1/1000 of what the card's own energy, hardware and "
        "hours imply and the figure in kilograms is within carbon-card's 90% interval for them (the ML CO2 "
        "Impact calculator gives kilograms). The fix writes the grams; it is unsafe: check which is right.",
    bad=_card(_IMPACT.format(emitted="1.81 kg CO2eq"), emissions="1.81"),
    good=_card(_IMPACT.format(emitted="1.81 kg CO2eq"), emissions="1810"),
    check=emissions_conflicts,
    fix=Fix(FixSafety.UNSAFE, FixStage.VALUE, replace_figure,
            "a figure about 1000x below one stated with a unit: the kilograms become grams"),
)
_TABLE = """## Environmental Impact

| Model | Hardware | Carbon emitted (tCO2eq) |
|---|---|---|
| my-model-small | 8 x A100 | 1.2 |
| my-model-large | 64 x A100 | 9.6 |
"""
CC403 = Rule(
    "CC403", "emissions-of-another-model", Severity.ERROR,
    "The metadata's emissions are another model's row, or a family total, of a multi-model table, or the "
    "original model's in a repository that converts or duplicates it.",
    why="A card that describes a family of models often has one table of emissions, a row per size. Copying "
        "a row into the metadata of every size gives all of them the same figure, right for one model only; "
        "a total row is the family's, not this model's. carbon-card picks this model's row by its name "
        "(`--model-id`, `model-index`, the card's folder or title). A repository that converts weights (GGUF, "
        "AWQ, ...) or was duplicated from another model's trained nothing: the metadata it copied with the "
        "original's card states the original's training.",
    bad=_card("# my-model-small\n\n" + _TABLE, emissions="9600000", hardware="8 x A100"),
    good=_card("# my-model-small\n\n" + _TABLE, emissions="1200000", hardware="8 x A100"),
    check=emissions_conflicts,
)
CC404 = Rule(
    "CC404", "hours-ambiguous", Severity.WARNING,
    "Wall-clock hours and accelerator-hours are confused: with N accelerators they differ N-fold.",
    why="`hours_used` is wall-clock time: 10 hours on 8 GPUs is 10 hours, and 80 GPU-hours. A card that writes "
        "the GPU-hours as the wall-clock time overstates the training's energy N-fold for anyone who multiplies "
        "by the number of accelerators (as the ML CO2 Impact calculator does).",
    bad=_card("Trained for 80 GPU hours.\n", emissions="14000", hardware="8 x A100", extra="\n  hours_used: 80"),
    good=_card("Trained for 80 GPU hours.\n", emissions="14000", hardware="8 x A100", extra="\n  hours_used: 10"),
    check=hours_conflicts,
)
CC405 = Rule(
    "CC405", "fact-conflict", Severity.INFO,
    "Two places of the card or its files disagree on a training fact (energy, location, count, size).",
    why="The card's metadata, its text and the files beside it each state training facts; when two disagree on "
        "the energy, the location, the number of accelerators, the parameters or the tokens, the estimate "
        "follows one of them and a reader may follow the other; two of a count, a time or a size read alike (two "
        "fields, two rows of this model) leave it in doubt, and neither is used nor written into the block. Make "
        "them agree. Fields that state each their part are not held against each other: the same label in each "
        "section (per model, per stage, per platform), a part beside its whole (\"Total energy (GPUs)\" and "
        "\"Total energy\"), each dataset's tokens; nor a region against its country, nor a place carbon-card does "
        "not know; sizes within 5% agree (cards name sizes loosely).",
    bad=_card("## Environmental Impact\n\n- **Compute Region:** Quebec, Canada\n"),
    good=_card("## Environmental Impact\n\n- **Compute Region:** Iowa, USA\n"),
    check=other_conflicts,
)
CC406 = Rule(
    "CC406", "side-file-unreadable", Severity.WARNING,
    "A file beside the card (config.json, safetensors header, trainer_state.json, emissions.csv) is corrupt, "
    "too large or lies.",
    why="carbon-card reads the files beside a card for the facts they hold (the exact parameter count of the "
        "safetensors headers, CodeCarbon's measured emissions). A file that is corrupt, larger than carbon-card "
        "reads, or whose header does not match its size is reported, not trusted, and its facts are left out.",
    bad=_card(files=(("config.json", '{"model_type": "bert", "num_hidden_layers": 12,'),)),
    good=_card(files=(("config.json", '{"model_type": "bert", "num_hidden_layers": 12}'),)),
    check=unreadable,
)
CC407 = Rule(
    "CC407", "unknown-unit", Severity.WARNING,
    "A figure is stated with a unit carbon-card does not know; it is reported, not guessed.",
    why="A figure is only as good as its unit. carbon-card reads grams, kilograms, tonnes and pounds of CO2e, "
        "Wh to MWh, hours to weeks; a unit it does not know is reported rather than guessed, so that no figure "
        "is read a thousand-fold off.",
    bad=_card("## Environmental Impact\n\n- **Carbon Emitted:** 1.81 kilotons CO2eq\n"),
    good=_card("## Environmental Impact\n\n- **Carbon Emitted:** 1.81 kg CO2eq\n", emissions="1810"),
    check=unreadable,
)

RULES = (CC401, CC402, CC403, CC404, CC405, CC406, CC407)
