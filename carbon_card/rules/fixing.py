"""What a fix plans: the `Change`s of a card's block, from the card's `FixContext`.

Only the Patch stage (`--fix`, `--diff`) makes them, so they live apart from the rules' other
types (`base`), which every `check` loads: a dataclass costs a millisecond to create, and a
check that reports findings never needs these two.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .._cached import cached_property
from ..facts.attribution import autotrain_job_elsewhere
from ..facts.base import Reading
from ..facts.lift import Lift, liftable
from ..facts.metadata import names_training_type_alone
from .base import Finding, FixSafety

if TYPE_CHECKING:
    from ..card import Card
    from ..estimate import Estimate
    from ..facts import Facts

__all__ = ["Change", "FixContext"]


@dataclass(frozen=True)
class Change:
    """One edit of the block, and the finding it resolves."""

    code: str
    """The rule whose finding this fixes."""
    key: str
    """The block key it sets (or renames to)."""
    value: Any
    safety: FixSafety
    description: str


@dataclass(frozen=True)
class FixContext:
    """What the fixes of one card read."""

    card: Card
    facts: Facts
    estimate: Callable[[], Estimate] | None = None
    """carbon-card's estimate of the card, computed only when a fix asks for it."""
    allows: Callable[[str, int], bool] | None = None
    """Whether a finding of a code at a line would be reported: a fix does not write a field
    whose rule is ignored or suppressed there."""

    @cached_property
    def lifts(self) -> dict[str, Lift]:
        return liftable(self.card, self.facts)

    @cached_property
    def autotrain_job_elsewhere(self) -> bool:
        """Whether the card names its AutoTrain job's repository under another owner (asked once per card, not per
        key: the emissions and their source are lifted from the same line)."""
        return autotrain_job_elsewhere(self.card, self.facts.model_name)

    def change(self, finding: Finding, key: str, value: Any, description: str) -> Change:
        """The change of `key` for `finding`, with the finding's own safety: a safe rule's fix that
        another finding doubts is unsafe, and so is hardware that carbon-card cannot name ("GPU
        Power" in a Hardware Type field), and so are hours but on one accelerator a structured
        statement counts, and so is a training type the card words in more than the type's name, and AutoTrain's
        line of a job the card names under another repository."""
        safety = finding.fix_safety
        if key == "hardware_used" and not _known_hardware(value):
            safety = FixSafety.UNSAFE
        if key == "training_type" and not _names_the_type_alone(self.lifts.get(key)):
            # "Training type: Fine-tuning" is read as stated; "Continued pre-training on domain text, then
            # instruction tuning" is mapped to one of the two by the word it says first: a reading, not a statement.
            safety = FixSafety.UNSAFE
        if key == "hours_used" and ((count := self.facts.best("accelerator_count")) is None or count.value != 1
                                    or not count.structured):
            # The template's "Hours used" feeds the ML CO2 calculator, which multiplies one device's
            # power by it: on several accelerators, cards write wall-clock hours or their sum alike;
            # where the card does not say how many ("H100 Hopper nodes"), which it is is a guess; and
            # a sentence's one device ("on a single T4") is no structured statement to rest on.
            safety = FixSafety.UNSAFE
        lift = self.lifts.get(key)
        if lift is not None and lift.fact.reading is Reading.AUTOTRAIN and self.autotrain_job_elsewhere:
            # AutoTrain's line of a job whose repository the card names as another than this one (renamed, moved or
            # re-uploaded): whether this repository holds that run is a reading.
            safety = FixSafety.UNSAFE
        return Change(finding.code, key, value, safety, description)


def _names_the_type_alone(lift: Lift | None) -> bool:
    fact = lift.fact if lift is not None else None
    return fact is not None and isinstance(fact.text, str) and names_training_type_alone(fact.text)


def _known_hardware(text: Any) -> bool:
    from ..hardware import parse_hardware

    return isinstance(text, str) and parse_hardware(text) is not None
