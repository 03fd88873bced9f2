"""The types of the rules registry: a rule with its explanation, check and fix; what a check
reads (`Context`) and reports (`Finding`). What a fix plans (`Change`, from a `FixContext`) is in
`fixing`, loaded only by the runs that fix.

A rule module defines its checks and fixes, then its `Rule`s, which name them. A check is a
function of the card's `Context` that returns its findings, a list or `()` (a plain function:
a generator per check and card cost a tenth of `assess`); one check may serve several rules
(the four CC2xx fields are one loop over the block). A fix is a function of a `FixContext` and
the rule's fixable findings that yields changes of the block.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .._cached import cached_property
from ..facts.lift import BLOCK_KEY, Lift, liftable

if TYPE_CHECKING:
    from ..card import Card
    from ..estimate import Estimate
    from ..facts import Facts
    from .fixing import Change, FixContext

__all__ = [
    "BLOCK_KEY", "RECOMMENDED", "Check", "Context", "Example", "Finding", "Findings", "Fix",
    "FixSafety",
    "FixStage", "Rule", "Severity", "is_number", "type_name",
]


class Severity(enum.IntEnum):
    """How bad a finding is; `--fail-on` compares against this order."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        # `_name_`, not the `name` property: Enum's properties cost a descriptor call in Python
        # 3.11, and the JSON output asks for each finding's severity.
        return self._name_.lower()


class FixSafety(enum.Enum):
    """Whether a rule's findings can be fixed mechanically, and how safely (as in ruff)."""

    NONE = "none"
    SAFE = "safe"
    """The fix keeps the meaning of what the card states (e.g. "0.5 kg" -> 500)."""
    UNSAFE = "unsafe"
    """The fix is a guess the user should confirm (e.g. renaming a misspelt key)."""

    def __str__(self) -> str:
        return self._value_  # not the `value` property: see Severity.__str__


class FixStage(enum.IntEnum):
    """When a rule's fix is planned: the changes of one card are planned (and written into the
    block) stage by stage, then in code order, so that a renamed key is not also added and new
    keys come in the same order every time."""

    RENAME_BLOCK = 0
    """The block's own key is renamed: nothing else is planned, the renamed card is planned again."""
    RENAME_KEY = 1
    """A key of the block renamed."""
    VALUE = 2
    """The block's figure replaced."""
    FIELD = 3
    """A recommended field added to the block."""
    FIGURE = 4
    """A block without a figure gets one (from the text or files, or the estimate), and the fields
    stated beside it."""


# NamedTuples, not frozen dataclasses: `check` defines them at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class Example(NamedTuple):
    """A card for a rule's explanation; its files beside it (name -> text), if any."""

    card: str
    files: tuple[tuple[str, str], ...] = ()


class Fix(NamedTuple):
    """How a rule's findings are fixed."""

    safety: FixSafety
    stage: FixStage
    plan: Callable[[FixContext, Sequence[Finding]], Iterable[Change]]
    """The changes for the rule's fixable findings of one card."""
    summary: str
    """What the fix writes, one line (the README's table of fixes)."""
    consults: tuple[str, ...] = ()
    """Rules the fix asks about before it writes their field (a created block leaves out a field
    whose rule is ignored): a suppression of them at the finding's line is in use."""


Findings = Sequence["Finding"]
"""What a check returns: a list of findings, or `()`."""
Check = Callable[["Context"], Findings]
_NOT_YET = object()
T = TypeVar("T")

RECOMMENDED = (
    ("source", "CC201"),
    ("training_type", "CC202"),
    ("geographical_location", "CC203"),
    ("hardware_used", "CC204"),
)
"""The recommended fields of the block and the rule that asks for each (CC2xx); a fix that
creates a block leaves out a field whose rule is ignored."""


@dataclass(frozen=True, eq=False)
class Rule:
    """One rule: what it reports, why, an example, how it is checked and how it is fixed."""

    code: str
    """Stable identifier, `CCnnn`."""
    name: str
    """Stable kebab-case name."""
    severity: Severity
    summary: str
    """One line: what the rule reports."""
    why: str
    """Why it matters, a paragraph or two of Markdown (`carbon-card rule CODE`)."""
    bad: Example
    """A card the rule reports."""
    good: Example
    """The same card as it should be: the rule does not report it."""
    check: Check | None
    """The check that reports the rule's findings (None: reported by the assessment itself, CC010)."""
    fix: Fix | None = None
    doubts: tuple[str, ...] = ()
    """Rules whose safe fixes a finding of this rule puts in doubt: they need `--unsafe-fixes`."""

    @property
    def fix_safety(self) -> FixSafety:
        """Whether findings of this rule can carry a mechanical fix, and how safe it is."""
        return FixSafety.NONE if self.fix is None else self.fix.safety

    def finding(self, message: str, position: tuple[int, int], fix: str | None = None, value: Any = None) -> Finding:
        """A finding of this rule at (line, column); `fix` describes its fix, `value` is what it writes."""
        if not message.isprintable():  # text from the card: a finding is one line in every format
            message = "".join(ch if ch.isprintable() else " " for ch in message)
        return Finding(self, message, position[0], position[1], fix, value)


@dataclass(frozen=True, init=False)
class Finding:
    """One problem in one card."""

    rule: Rule
    message: str
    line: int
    """1-based line in the card."""
    column: int
    """1-based column."""
    fix: str | None = None
    """A short description of the mechanical fix, when one exists (safe or unsafe per the rule)."""
    fix_value: Any = None
    """What the fix writes, for the Patch stage (grams, or the key to rename)."""
    doubted: bool = False
    """A safe fix that another finding puts in doubt (a figure CC501 calls implausible): it
    needs `--unsafe-fixes`."""

    def __init__(self, rule: Rule, message: str, line: int, column: int, fix: str | None = None,
                 fix_value: Any = None, doubted: bool = False) -> None:
        # As `Fact`'s: the fields stored in one step, not through object.__setattr__ one by one
        # (a check makes a few findings per card; thousands over a run). Assignment still raises.
        vars(self).update(rule=rule, message=message, line=line, column=column, fix=fix, fix_value=fix_value,
                          doubted=doubted)

    @property
    def code(self) -> str:
        return self.rule.code

    @property
    def severity(self) -> Severity:
        return self.rule.severity

    @property
    def fixable(self) -> bool:
        return self.fix is not None and self.rule.fix is not None

    @property
    def fix_safety(self) -> FixSafety:
        return FixSafety.UNSAFE if self.doubted and self.fixable else self.rule.fix_safety

    @property
    def safe_fix(self) -> bool:
        """Fixable by `--fix`; other fixable findings need `--unsafe-fixes`."""
        return self.fixable and self.fix_safety is FixSafety.SAFE


class Context:
    """What the checks of one card read: the card, its facts, its disclosure tier, and what is
    derived from them, each computed once."""

    def __init__(self, card: Card, facts: Facts, tier: str, estimate: Callable[[], Estimate] | None = None) -> None:
        self.card = card
        self.facts = facts
        self.tier = tier
        """The card's disclosure tier (`rules.disclosure.disclosure_tier`)."""
        self.estimate = estimate
        """The estimate of `facts`, computed once for the card by the pipeline (None: not given)."""
        self.metadata: dict = card.metadata or {}
        problem = card.problem
        self.readable = not (card.metadata is None and problem is not None and problem.kind != "missing")
        """The front matter was read (or there is none): the rules of the block apply. Saying the
        block is missing from metadata that could not be read would mislead."""
        self.has_block = self.readable and BLOCK_KEY in self.metadata
        self.block: Any = self.metadata.get(BLOCK_KEY) if self.has_block else None
        self._derived: dict[Callable, Any] = {}

    @cached_property
    def lifts(self) -> dict[str, Lift]:
        """What a fix may lift into the block (see `facts.lift.liftable`)."""
        return liftable(self.card, self.facts)

    def once(self, derive: Callable[[Context], T]) -> T:
        """`derive(self)`, computed once for the card however many checks ask for it."""
        value = self._derived.get(derive, _NOT_YET)
        if value is _NOT_YET:
            value = self._derived[derive] = derive(self)
        return value

    def block_position(self) -> tuple[int, int]:
        """(line, column) of the block's value."""
        return self.card.position(self.card.node_at(BLOCK_KEY)[1])

    def top(self) -> tuple[int, int]:
        """Where a finding about the front matter as a whole points: its first line."""
        return (self.card.yaml_line, 1) if self.card.yaml_span else (1, 1)


def is_number(value: Any) -> bool:
    """A YAML number (NaN and the infinities included; not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def type_name(value: Any) -> str:
    return {list: "list", dict: "mapping", bool: "boolean", str: "string"}.get(type(value), type(value).__name__)
