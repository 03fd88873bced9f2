"""The Patch stage: the card as it should be, with only its `co2_eq_emissions` block edited.

What goes into the block is planned by the fixes of the rules (`rules.FIXES`: each rule's fix,
its safety and what it writes are in the rule's module; `carbon-card rules` lists them). This
module applies the plan as text edits at the source positions PyYAML gives for each node, so
that every byte outside the edited span (comments, key order, quoting, line endings, the
BOM, the whole body) stays as it was; safe changes always, unsafe ones with `--unsafe-fixes`.

A reported figure is never overwritten except by CC104 (same value, in grams) or CC402
(opt-in). Every proposed card is parsed again and checked: the other metadata unchanged as
data, the block as intended and valid against the schema; otherwise `PatchError`.
"""

from __future__ import annotations

import math
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import yaml

from ._regex import lazy_compile
from .assessment import Assessment, assess
from .card import LINE_BREAK_RE, MAX_CARD_BYTES, Card, CardReadError, LineIndex, PatchError, parse_card
from .facts import Facts
from .facts.lift import BLOCK_KEY, liftable, yaml_number, yaml_scalar
from .rules import FIXES, RULES
from .rules.base import FixSafety, FixStage
from .rules.fixing import Change, FixContext
from .rules.disclosure import TEMPLATE_FIELDS, template_placeholders
from .units import format_mass

if TYPE_CHECKING:
    from .estimate import Estimate

# Change (a rule's fix plans it) and liftable (what a fix may take from the facts) are re-exported
# from where they used to live.
__all__ = ["BLOCK_KEY", "Change", "Patch", "PatchError", "liftable", "plan", "propose", "write_patch"]

MAX_FIX_ROUNDS = 3
"""Rounds of fixes applied to one card before the result is taken as it is: each round plans
the fixes of the card the previous one proposed (ruff applies its fixes the same way)."""


@dataclass(frozen=True)
class Patch:
    """The proposed card."""

    card: Card
    text: str
    """The whole proposed text (without the BOM, like `Card.text`)."""
    applied: tuple[Change, ...] = ()
    withheld: tuple[Change, ...] = ()
    """Unsafe changes left out because unsafe fixes were not enabled."""
    block: Any = None
    """The proposed `co2_eq_emissions` value."""

    @property
    def changed(self) -> bool:
        return self.text != self.card.text

    def data(self) -> bytes:
        """The proposed file's bytes: the BOM (if the card had one) and UTF-8 text."""
        return ("\ufeff" if self.card.has_bom else "").encode() + self.text.encode("utf-8")

    def diff(self, path: str | None = None) -> str:
        """A unified diff of the card against the proposal ("" when unchanged)."""
        if not self.changed:
            return ""
        name = path or self.card.path
        # Only the lines around the edits are compared: a 10 MB body costs a scan, not difflib's
        # quadratic match or a list of its lines.
        import difflib  # only --diff shows one

        offset, before, after = _changed_window(self.card.text, self.text)
        lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}", n=_CONTEXT)
        # Show every line with a plain "\n": a card's "\r\n" would otherwise break the diff's own lines.
        return "".join(_shift_hunk(LINE_BREAK_RE.sub("", line), offset) + "\n" for line in lines)


_CONTEXT = 3
_LINE_RE = lazy_compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_HUNK_RE = lazy_compile(r"@@ -(\d+)(,\d+)? \+(\d+)(,\d+)? @@")


def _changed_window(old: str, new: str) -> tuple[int, list[str], list[str]]:
    """The lines of both texts from a few lines before the first difference to a few after the
    last, and the number of lines before them. More context than the diff shows is harmless:
    `unified_diff` keeps `_CONTEXT` lines."""
    head, tail = _common_prefix(old, new), _common_suffix(old, new)
    tail = min(tail, len(old) - head, len(new) - head)
    start = _lines_back(old, head, _CONTEXT + 2)
    end = _lines_forward(old, len(old) - tail, _CONTEXT + 2)
    shift = len(new) - len(old)
    lines_before = LineIndex(old).breaks_before(start)
    return lines_before, _LINE_RE.findall(old, start, end), _LINE_RE.findall(new, start, end + shift)


def _common_prefix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:  # a binary search, each step comparing only the part not yet known equal
        middle = (low + high + 1) // 2
        if a.startswith(b[low:middle], low):
            low = middle
        else:
            high = middle - 1
    return low


def _common_suffix(a: str, b: str) -> int:
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a.endswith(b[len(b) - middle : len(b) - low], 0, len(a) - low):
            low = middle
        else:
            high = middle - 1
    return low


def _lines_back(text: str, at: int, count: int) -> int:
    """The start of the line `count` line breaks before offset `at` (0 at the top)."""
    for _ in range(count):
        at = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at))
        if at <= 0:
            return 0
        if text[at] == "\n" and text[at - 1] == "\r":
            at -= 1  # "\r\n" is one line break
    return at + 1 + (text[at : at + 2] == "\r\n")


def _lines_forward(text: str, at: int, count: int) -> int:
    """The offset after `count` line breaks from offset `at` (the end of the text at most)."""
    for _ in range(count):
        found = [i for i in (text.find("\n", at), text.find("\r", at)) if i >= 0]
        if not found:
            return len(text)
        at = min(found) + 1 + (text[min(found) : min(found) + 2] == "\r\n")
    return at


def _shift_hunk(line: str, offset: int) -> str:
    """A hunk header of a diff of lines[offset:], renumbered for the whole file."""
    if not offset or not line.startswith("@@"):
        return line
    return _HUNK_RE.sub(lambda m: f"@@ -{int(m[1]) + offset}{m[2] or ''} +{int(m[3]) + offset}{m[4] or ''} @@",
                        line, count=1)


# --------------------------------------------------------------------------- what to change


def plan(card: Card, facts: Facts, findings, estimate: Callable[[], Estimate] | None = None,
         allows: Callable[[str, int], bool] | None = None) -> list[Change]:
    """Every change the findings call for, safe and unsafe, in the order they are applied: the
    fixes of the registry (`rules.FIXES`), stage by stage.

    Each change takes its safety from the finding it fixes. `estimate` is called only for a
    card whose block states no emissions and whose text does not either. `allows(code, line)`
    says whether a finding would be reported there: a block created from the text's figure
    leaves out the recommended fields whose rule the user ignores or suppresses."""
    by_code: dict[str, list] = {}
    for finding in findings:
        if finding.fixable:
            by_code.setdefault(finding.code, []).append(finding)
    context = FixContext(card, facts, estimate, allows)
    changes: list[Change] = []
    for rule in FIXES:
        found = by_code.get(rule.code)
        if found:
            changes += rule.fix.plan(context, found)
            if rule.fix.stage is FixStage.RENAME_BLOCK:
                return changes  # what the renamed block still lacks is planned once it is renamed
    return changes


# --------------------------------------------------------------------------- the patch


def propose(assessment: Assessment, *, unsafe: bool = False, fill_template: bool = False,
            rounds: int = MAX_FIX_ROUNDS, estimate: Callable[[], Estimate] | None = None) -> Patch:
    """The card with its findings fixed: safe fixes always, unsafe ones when `unsafe`.

    `estimate` gives the estimate of the assessment's facts (the pipeline's, computed once);
    without it, the estimate is computed here if a fix needs it. Raises `PatchError` when the
    front matter cannot be edited safely."""
    card, facts = assessment.card, assessment.facts
    if card.problem is not None and card.problem.kind not in ("missing", "empty"):
        if not any(f.fixable for f in assessment.findings):
            return Patch(card, card.text)
        raise PatchError(card.path, "the front matter cannot be read; not patched", card.problem.line)

    def run_estimate():
        from .estimate import estimate

        return estimate(facts)

    selection = assessment.selection
    changes = plan(card, facts, assessment.findings, estimate or run_estimate, selection.allows)
    applied = tuple(c for c in changes if unsafe or c.safety is FixSafety.SAFE)
    withheld = tuple(c for c in changes if c not in applied)
    if not applied and not fill_template:
        return Patch(card, card.text, (), withheld, (card.metadata or {}).get(BLOCK_KEY))

    def propose_again(text: str, rounds: int) -> Patch:
        # The proposed card is a new card: what it still lacks is planned and applied on it.
        again = parse_card(text, card.path)
        return propose(assess(again, _with_yaml_facts(again, facts), selection.enabled), unsafe=unsafe,
                       fill_template=fill_template, rounds=rounds)

    rename = next((c for c in applied if _stage(c) is FixStage.RENAME_BLOCK), None)
    if rename is not None:
        second = propose_again(_rename_top_level(card, rename.value), rounds)
        return Patch(card, second.text, (rename, *second.applied), withheld + second.withheld, second.block)

    old = (card.metadata or {}).get(BLOCK_KEY)
    text, block = _apply(card, applied) if applied else (card.text, old)
    if fill_template:
        shown = block if isinstance(block, dict) else {"emissions": block} if _is_number(block) else {}
        text = _fill_template(card, text, shown, applied, selection.allows)
    if text == card.text:
        return Patch(card, card.text, (), withheld, old)
    _verify(card, text, block)
    if rounds > 1:
        # A fix can make another one possible (a string figure turned into grams lets its `source`
        # be lifted): fixes are applied until nothing changes, so that a second `--fix` finds nothing.
        more = propose_again(text, rounds - 1)
        if more.changed:
            _verify(card, more.text, more.block)
            return Patch(card, more.text, applied + more.applied, withheld + more.withheld, more.block)
    return Patch(card, text, applied, withheld, block)


def _with_yaml_facts(card: Card, facts: Facts) -> Facts:
    """The facts of a card after its block key was renamed: the new block's own facts, then the rest."""
    from .facts import gather

    own = gather(card)
    kept = tuple(f for f in facts.facts if f.origin != "yaml")
    return Facts(own.facts + kept, facts.problems, facts.model_name, facts.model_name_source, copied=facts.copied)


def _apply(card: Card, changes: tuple[Change, ...]) -> tuple[str, Any]:
    """The new text and block from changes of the `co2_eq_emissions` block."""
    metadata = card.metadata if card.metadata is not None else {}
    old = metadata.get(BLOCK_KEY)
    renames = {c.value: c.key for c in changes if _stage(c) is FixStage.RENAME_KEY}
    values = {c.key: c.value for c in changes if _stage(c) is not FixStage.RENAME_KEY}
    if isinstance(old, dict):
        block = {renames.get(k, k): v for k, v in old.items()}
    elif _is_number(old):
        block = {"emissions": old}
    else:
        block = {}
    edits: list[tuple[int, int, str]] = []
    eol = _line_ending(card.text)
    located = card.node_at(BLOCK_KEY)
    value_node = located[1] if located else None

    if isinstance(old, dict) and isinstance(value_node, yaml.MappingNode) and not value_node.flow_style:
        # Edit in place: renamed keys and replaced values at their spans, new keys after the last one.
        start = card.yaml_span[0]
        indent = " " * value_node.value[0][0].start_mark.column
        for key_node, node in value_node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key in renames:
                edits.append((start + key_node.start_mark.index, start + key_node.end_mark.index, renames[key]))
                key = renames[key]
            if key in values and block.get(key) != values[key]:
                if not isinstance(node, yaml.ScalarNode):
                    raise PatchError(card.path, f"`{BLOCK_KEY}.{key}` is not a plain value; not patched",
                                     card.position(node)[0])
                edits.append((start + node.start_mark.index, start + node.end_mark.index, yaml_scalar(values[key])))
        added = [key for key in values if key not in block]
        block.update(values)
        if added:
            lines = [f"{key}: {yaml_scalar(values[key])}" for key in added]
            edits.append(_insertion_after(card, value_node, lines, indent, eol))
    else:
        block.update(values)
        lines = [f"{BLOCK_KEY}:"] + [f"  {key}: {yaml_scalar(value)}" for key, value in block.items()]
        if located is not None:
            # A number, a flow mapping or an empty value: the whole entry is rewritten as a block mapping.
            key_node = located[0]
            start = card.yaml_span[0]
            indent = " " * key_node.start_mark.column
            end = max(key_node.end_mark.index, _last_leaf(value_node).end_mark.index)
            text = eol.join(indent + line if i else line for i, line in enumerate(lines))
            edits.append((start + key_node.start_mark.index, start + end, text))
        elif card.yaml_span is None:
            # No front matter at all: one is added at the top.
            edits.append((0, 0, eol.join(["---", *lines, "---"]) + eol))
        elif not isinstance(card.root, yaml.MappingNode) or not card.root.value:
            edits.append((card.yaml_span[0], card.yaml_span[0], eol.join(lines) + eol))
        else:
            if card.root.flow_style:
                raise PatchError(card.path, "the front matter is a flow mapping; not patched", card.yaml_line)
            edits.append(_insertion_after(card, card.root, lines, "", eol))
    return _edited(card.text, edits), block


def _rename_top_level(card: Card, old_key: str) -> str:
    key_node = next(node for node in card.keys_at() if node.value == old_key)
    start = card.yaml_span[0]
    return _edited(card.text, [(start + key_node.start_mark.index, start + key_node.end_mark.index, BLOCK_KEY)])


def _insertion_after(card: Card, mapping: yaml.MappingNode, lines: list[str], indent: str,
                     eol: str) -> tuple[int, int, str]:
    """An edit adding lines after the last entry of a block mapping."""
    start, yaml_end = card.yaml_span
    last_leaf = _last_leaf(mapping)
    mark = last_leaf.end_mark
    offset = start + mark.index
    if isinstance(last_leaf, yaml.ScalarNode) and last_leaf.style in ("|", ">") and mark.column != 0:
        # A block scalar at the very end, without its line break: a line after it would add one
        # to its value. The lines go before the last entry instead.
        key_mark = mapping.value[-1][0].start_mark
        at = start + key_mark.index - key_mark.column
        return at, at, "".join(indent + line + eol for line in lines)
    if mark.column == 0 and mark.index > 0:
        # The last value ended with its own line break (a block scalar): insert before the next line.
        return offset, offset, "".join(indent + line + eol for line in lines)
    # After the end of the last value's line, comments included.
    line_end = LINE_BREAK_RE.search(card.text, offset, yaml_end)
    at = line_end.start() if line_end else yaml_end
    return at, at, "".join(eol + indent + line for line in lines)


def _last_leaf(node: yaml.Node) -> yaml.Node:
    """The node where a node's content ends: its last leaf for block collections (whose own end
    mark is at the start of the next entry, past comments and blank lines)."""
    while isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, yaml.MappingNode) else last
    return node


def _edited(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _fill_template(card: Card, text: str, block: dict, changes: tuple[Change, ...],
                   allows: Callable[[str, int], bool]) -> str:
    """The placeholders of the Environmental Impact fields (any spelling `template_placeholders`
    finds) replaced by the block's values, where CC301 (the placeholder's rule) is reported.

    The body is unchanged by the block edits, so its placeholders keep their place relative to
    the end of the text."""
    estimated = any(c.code in ("CC302", "CC102") and c.key == "emissions" for c in changes)
    shift = len(text) - len(card.text)
    for start, end, label, _ in reversed(template_placeholders(card)):
        key = TEMPLATE_FIELDS.get((label or "").strip().lower())
        value = block.get(key) if key else None
        if value is None or key in ("emissions", "hours_used") and not _is_number(value):
            continue  # a figure the block states as text it cannot be read from is not copied into the prose
        if not allows("CC301", card.line_of_offset(start)):
            continue  # the placeholder is left as the team wants it
        if key == "emissions":
            shown = format_mass(value) + " CO2eq" + (" (estimated by carbon-card)" if estimated else "")
        elif key == "hours_used":
            shown = f"{yaml_number(value):g} h"
        else:
            shown = str(value)
        text = text[: start + shift] + shown + text[end + shift :]
    return text


def _verify(card: Card, text: str, block: Any) -> None:
    """The proposal parses, keeps every other key as data, and its block is the one intended and valid."""
    if len(text.encode("utf-8")) + 3 * card.has_bom > MAX_CARD_BYTES:
        raise PatchError(card.path, f"the fixed card would be larger than {MAX_CARD_BYTES // 1024**2} MB, which "
                                    "carbon-card refuses to read; not patched")
    try:
        new = parse_card(text, card.path)
    except CardReadError as error:
        raise PatchError(card.path, f"the proposed card cannot be read ({error.message}); not patched") from None
    if new.metadata is None:
        raise PatchError(card.path, "the proposed front matter does not parse; not patched")
    try:
        _compare(card, new, block)
    except RecursionError:  # a front matter nested hundreds deep: compared by Python's recursion
        raise PatchError(card.path, "the front matter is nested too deeply to check the proposed card; not patched") \
            from None


def _compare(card: Card, new: Card, block: Any) -> None:
    """The other metadata equal as data; the block the one intended, and valid (see `_verify`)."""
    from .schema import block_error, field_error, known_keys

    before = {k: v for k, v in (card.metadata or {}).items() if k != BLOCK_KEY}
    after = {k: v for k, v in new.metadata.items() if k != BLOCK_KEY}
    if before != after or new.metadata.get(BLOCK_KEY) != block:
        raise PatchError(card.path, f"the proposed card would change more than `{BLOCK_KEY}`; not patched")
    # The block must be valid, unless it already was not (a field the patch leaves alone, e.g. text
    # in `energy_consumed`): then every field the patch wrote must be.
    old = (card.metadata or {}).get(BLOCK_KEY)
    complaint = block_error(block)
    if complaint is not None and old is not None and block_error(old) is not None and isinstance(block, dict):
        complaint = next((field_error(key, value) for key, value in block.items()
                          if key in known_keys() and (not isinstance(old, dict) or old.get(key) != value)
                          and field_error(key, value)), None)
    if complaint is not None:
        raise PatchError(card.path, f"the proposed `{BLOCK_KEY}` would be invalid ({complaint}); not patched")


# --------------------------------------------------------------------------- writing


def write_patch(patch: Patch, path: str) -> None:
    """Write a proposed card over its file, atomically, or raise `PatchError` and leave it as it was.

    The file is refused when it is read-only or changed on disk since it was read. The new
    text goes to a temporary file in the same folder, which takes the file's mode and is
    flushed to disk, then renamed over the file (through a symbolic link, to its target). The
    new file keeps the old one's mode, owner and group."""
    target = os.path.realpath(path)
    try:
        info = os.stat(target)
        if not info.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
            raise PatchError(path, "the file is read-only; not fixed")
        with open(target, "rb") as handle:
            on_disk = handle.read()
    except OSError as error:
        raise PatchError(path, f"cannot read it again ({error.strerror or error}); not fixed") from None
    original = ("\ufeff" if patch.card.has_bom else "").encode() + patch.card.text.encode("utf-8")
    if on_disk != original:
        raise PatchError(path, "the file changed on disk since it was read; not fixed")
    import tempfile  # only --fix writes: its import (shutil, random) is not paid by every `check`

    folder = os.path.dirname(target) or "."
    temporary = None
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".carbon-card",
                                                 dir=folder)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(patch.data())
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(info.st_mode))
        if (info.st_uid, info.st_gid) != (os.getuid(), os.getgid()):
            # The new file is ours until told otherwise; one we cannot give back is not written.
            try:
                os.chown(temporary, info.st_uid, info.st_gid)
            except PermissionError:
                raise PatchError(path, "cannot keep the file's owner and group (it belongs to another user); "
                                       "not fixed") from None
        os.replace(temporary, target)
        temporary = None
    except OSError as error:
        raise PatchError(path, f"cannot write the fixed card ({error.strerror or error}); the file is unchanged") \
            from None
    finally:
        if temporary is not None:
            try:
                os.unlink(temporary)
            except OSError:
                pass


# --------------------------------------------------------------------------- values


def _stage(change: Change) -> FixStage:
    return RULES[change.code].fix.stage


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _line_ending(text: str) -> str:
    match = LINE_BREAK_RE.search(text)
    return match.group() if match else "\n"
