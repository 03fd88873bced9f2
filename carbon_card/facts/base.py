"""The types of the Facts stage: one `Fact` per value a card or its repository states.

Every value is kept with the text it came from and where it was said, so that the estimator
can use the best one and the rules can report where two places disagree.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from .._regex import lazy_compile
from ..document import MODEL_CARD, Document

__all__ = ["QUANTITIES", "Quantity", "Copied", "Fact", "FactProblem", "Facts", "Reading", "SCOPES", "DISCLOSING_SCOPES", "NAMED_BY_ID"]


class Reading(enum.Enum):
    """How the prose reader found a figure, from the most structured to the least."""

    FIELD = "field"
    """A labelled field ("**Hardware Type:** A100"), a key of a key/value table, a template's question."""
    AUTOTRAIN = "autotrain"
    """AutoTrain's line "CO2 Emissions (in grams): 12.3"."""
    OWN_ROW = "own row"
    """The row of a table that the model's name picks."""
    ROW = "row"
    """A row of a table the model's name does not pick (another model's, the base's, a lone row)."""
    TOTAL_ROW = "total row"
    LAST_ROW = "last row"
    """The last row of a table along one training run (its final totals)."""
    DEFINITION = "definition"
    """The sentence that says what the model is, its subject the model: "This is a 1.8B model"."""
    SENTENCE = "sentence"

    @property
    def structured(self) -> bool:
        return self in (Reading.FIELD, Reading.AUTOTRAIN, Reading.OWN_ROW)


# NamedTuples, not frozen dataclasses: `check` defines them at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class Quantity(NamedTuple):
    name: str
    unit: str | None
    """The program unit of the value (`g`, `kWh`, `h`, ...); None for text."""
    description: str


QUANTITIES: dict[str, Quantity] = {
    q.name: q
    for q in (
        Quantity("emissions", "g", "training emissions, grams of CO2e"),
        Quantity("energy", "kWh", "training energy"),
        Quantity("hardware", None, "accelerator type, as written"),
        Quantity("accelerator_count", "accelerators", "number of accelerators"),
        Quantity("wall_hours", "h", "wall-clock training time"),
        Quantity("accelerator_hours", "h", "accelerator-hours (GPU hours, chip-hours)"),
        Quantity("location", None, "where training ran"),
        Quantity("cloud_provider", None, "cloud provider"),
        Quantity("pue", None, "power usage effectiveness of the data centre"),
        Quantity("params", "parameters", "total parameters"),
        Quantity("params_active", "parameters", "parameters active per token (mixture-of-experts)"),
        Quantity("train_tokens", "tokens", "training tokens"),
        Quantity("train_flops", "FLOP", "training compute"),
        Quantity("training_type", None, "pre-training or fine-tuning"),
        Quantity("base_model", None, "the model this one was trained from"),
        Quantity("task", None, "the task (`pipeline_tag`)"),
        Quantity("domain", None, "the task's domain (Agarwal and Chakraborti, 2025)"),
        Quantity("library", None, "the library (`library_name`)"),
        Quantity("datasets", None, "training datasets"),
        Quantity("created", "year", "the year the repository was created (the Hub's `createdAt`)"),
    )
}

# Where a value was said. The order is the preference when several places state a quantity,
# unless a quantity overrides it below.
# "flag": given on the command line (`carbon-card estimate --params ...`), which overrides the card.
# "hub": what the Hub says of the repository outside its files (a listing or the model-card dump).
ORIGINS = ("flag", "yaml", "file", "hub", "prose", "name")
_PREFERENCE = {
    # An exact count from the weights beats what the text rounds.
    "params": ("flag", "file", "hub", "yaml", "prose", "name"),
    "params_active": ("flag", "file", "hub", "yaml", "prose", "name"),
    "train_flops": ("flag", "file", "yaml", "hub", "prose", "name"),
}

SCOPES = ("model", "row", "other", "family", "market", "document")
"""What a value is about: this model; a row of a multi-model table that could not be matched
to this model (its name unknown); another model of a multi-model card; a family total over
several models; a market-based figure (after renewable-energy claims); the document's, a
sentence of a file that nothing marks as a model card and whose model no one names (a project's
README, a docs page: any of its models' or experiments')."""

NAMED_BY_ID = ("given", "model-index", "hub clone")
"""Sources of a model's name that are its repository's id (`--model-id`, `model-index`, a clone's
Hub remote), not a folder's name or a title."""

DISCLOSING_SCOPES = ("model", "row", "family", "document")
"""Scopes whose figures count as this card disclosing a quantity (for the reporting class)."""


@dataclass(frozen=True, init=False)
class Fact:
    """One value stated somewhere about the model's training."""

    quantity: str
    """A key of `QUANTITIES`."""
    value: Any
    """The value in the quantity's program unit (a number), or text, or a tuple of texts."""
    text: str
    """The text the value was read from, as written ("0.25 KgCO2", "1.3M")."""
    origin: str
    """One of `ORIGINS`: `yaml`, `file`, `hub` (the Hub's listing), `prose`, `name` (read from the
    model's name: "Llama-3-8B" -> 8e9), or `flag`."""
    where: str
    """A YAML key path (`co2_eq_emissions.emissions`), or the file name (`config.json`)."""
    line: int | None = None
    """1-based line in the card (or in the file) when known."""
    column: int | None = None
    scope: str = "model"
    """One of `SCOPES`: only `model` facts describe this model."""
    note: str | None = None
    """How it was read, for people: "row 'Llama 3 8B' of the table at line 101, this model"."""
    reading: Reading | None = None
    """How the prose reader found it (None outside the prose)."""
    row: str | None = None
    """The label of the table row it stands in."""
    section: str | None = None
    """The heading or label that attributes it to another model or a family (`attribution`)."""
    label: str | None = None
    """The label of the field it was read from ("Hours used"), as written."""

    def __init__(self, quantity: str, value: Any, text: str, origin: str, where: str, line: int | None = None,
                 column: int | None = None, scope: str = "model", note: str | None = None,
                 reading: Reading | None = None, row: str | None = None, section: str | None = None,
                 label: str | None = None) -> None:
        # The __init__ that dataclass writes for a frozen class calls object.__setattr__ once
        # per field, which made creating facts a tenth of the cost of gathering them over many
        # cards; this one stores the fields in one step. Assignment still raises (frozen).
        vars(self).update(quantity=quantity, value=value, text=text, origin=origin, where=where, line=line,
                          column=column, scope=scope, note=note, reading=reading, row=row, section=section,
                          label=label)

    @property
    def structured(self) -> bool:
        """Said in a structured place: metadata, a file, a labelled field, an AutoTrain line or this
        model's table row. Sentences and training-progress tables are read but are weaker: they
        are not held against the metadata, nor lifted into it."""
        return self.origin != "prose" or (self.reading is not None and self.reading.structured)

    @property
    def unit(self) -> str | None:
        return QUANTITIES[self.quantity].unit

    def provenance(self) -> str:
        """Where the value was said, for messages: "line 57 (field 'Emissions')", "`co2_eq_emissions.emissions`
        (line 33)", "emissions.csv (line 3)"."""
        if self.origin == "prose":
            place = f"line {self.line}"
        elif self.origin == "flag":
            place = f"--{self.where}"
        elif self.origin == "name":
            place = "the model's name"
        elif self.origin == "hub":
            place = f"the Hub's `{self.where}`"
        elif self.origin == "yaml":
            place = f"`{self.where}`" + (f" (line {self.line})" if self.line else "")
        else:
            place = self.where + (f" (line {self.line})" if self.line else "")
        return f"{place} ({self.note})" if self.note else place


class FactProblem(NamedTuple):
    """Something beside or inside the card that could not be read as a fact."""

    kind: str
    """`unreadable-file` (a side file that is corrupt or lies) or `unknown-unit`."""
    message: str
    where: str
    line: int | None = None
    column: int | None = None
    quantity: str | None = None
    """The quantity a figure of unknown unit was stated for (`emissions`, `energy`)."""


class Copied(NamedTuple):
    """Why a repository trained nothing, and whose training its card (and metadata) states."""

    whose: str
    """"the original model", or the repository it was duplicated from."""
    why: str
    """"this repository converts it (gguf)", "this repository duplicates it"."""

    @property
    def note(self) -> str:
        return f"of {self.whose}: {self.why}"


@dataclass(frozen=True)
class Facts:
    """Every fact about one card, and what could not be read."""

    facts: tuple[Fact, ...] = ()
    problems: tuple[FactProblem, ...] = ()
    model_name: str | None = None
    """The name used to pick this model's row in multi-model tables, and where it came from."""
    model_name_source: str | None = None
    document: Document = MODEL_CARD
    """What kind of document the card's file is: facts are gathered from model cards only."""
    copied: Copied | None = None
    """Set when the repository trained nothing (it converts or duplicates another model's): its
    card's training figures, metadata included, are the original's."""

    def __post_init__(self) -> None:
        # Candidates by (quantity, scope), (quantity, None) and (quantity, "disclosed"), indexed
        # once: the rules ask for them many times per card.
        grouped: dict[tuple[str, str | None], list[Fact]] = {}
        group = grouped.setdefault
        for fact in self.facts:
            quantity, scope = fact.quantity, fact.scope
            group((quantity, None), []).append(fact)
            group((quantity, scope), []).append(fact)
            if scope in DISCLOSING_SCOPES:
                group((quantity, "disclosed"), []).append(fact)
        object.__setattr__(self, "_by_quantity", {key: tuple(facts) for key, facts in grouped.items()})
        object.__setattr__(self, "_best", {})  # quantity -> its best fact: the rules and the estimate ask often

    def all(self, quantity: str, scope: str | None = "model") -> tuple[Fact, ...]:
        """Every candidate for a quantity (of one scope, or of all with scope=None)."""
        return self._by_quantity.get((quantity, scope), ())

    def best(self, quantity: str) -> Fact | None:
        """The value carbon-card uses: this model's, from the most trusted place."""
        chosen = self._best
        if quantity in chosen:
            return chosen[quantity]
        best = self._choose(quantity)
        if quantity == "accelerator_count" and best is not None and best.reading is Reading.SENTENCE and self._counts_other_hardware(best):
            best = None
        chosen[quantity] = best
        return best

    def _choose(self, quantity: str) -> Fact | None:
        candidates = self._by_quantity.get((quantity, "model"), ())
        if quantity == "emissions" and any(_not_positive(fact.value) for fact in candidates):
            # Training emits: "emissions: 0" says nothing was measured, not that nothing was emitted.
            candidates = tuple(fact for fact in candidates if not _not_positive(fact.value))
        if len(candidates) < 2:
            return candidates[0] if candidates else None
        order = _PREFERENCE.get(quantity, ORIGINS)
        best = min(candidates, key=lambda f: order.index(f.origin))
        if quantity == "emissions" and best.origin == "yaml":
            return _metadata_checked_against_text(best, candidates)
        if quantity == "hardware":
            return _named_hardware(best, candidates)
        if _doubted_when_two(quantity, best) and isinstance(best.value, (int, float)) and any(
                fact.origin == best.origin and fact.reading is best.reading and isinstance(fact.value, (int, float))
                and not best.value / AGREEMENT <= fact.value <= best.value * AGREEMENT for fact in candidates):
            # Two figures read alike disagree ("| Training time | ~20 minutes |" and, further on, "| Training time |
            # ~17 minutes (1,009 seconds) |"; "#### Platform 1" and "#### Platform 2" each with its "- **Emissions**:";
            # the last rows of two tables along a run, "**TeenyTinyLlama-160m:**" and "**TeenyTinyLlama-460m:**"):
            # which is right is not said, and none is chosen (CC405 reports them, or says why they differ).
            return None
        return best

    def _counts_other_hardware(self, count: Fact) -> bool:
        """Whether a count read from the text counts another accelerator than the one the card trained on: "4 Nvidia
        P100 GPUs per node" for the run, then "2 Nvidia 1080 Ti's also covered some parameter updates" (RobBERT's
        card). Devices the hardware table does not know are compared by their names."""
        hardware = self.best("hardware")
        if hardware is None or hardware.line == count.line:
            return False
        named = [fact for fact in self.all("hardware") if fact.line == count.line and fact.text == count.text]
        if not named:
            return False
        from ..hardware import other_devices  # the table loads when a card names a device twice

        return all(other_devices(str(fact.value), str(hardware.value)) for fact in named)

    def disclosed(self, quantity: str) -> tuple[Fact, ...]:
        """Figures of a quantity that the card states for this model or a family containing it."""
        return self._by_quantity.get((quantity, "disclosed"), ())

    def value(self, quantity: str) -> Any:
        fact = self.best(quantity)
        return None if fact is None else fact.value

    def chosen(self) -> dict[str, Fact]:
        """The best fact of every quantity that has one, in `QUANTITIES` order."""
        # Only the quantities this model has candidates for can have a best one: most cards state
        # a few of the many quantities.
        by_quantity = self._by_quantity
        return {name: fact for name in QUANTITIES
                if (name, "model") in by_quantity and (fact := self.best(name)) is not None}


_IN_DOUBT_WHEN_TWO = frozenset({"accelerator_count", "wall_hours", "accelerator_hours", "params", "emissions"})


def _doubted_when_two(quantity: str, best: Fact) -> bool:
    """Whether two figures of `quantity` read as `best` was that disagree leave the value in doubt: counts, hours and
    sizes however read; emissions when read from fields, rows or the last rows of tables along a run (sentences
    state inference's, an earlier plan's, a per-item figure beside the training's); energy only from such last rows
    (two fields of energy on a card are most often a run's parts)."""
    last_row = best.reading is Reading.LAST_ROW
    if quantity == "energy":
        return last_row
    return quantity in _IN_DOUBT_WHEN_TWO and (quantity != "emissions" or best.structured or last_row)


AGREEMENT = 1.1  # two figures within a tenth of each other are one, rounded


def _not_positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0


def _named_hardware(best: Fact, candidates: tuple[Fact, ...]) -> Fact:
    """The first hardware of the best origin, unless it names no product ("Hardware Type: GPU
    Power": no model number; "NVIDIA GPU with CUDA 13.0+": a version is none) and another of that
    origin does ("GPU: NVIDIA GeForce RTX 5070")."""
    def names_a_product(fact: Fact) -> bool:
        if not isinstance(fact.value, str):
            return False
        value = _VERSION_RE.sub("", fact.value) if "." in fact.value or "cuda" in fact.value.lower() else fact.value
        return any(character.isdigit() for character in value)

    if names_a_product(best):
        return best
    return next((fact for fact in candidates if fact.origin == best.origin and names_a_product(fact)), best)


_VERSION_RE = lazy_compile(r"\bcuda\s*\d+(?:\.\d+)*|\d+\.\d+", re.IGNORECASE)  # "CUDA 13.0+", "CUDA 12": no model number


def _metadata_checked_against_text(stated: Fact, candidates: tuple[Fact, ...]) -> Fact:
    """The metadata's emissions, unless the card's own structured statement of this model's
    figure (a labelled field, its table row) says otherwise: kilograms or tonnes written into the
    grams field ("Carbon emission 0.1069 Kg" beside `co2_eq_emissions: 0.1069`; a ratio of 1,000
    is no coincidence), or a different figure (the metadata left stale when the text's
    calculation was redone). The text's statement, with its unit, is the figure a careful reader
    takes; CC401 and CC402 report the metadata."""
    if not isinstance(stated.value, (int, float)) or stated.value <= 0:
        return stated
    for factor in (1e3, 1e6):
        for fact in candidates:
            if (fact is not stated and isinstance(fact.value, (int, float))
                    and 0.95 * factor <= fact.value / stated.value <= 1.05 * factor):
                return fact
    stated_in_text = [fact for fact in candidates if fact.origin == "prose" and fact.structured
                      and isinstance(fact.value, (int, float)) and fact.value > 0]
    if stated_in_text and not any(max(f.value, stated.value) <= 1.1 * min(f.value, stated.value)
                                  for f in stated_in_text):
        return stated_in_text[0]
    return stated
