"""The registry of rules: every finding carbon-card reports has a stable code from here.

Codes are grouped like ruff's: CC0xx the front matter (CC010 the card's suppression
comments), CC1xx the `co2_eq_emissions` block, CC2xx recommended fields of the block, CC3xx
the card's prose and disclosure as a whole, CC4xx facts that disagree or could not be read,
CC5xx the estimate against the card.
`carbon-card rules` prints this table and the README's rules table is generated from it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Fix", "Rule", "RULES", "Severity", "rule"]


class Severity(enum.IntEnum):
    """How bad a finding is; `--fail-on` compares against this order."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


class Fix(enum.Enum):
    """Whether a rule's findings can be fixed mechanically, and how safely (as in ruff)."""

    NONE = "none"
    SAFE = "safe"
    """The fix keeps the meaning of what the card states (e.g. "0.5 kg" -> 500)."""
    UNSAFE = "unsafe"
    """The fix is a guess the user should confirm (e.g. renaming a misspelt key)."""

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Rule:
    code: str
    """Stable identifier, `CCnnn`."""
    name: str
    """Stable kebab-case name."""
    severity: Severity
    summary: str
    """One line: what the rule reports."""
    fix: Fix = Fix.NONE
    """Whether findings of this rule can carry a mechanical fix."""


_ALL = (
    # Front matter.
    Rule("CC001", "invalid-yaml", Severity.ERROR,
         "The front matter is not valid YAML, uses YAML tags, or is an alias bomb: the Hub cannot read the card's metadata."),
    Rule("CC002", "front-matter-not-mapping", Severity.ERROR,
         "The front matter is valid YAML but not a mapping of keys to values."),
    Rule("CC003", "front-matter-unclosed", Severity.ERROR,
         "The card opens a front matter with `---` but never closes it, so the Hub sees no metadata."),
    Rule("CC004", "front-matter-missing", Severity.WARNING,
         "The card has no YAML front matter, or an empty one."),
    Rule("CC005", "block-key-misspelled", Severity.ERROR,
         "A top-level key looks like a misspelling of `co2_eq_emissions`; the Hub ignores it.", Fix.UNSAFE),
    Rule("CC006", "duplicate-key", Severity.WARNING,
         "A key of the carbon block appears twice; only the last value counts."),
    Rule("CC010", "unused-suppression", Severity.WARNING,
         "A `carbon-card: ignore` comment suppresses nothing: no such finding, a rule not enabled, or an "
         "unknown code (like ruff's RUF100)."),
    # The co2_eq_emissions block.
    Rule("CC101", "block-wrong-type", Severity.ERROR,
         "`co2_eq_emissions` must be a number of grams or a mapping with `emissions`."),
    Rule("CC102", "emissions-missing", Severity.ERROR,
         "The `co2_eq_emissions` mapping has no `emissions` value.", Fix.UNSAFE),
    Rule("CC103", "emissions-not-numeric", Severity.ERROR,
         "`emissions` is not a number of grams and carries no known unit."),
    Rule("CC104", "emissions-string", Severity.ERROR,
         "`emissions` is a string (\"12\", \"0.5 kg CO2eq\") instead of a number of grams.", Fix.SAFE),
    Rule("CC105", "emissions-negative", Severity.ERROR,
         "`emissions` is negative."),
    Rule("CC106", "emissions-not-finite", Severity.ERROR,
         "`emissions` is NaN or infinite."),
    Rule("CC107", "emissions-zero", Severity.WARNING,
         "`emissions` is zero: training always emits; a rounded kilogram figure or a market-based claim?"),
    Rule("CC108", "unknown-key", Severity.WARNING,
         "The block has a key that neither the Hub nor the libraries writing it define.", Fix.UNSAFE),
    Rule("CC109", "field-wrong-type", Severity.ERROR,
         "A field of the block has the wrong type or value for the schema (e.g. text in `energy_consumed`)."),
    # Recommended fields.
    Rule("CC201", "source-missing", Severity.WARNING,
         "No `source`: say where the figure comes from (CodeCarbon, AutoTrain, an article, an estimate).", Fix.SAFE),
    Rule("CC202", "training-type-missing", Severity.WARNING,
         "No `training_type`: say whether the figure covers pre-training or fine-tuning.", Fix.SAFE),
    Rule("CC203", "location-missing", Severity.WARNING,
         "No `geographical_location`: the grid's carbon intensity depends on where training ran.", Fix.SAFE),
    Rule("CC204", "hardware-missing", Severity.WARNING,
         "No `hardware_used`: say how many accelerators of which kind.", Fix.SAFE),
    # Prose and disclosure as a whole.
    Rule("CC301", "template-placeholder", Severity.WARNING,
         "A field of the Environmental Impact section says nothing: `[More Information Needed]`, Unknown, TBD, "
         "N/A, (Forthcoming.), the template's formula or an unrendered `{{ variable }}` (not in HTML comments)."),
    Rule("CC302", "no-disclosure", Severity.WARNING,
         "The card states no training emissions, neither in its metadata nor in its text.", Fix.UNSAFE),
    Rule("CC303", "emissions-only-in-prose", Severity.WARNING,
         "The card states its emissions in the text only; the Hub reads `co2_eq_emissions` in the metadata.",
         Fix.SAFE),
    # Facts that disagree, or could not be read.
    Rule("CC401", "emissions-conflict", Severity.WARNING,
         "The metadata's emissions disagree with what the card's text or files state for this model."),
    Rule("CC402", "emissions-unit-mismatch", Severity.ERROR,
         "The metadata's grams are about 1/1000 (or 1/10^6) of a figure stated with a unit: kilograms (tonnes) "
         "written into the grams field?", Fix.UNSAFE),
    Rule("CC403", "emissions-of-another-model", Severity.ERROR,
         "The metadata's emissions are another model's row, or a family total, of a multi-model table."),
    Rule("CC404", "hours-ambiguous", Severity.WARNING,
         "Wall-clock hours and accelerator-hours are confused: with N accelerators they differ N-fold."),
    Rule("CC405", "fact-conflict", Severity.INFO,
         "Two places of the card or its files disagree on a training fact (energy, location, count, size)."),
    Rule("CC406", "side-file-unreadable", Severity.WARNING,
         "A file beside the card (config.json, safetensors header, trainer_state.json, emissions.csv) is "
         "corrupt, too large or lies."),
    Rule("CC407", "unknown-unit", Severity.WARNING,
         "A figure is stated with a unit carbon-card does not know; it is reported, not guessed."),
    # The estimate against what the card reports.
    Rule("CC501", "emissions-implausible", Severity.WARNING,
         "The reported emissions are over 10x off, and 3x outside the interval of, what the card's own energy, "
         "hardware or compute imply."),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _ALL}
"""Every rule by code, in code order."""

_BY_NAME = {rule.name: rule for rule in _ALL}


def rule(code_or_name: str) -> Rule:
    """Look a rule up by code (`CC104`) or name (`emissions-string`)."""
    return RULES.get(code_or_name) or _BY_NAME[code_or_name]
