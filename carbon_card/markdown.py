"""The structure of a card's Markdown body that every stage reads: which lines hold a word, what the Hub
hides (fenced code, HTML comments), the headings and the text under them. No knowledge of carbon here: the
facts' readers, the document's kind and the rules build on it."""

from __future__ import annotations

import bisect
import functools
import itertools
import math
import re
from typing import Iterator, Sequence

from ._regex import lazy_compile

__all__ = ["fenced_code", "heading_value", "headings", "hidden_spans", "inside", "lines_with", "prose_segments"]


# The readers, attribution, the document's kind and CC301 ask for the same card's lines in turn: one
# card's worth of needles ("**", ":", "#", "```", ...) is kept.
@functools.lru_cache(maxsize=16)
def lines_with(body: str, needle: str) -> tuple[int, ...]:
    """The start offsets of the lines that contain `needle`, in order: matching a line-anchored
    pattern only there is much cheaper than scanning the whole body with it."""
    starts: list[int] = []
    add, find, rfind = starts.append, body.find, body.rfind
    position = find(needle)
    while position >= 0:  # each line once: the search goes on from the line's end
        add(rfind("\n", 0, position) + 1)
        end = find("\n", position)
        if end < 0:
            break
        position = find(needle, end)
    return tuple(starts)


def prose_segments(body: str) -> list[tuple[int, int]]:
    """(start, end) of the parts of a Markdown body that the Hub renders as text (the gaps
    between `hidden_spans`)."""
    segments, position = [], 0
    for start, end in hidden_spans(body):
        if start > position:
            segments.append((position, start))
        position = max(position, end)
    if position < len(body) or not segments:
        segments.append((position, len(body)))
    return segments


_HEADING_VALUE_LINES = 8
_LINE_RE = lazy_compile(r"[^\r\n]+")


def inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether `offset` falls in one of the sorted, disjoint (start, end) `spans` (`hidden_spans`)."""
    index = bisect.bisect_right(spans, (offset, math.inf)) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


_MARKDOWN_HEADING_RE = lazy_compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$", re.MULTILINE)


def headings(body: str, hidden: Sequence[tuple[int, int]]) -> list[re.Match]:
    """The Markdown headings of a body, in order: their marks and text are groups 1 and 2 ("## Training"). None in
    `hidden` (`hidden_spans`: HTML comments, code); the pattern is tried only at the lines that hold a "#"."""
    return [heading for start in lines_with(body, "#")
            if (heading := _MARKDOWN_HEADING_RE.match(body, start)) and not inside(heading.start(), hidden)]


def heading_value(body: str, start: int, end: int, hidden: Sequence[tuple[int, int]]) -> tuple[int | None, str]:
    """(offset, text) of the first line under a heading that is not blank nor hidden (`hidden_spans`: an HTML
    comment), up to `end`; (None, "") when there is none within a few lines."""
    for line in itertools.islice(_LINE_RE.finditer(body, start, end), _HEADING_VALUE_LINES):
        text = line.group(0)
        if text.strip() and not inside(line.start() + len(text) - len(text.lstrip()), hidden):
            return line.start(), text.rstrip()
    return None, ""


@functools.lru_cache(maxsize=2)  # the facts, attribution and CC301 ask for the same card's in turn
def hidden_spans(body: str) -> tuple[tuple[int, int], ...]:
    """Sorted (start, end) of the parts of a Markdown body the Hub does not render as text:
    fenced code blocks and HTML comments. A comment left open hides the rest when it starts a
    line (an HTML block), and nothing when it stands in a paragraph (its opener is text)."""
    hidden = fenced_code(body)
    starts = [start for start, _ in hidden]
    position = body.find("<!--")
    while position >= 0:
        at = bisect.bisect_right(starts, position) - 1
        if at >= 0 and position < hidden[at][1]:  # "<!--" in code is code
            position = body.find("<!--", hidden[at][1])
            continue
        closing = body.find("-->", position + 4)
        if closing < 0:
            if not body[body.rfind("\n", 0, position) + 1 : position].strip(" "):
                hidden.append((position, len(body)))
            break  # no comment closes after this one
        hidden.append((position, closing + 3))
        position = body.find("<!--", closing + 3)
    return tuple(sorted(hidden))


# A fence line: "```python", "~~~", indented in a list item or not.
_FENCE_LINE_RE = lazy_compile(r"^([ \t]*)(`{3,}|~{3,})([^\n]*)$", re.MULTILINE)
_FENCES_MAX = 10_000  # fence lines looked at (real cards: a few dozen)
_UNINDENTED_LINE_RE = lazy_compile(r"^[^ \t\r\n]", re.MULTILINE)
# A section heading after a blank line (not a shell or Python comment: "# install", "#x").
_SECTION_AFTER_BLANK_RE = lazy_compile(r"^[ \t]*\r?\n(?=#{2,6}[ \t]+\S)", re.MULTILINE)


def fenced_code(body: str) -> list[tuple[int, int]]:
    """(start, end) of each fenced code block, as CommonMark closes them: by a fence line of the
    same character and at least its length, or, for a fence indented in a list item, where the
    item ends (a line that is not indented): "1. Install:\n    ```bash\n    pip install x\n2. Load"
    leaves its fence open, and the Hub renders what follows item 1 as text. A fence left open
    at the top level runs, for the Hub, to the end; for its reader it ends at the next
    section heading ("## Environmental Impact" after a blank line): the author forgot to close
    it, and what the card says after is still the card's."""
    if "```" not in body and "~~~" not in body:
        return []  # most cards of a few lines: no fence to look for line by line
    spans, opened = [], None  # opened: (start, fence, end of its line, in a list item)
    for count, match in enumerate(_fence_lines(body)):
        if count == _FENCES_MAX:  # thousands of fences are no card's: the rest is taken as code
            spans.append((match.start(), len(body)))
            return spans
        indent, fence, rest = match.group(1), match.group(2), match.group(3)
        if opened is not None:
            start, opening, line_end, in_item = opened
            ended = _UNINDENTED_LINE_RE.search(body, line_end, match.start()) if in_item else None
            if ended is not None:
                spans.append((start, ended.start()))
                opened = None
            elif fence[0] == opening[0] and len(fence) >= len(opening) and not rest.strip():
                spans.append((start, match.end()))
                opened = None
                continue
            else:
                continue
        if fence[0] == "`" and "`" in rest:
            continue  # "```a``` b": inline code, no fence
        opened = (match.start(), fence, match.end(), len(indent.expandtabs(4)) >= 2)
    if opened is not None:
        start, _, line_end, in_item = opened
        if in_item:
            ended = _UNINDENTED_LINE_RE.search(body, line_end)
            spans.append((start, ended.start() if ended is not None else len(body)))
        else:
            ended = _SECTION_AFTER_BLANK_RE.search(body, line_end)
            spans.append((start, ended.end() if ended is not None else len(body)))
    return spans


def _fence_lines(body: str) -> Iterator[re.Match]:
    """`_FENCE_LINE_RE.finditer(body)`, tried only at the lines holding "```" or "~~~": a pattern
    anchored at every line start costs a step per character of the body, which the finds skip."""
    starts = sorted({*lines_with(body, "```"), *lines_with(body, "~~~")})
    return filter(None, (_FENCE_LINE_RE.match(body, start) for start in starts))
