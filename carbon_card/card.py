"""The Card stage: a model card's text, its YAML front matter, and where every value sits.

A card is read once, decoded, split the way the Hub splits it (a `---` line first, `\\r\\n`,
`\\r` or `\\n` line breaks, an optional UTF-8 BOM) and its front matter loaded with PyYAML's
safe loader (the C one when present). Nothing here executes YAML tags or rewrites the file.
A card whose front matter is broken is still a `Card`: the problem is kept as data so the
rules can report it with a line number. Only input that is not a text card at all (missing,
binary, not UTF-8, too large) raises `CardReadError`.
"""

from __future__ import annotations

import bisect
import os
import re
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, NamedTuple

import yaml

from ._cached import cached_property
from ._regex import lazy_compile

if TYPE_CHECKING:  # pathlib costs start-up; a path is only annotated here
    from pathlib import Path

__all__ = [
    "CARD_FILE_NAME",
    "Card",
    "CardFiles",
    "CardReadError",
    "FrontMatterProblem",
    "LineIndex",
    "MAX_CARD_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "NotARegularFile",
    "PatchError",
    "find_cards",
    "parse_card",
    "read_card",
    "read_regular_file",
    "word_positions",
]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR_TAG, _MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_SCALAR = yaml.ScalarNode


class _Loader(_BaseLoader):
    """PyYAML's safe loader, with the implicit tags of plain scalars resolved from a table merged
    once (PyYAML concatenates two lists per scalar): the same tags, a seventh less time composing."""

    _implicit: dict | None = None

    def resolve(self, kind, value, implicit):
        if kind is _SCALAR and not self.yaml_path_resolvers:  # the safe loader has no path resolvers
            if implicit[0]:
                table = _Loader._implicit
                if table is None:
                    table = _Loader._implicit = _implicit_table(self.yaml_implicit_resolvers)
                for tag, regexp in table.get(value[:1], table[None]):
                    if regexp.match(value):
                        return tag
            return _STR_TAG  # DEFAULT_SCALAR_TAG
        if self.yaml_path_resolvers:
            return super().resolve(kind, value, implicit)
        return _SEQ_TAG if kind is yaml.SequenceNode else _MAP_TAG

    def construct_plain(self, root: yaml.Node) -> Any:
        """The data of a tree without anchors, as `construct_document` builds it, in one recursive
        walk instead of PyYAML's generators (a third of the time). Raises `_NotPlain` at a node
        this walk leaves to PyYAML: a merge key, a `=` value, a tag other than the core schema's."""
        scalars = {
            _STR_TAG: None, "tag:yaml.org,2002:null": None, "tag:yaml.org,2002:bool": self.construct_yaml_bool,
            "tag:yaml.org,2002:int": self.construct_yaml_int, "tag:yaml.org,2002:float": self.construct_yaml_float,
            "tag:yaml.org,2002:timestamp": self.construct_yaml_timestamp,
        }

        scalar = _SCALAR  # a local of the closure: looked up at every node

        def build(node: yaml.Node) -> Any:
            kind, tag = node.__class__, node.tag
            if kind is scalar:
                if tag == _STR_TAG:
                    return node.value
                if tag not in scalars:
                    raise _NotPlain
                construct = scalars[tag]
                return None if construct is None else construct(node)
            if kind is yaml.MappingNode and tag == _MAP_TAG:
                mapping = {}
                for key_node, value_node in node.value:
                    if key_node.__class__ is not scalar:
                        raise _NotPlain  # a sequence or mapping as a key: PyYAML's error
                    # Most keys and values are strings: taken here, without a call each.
                    key = key_node.value if key_node.tag == _STR_TAG else build(key_node)
                    mapping[key] = (value_node.value if value_node.__class__ is scalar and value_node.tag == _STR_TAG
                                    else build(value_node))
                return mapping
            if kind is yaml.SequenceNode and tag == _SEQ_TAG:
                return [child.value if child.__class__ is scalar and child.tag == _STR_TAG else build(child)
                        for child in node.value]
            raise _NotPlain

        return build(root)


class _NotPlain(Exception):
    """A node `_Loader.construct_plain` leaves to PyYAML's constructor."""


def _implicit_table(resolvers: dict) -> dict:
    """First character -> the (tag, pattern) pairs to try, the wildcard ones last, as PyYAML tries them."""
    wildcard = resolvers.get(None, [])
    table = {key: list(pairs) + wildcard for key, pairs in resolvers.items() if key is not None}
    table[None] = list(wildcard)
    return table

MAX_CARD_BYTES = 10 * 1024 * 1024
"""Cards larger than this are refused: the largest real cards are a few hundred kB."""

MAX_YAML_NODES = 1_000_000
"""Front matter whose aliases expand to more nodes than this is refused (a "billion laughs")."""

MAX_YAML_DEPTH = 100
"""Front matter nested deeper than this is refused: real cards nest a few levels (model-index
is six), and every later stage (the schema check, comparing, JSON output) recurses per level."""

LINE_BREAK_RE = lazy_compile(r"\r\n|\r|\n")
"""The breaks a card's line numbers count (`LineIndex`): "\r\n", a lone "\r" and "\n"."""

# The Hub's front-matter pattern (huggingface_hub.repocard.REGEX_YAML_BLOCK), with the opening
# and closing lines as groups so that positions can be computed. It also takes a lone "\r"
# after the closing line, so that old Mac line endings are read consistently.
_FRONT_MATTER_RE = lazy_compile(r"^(\s*---(?:\r\n|\r|\n))([\S\s]*?)((?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|$))")
# "---\n---\n": an empty block the Hub's pattern does not match but readers take as empty.
_EMPTY_FRONT_MATTER_RE = lazy_compile(r"^(\s*---(?:\r\n|\r|\n))()(---[ \t]*(?:\r\n|\r|\n|$))")
_OPENING_RE = lazy_compile(r"^\s*---[ \t]*(?:\r\n|\r|\n|$)")
# `_FRONT_MATTER_RE` in two steps (see `_front_matter`): its opening line, then its closing line.
_FRONT_MATTER_OPENING_RE = lazy_compile(r"\s*---(\r\n|\r|\n)")
_FRONT_MATTER_CLOSING_RE = lazy_compile(r"(?:\r\n|\r|\n)---[ \t]*(?:\r\n|\r|\n|$)")


class CardReadError(Exception):
    """A file that cannot be read as a model card at all. `line` is 1-based when known."""

    def __init__(self, path: str, message: str, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.message = message
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class PatchError(CardReadError):
    """The card cannot be patched or written safely (its front matter is unreadable, the file
    is read-only or changed on disk, the result would not be what was intended); nothing is
    written. Like a read error, it names the file (and line) and makes the run exit 2. (Here
    rather than in `patch`, so that `check` without --fix or --diff never imports `patch`.)"""


# A NamedTuple, not a frozen dataclass: `check` defines it at every start, and a dataclass costs five
# times as much to define (Python 3.11 compiles each method it generates).
class FrontMatterProblem(NamedTuple):
    """Why the front matter gave no usable mapping."""

    kind: str
    """One of `missing`, `unclosed`, `empty`, `invalid-yaml`, `not-mapping`."""
    message: str
    line: int
    """1-based line in the card."""
    column: int
    """1-based column."""


@dataclass(frozen=True, eq=False, init=False)
class Card:
    """A model card as read: its text, its front matter and the positions of its YAML nodes."""

    path: str
    """The path as the user gave it (or a repository id for cards from the Hub)."""
    text: str
    """The decoded text, without the BOM."""
    has_bom: bool
    """Whether the file started with a UTF-8 byte order mark."""
    metadata: Mapping[str, Any] | None
    """The front matter as data; None when there is none or it is not a valid mapping."""
    problem: FrontMatterProblem | None
    """Why `metadata` is None or empty, if it is."""
    yaml_span: tuple[int, int] | None
    """Offsets in `text` of the YAML between the two `---` lines."""
    yaml_line: int
    """1-based line of the first YAML line (or of line 1 when there is no front matter)."""
    body_span: tuple[int, int]
    """Offsets in `text` of the Markdown body after the front matter."""
    body_line: int
    """1-based line where the body starts."""
    root: yaml.Node | None
    """The composed YAML tree, which holds the source position of every key and value."""

    def __init__(self, path: str, text: str, has_bom: bool, metadata: Mapping[str, Any] | None,
                 problem: FrontMatterProblem | None, yaml_span: tuple[int, int] | None, yaml_line: int,
                 body_span: tuple[int, int], body_line: int, root: yaml.Node | None) -> None:
        # As `Fact`'s: the fields stored in one step, not through object.__setattr__ one by one.
        vars(self).update(path=path, text=text, has_bom=has_bom, metadata=metadata, problem=problem,
                          yaml_span=yaml_span, yaml_line=yaml_line, body_span=body_span, body_line=body_line,
                          root=root)

    @cached_property
    def body(self) -> str:
        """The Markdown body after the front matter."""
        return self.text[self.body_span[0] : self.body_span[1]]

    @cached_property
    def body_lower(self) -> str:
        """`body.lower()`, made once for the readers and rules that look for words in any case."""
        return self.body.lower()

    @cached_property
    def case_folds_elsewhere(self) -> bool:
        """Whether the body holds a letter that `re.IGNORECASE` takes for "i" or "s" but `str.lower` keeps ("ı", "ſ")
        or spells in two characters ("İ"): then a word a pattern finds ignoring case may not be in `body_lower`, nor
        at the body's offsets there."""
        body = self.body
        return not body.isascii() and any(letter in body for letter in "\u0130\u0131\u017f")

    def matches_at_words(self, pattern: re.Pattern, words: Iterable[str]) -> Iterator[re.Match]:
        """The matches of `pattern` in the body, in order and without overlap as `finditer` gives them, for a pattern
        each of whose matches starts with one of `words` (lower case, as it matches them ignoring case): tried where
        they stand only, not at every character as `re` tries a pattern led by `\\b` or an alternation."""
        body = self.body
        if self.case_folds_elsewhere:
            yield from pattern.finditer(body)
            return
        end = 0
        for start in sorted({at for word in words for at in word_positions(self.body_lower, word)}):
            if start >= end and (match := pattern.match(body, start)):
                end = match.end()
                yield match

    def node_at(self, *path: str) -> tuple[yaml.Node, yaml.Node] | None:
        """The (key node, value node) at a path of mapping keys, or None when absent.

        With duplicate keys the last one wins, as it does for the Hub's `yaml.safe_load`.
        """
        found = None
        node = self.root
        for depth in range(len(path)):
            if not isinstance(node, yaml.MappingNode):
                return None
            found = self._keys(node).get(path[depth])
            if found is None:
                return None
            node = found[1]
        return found

    def node_index(self, node: yaml.Node | None = None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """key -> (key node, value node) of a mapping node (the front matter's by default)."""
        node = self.root if node is None else node
        return self._keys(node) if isinstance(node, yaml.MappingNode) else {}

    def _keys(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        # The key index of each mapping node, built once: facts and rules look keys up often.
        index = self._key_index.get(id(node))
        if index is None:
            index = {
                key_node.value: (key_node, value_node)
                for key_node, value_node in node.value
                if isinstance(key_node, yaml.ScalarNode)
            }
            self._key_index[id(node)] = index
        return index

    @cached_property
    def _key_index(self) -> dict[int, dict[str, tuple[yaml.Node, yaml.Node]]]:
        return {}

    def keys_at(self, *path: str) -> list[yaml.Node]:
        """The key nodes of the mapping at `path`, in source order (duplicates included)."""
        node = self.root if not path else (self.node_at(*path) or (None, None))[1]
        if not isinstance(node, yaml.MappingNode):
            return []
        return [key_node for key_node, _ in node.value]

    def position(self, node: yaml.Node) -> tuple[int, int]:
        """1-based (line, column) in the card of a YAML node."""
        mark = node.start_mark
        return self.yaml_line + mark.line, mark.column + 1

    def line_of_offset(self, offset: int) -> int:
        """1-based line of a character offset in `text`."""
        return 1 + self._lines.breaks_before(offset)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line of the card, without its break ("" past the end)."""
        lines = self._text_lines
        return lines[line - 1] if 0 < line <= len(lines) else ""

    @cached_property
    def _text_lines(self) -> list[str]:
        return self.text.split("\n") if "\r" not in self.text else LINE_BREAK_RE.split(self.text)

    @cached_property
    def _lines(self) -> LineIndex:
        return LineIndex(self.text)


class LineIndex:
    """Line numbers of character offsets in a text, in time linear in the text over any number
    of look-ups: the line breaks (`\r\n`, `\r`, `\n`) are counted once per block of the text,
    and a look-up counts within one block. (Counting from the start per look-up made cards with
    many figures quadratic.)"""

    # A look-up counts within one block, or within the whole of a text of up to four (no table):
    # blocks of 4,096 made that counting 4% of checking the gold cards (a dozen look-ups in
    # 16,000 characters each), where 1,024 costs less than half of that and no more on small cards.
    _BLOCK = 1024

    def __init__(self, text: str):
        self.text = text
        self._crlf = "\r" in text
        starts, counts, total = [0], [0], 0
        if len(text) <= 4 * self._BLOCK:  # a small text is counted directly: no table to build
            self._starts, self._counts = starts, counts
            return
        while starts[-1] < len(text):
            end = min(starts[-1] + self._BLOCK, len(text))
            if self._crlf and text[end - 1 : end + 1] == "\r\n":
                end += 1  # a block never splits a "\r\n"
            total += self._count(starts[-1], end)
            starts.append(end)
            counts.append(total)
        self._starts, self._counts = starts, counts

    def _count(self, start: int, end: int) -> int:
        text = self.text
        if not self._crlf:
            return text.count("\n", start, end)
        return text.count("\n", start, end) + text.count("\r", start, end) - text.count("\r\n", start, end)

    def breaks_before(self, offset: int) -> int:
        """The number of line breaks in `text[:offset]` (where a "\r" cut from its "\n" counts as one)."""
        offset = max(0, min(offset, len(self.text)))
        block = bisect.bisect_right(self._starts, offset) - 1
        return self._counts[block] + self._count(self._starts[block], offset)


def word_positions(text: str, word: str) -> list[int]:
    """Where `word` occurs in `text`."""
    positions = []
    position = text.find(word)
    while position >= 0:
        positions.append(position)
        position = text.find(word, position + 1)
    return positions


def read_card(path: str | Path, display_path: str | None = None) -> Card:
    """Read and parse a model card file.

    Raises `CardReadError` for a missing or unreadable file, a binary file, text that is not
    UTF-8, or a file larger than `MAX_CARD_BYTES`. Reads at most `MAX_CARD_BYTES + 1` bytes.

    >>> card = read_card("examples/good/README.md")
    >>> card.metadata["co2_eq_emissions"]["emissions"]
    1812
    """
    shown = display_path or str(path)
    try:
        raw = read_regular_file(path, MAX_CARD_BYTES + 1)
    except FileNotFoundError:
        raise CardReadError(shown, "no such file") from None
    except IsADirectoryError:
        raise CardReadError(shown, "is a directory") from None
    except NotARegularFile as error:
        raise CardReadError(shown, f"is {error.kind}, not a regular file; not read") from None
    except OSError as error:
        raise CardReadError(shown, f"cannot read: {error.strerror or error}") from None
    return parse_card(raw, shown)


class NotARegularFile(OSError):
    """A path that names a directory, a FIFO, a device or a socket, not a file to read."""

    def __init__(self, kind: str):
        super().__init__(f"{kind}, not a regular file")
        self.kind = kind
        """"a directory", "a FIFO", "a device or socket"."""


def read_regular_file(path: str | os.PathLike, limit: int) -> bytes:
    """Up to `limit` bytes of a regular file. Opened without blocking, then checked: opening a FIFO
    or a device must not wait for a writer. Raises `NotARegularFile`, or the OSError of the open
    or the read."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            mode = status.st_mode
            raise NotARegularFile("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
                                  else "a device or socket")
        return _read_at_most(descriptor, status.st_size, limit)
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, size_hint: int, limit: int) -> bytes:
    """Up to `limit` bytes of a file. The first read asks for the size `fstat` gave (plus one, to
    see a file that grew): asking for `limit` bytes at once allocates 10 MB per card."""
    chunks, total = [], 0
    want = min(size_hint + 1, limit)
    while total < limit:
        chunk = os.read(descriptor, want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
        want = min(max(want, 65536), limit - total)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_card(raw: bytes | str, path: str = "<card>") -> Card:
    """Parse a card from its bytes (or text). See `read_card` for the errors raised."""
    if isinstance(raw, bytes):
        text = _decode(raw, path)
    else:
        text = raw
        _check_encodable(text, path)
    has_bom = text.startswith("\ufeff")
    if has_bom:
        text = text[1:]

    spans = _front_matter(text)
    if spans is None:
        line = 1 + _breaks_before(text, len(text) - len(text.lstrip()))
        if _OPENING_RE.match(text):
            problem = FrontMatterProblem(
                "unclosed",
                "the front matter opens with '---' but has no closing '---' line; the Hub ignores it",
                line,
                1,
            )
        else:
            problem = FrontMatterProblem("missing", "the card has no YAML front matter", 1, 1)
        return Card(path, text, has_bom, None, problem, None, 1, (0, len(text)), 1, None)

    yaml_start, yaml_end, body_start = spans
    yaml_line = 1 + _breaks_before(text, yaml_start)
    body_line = 1 + _breaks_before(text, body_start)
    metadata, root, problem = _load_yaml(text[yaml_start:yaml_end], yaml_line)
    return Card(
        path, text, has_bom, metadata, problem, (yaml_start, yaml_end), yaml_line,
        (body_start, len(text)), body_line, root,
    )


def _front_matter(text: str) -> tuple[int, int, int] | None:
    """The offsets of the YAML (start, end) and of the body's start that `_FRONT_MATTER_RE`, else
    `_EMPTY_FRONT_MATTER_RE`, finds in `text`; None when neither matches. The closing line is
    searched for from the opening one, which skips to the line breaks, where the pattern's lazy
    `[\\S\\s]*?` tries the closing line at every character of the front matter."""
    opening = _FRONT_MATTER_OPENING_RE.match(text)
    if opening is not None:
        start = opening.end()
        closing = _FRONT_MATTER_CLOSING_RE.search(text, start)
        if closing is None and opening.group(1) == "\r\n":
            # As the pattern backtracks: the opening line ended by its "\r" alone, its "\n" then
            # starts the closing line ("---\r\n---").
            start -= 1
            closing = _FRONT_MATTER_CLOSING_RE.match(text, start)
        if closing is not None:
            return start, closing.start(), closing.end()
    empty = _EMPTY_FRONT_MATTER_RE.match(text)
    return None if empty is None else (empty.start(2), empty.end(2), empty.end())


def _breaks_before(text: str, end: int) -> int:
    """The line breaks in `text[:end]`: each "\\r\\n", and each "\\r" or "\\n" not part of one."""
    breaks = text.count("\n", 0, end)
    if "\r" in text:
        breaks += text.count("\r", 0, end) - text.count("\r\n", 0, end)
    return breaks


def _decode(raw: bytes, path: str) -> str:
    if len(raw) > MAX_CARD_BYTES:
        raise CardReadError(path, f"file is larger than {MAX_CARD_BYTES // (1024 * 1024)} MB; not a model card")
    if b"\x00" in raw[:8192]:
        raise CardReadError(path, "binary file (NUL bytes); not a model card", 1 + raw.count(b"\n", 0, raw.index(b"\x00")))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = 1 + raw.count(b"\n", 0, error.start)
        raise CardReadError(path, f"not valid UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start})", line) from None


def _check_encodable(text: str, path: str) -> None:
    """Text given as `str` must be Unicode a file can hold: no lone surrogate (from a
    `surrogateescape` decode, say), which the YAML parser and every output would choke on."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        line = 1 + _breaks_before(text, error.start)
        raise CardReadError(path, f"not valid Unicode (lone surrogate U+{ord(text[error.start]):04X} at offset "
                                  f"{error.start})", line) from None


_NOT_BUILT = object()


def _load_yaml(
    yaml_text: str, first_line: int
) -> tuple[Mapping[str, Any] | None, yaml.Node | None, FrontMatterProblem | None]:
    """Compose, bound and construct the front matter; problems come back as data."""
    if not yaml_text.strip():
        return {}, None, FrontMatterProblem("empty", "the front matter is empty", max(first_line - 1, 1), 1)
    loader = _Loader(yaml_text)
    try:
        root = loader.get_single_node()
        if root is None:  # only comments
            return {}, None, FrontMatterProblem("empty", "the front matter is empty", first_line, 1)
        # Aliases share nodes, so a small text can describe a huge document. Count what
        # construction (merge keys included) would expand before building anything.
        if "&" in yaml_text and _expanded_size(root) > MAX_YAML_NODES:
            line, column = first_line + root.start_mark.line, root.start_mark.column + 1
            return None, None, FrontMatterProblem(
                "invalid-yaml",
                f"the front matter's aliases expand to more than {MAX_YAML_NODES:,} nodes or refer to themselves (a YAML bomb); refused",
                line,
                column,
            )
        # Nesting needs a line or a bracket per level: most front matters cannot reach the cap.
        depth_bound = yaml_text.count("\n") + yaml_text.count("[") + yaml_text.count("{") + 1
        if depth_bound > MAX_YAML_DEPTH and (deep := _too_deep(root)) is not None:
            line, column = first_line + deep.start_mark.line, deep.start_mark.column + 1
            return None, None, FrontMatterProblem(
                "invalid-yaml", f"the front matter is nested more than {MAX_YAML_DEPTH} levels deep; refused", line, column
            )
        data = _NOT_BUILT
        if "&" not in yaml_text:  # no anchor, so no alias: a tree, not a graph
            try:
                data = loader.construct_plain(root)
            except _NotPlain:
                pass
        if data is _NOT_BUILT:
            data = loader.construct_document(root)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else first_line
        column = mark.column + 1 if mark else 1
        message = " ".join(" ".join(str(part).split()) for part in (error.context, error.problem) if part)
        return None, None, FrontMatterProblem("invalid-yaml", f"invalid YAML: {message}", line, column)
    except yaml.reader.ReaderError as error:  # a character YAML does not allow (a control character)
        line = first_line + yaml_text.count("\n", 0, error.position)
        column = error.position - yaml_text.rfind("\n", 0, error.position)
        return None, None, FrontMatterProblem(
            "invalid-yaml", f"invalid YAML: character #x{error.character:04x} is not allowed", line, column
        )
    except (yaml.YAMLError, RecursionError, ValueError, TypeError) as error:
        # Unhashable keys built from aliases, recursive structures and the like.
        message = " ".join(f"invalid YAML: {error}".split())  # one line, whatever the error says
        return None, None, FrontMatterProblem("invalid-yaml", message, first_line, 1)
    finally:
        loader.dispose()
    if data is None:
        return {}, None, FrontMatterProblem("empty", "the front matter is empty", first_line, 1)
    if not isinstance(data, dict):
        line, column = first_line + root.start_mark.line, root.start_mark.column + 1
        kind = type(data).__name__
        return None, None, FrontMatterProblem("not-mapping", f"the front matter is a {kind}, not a mapping", line, column)
    return data, root, None


def _too_deep(root: yaml.Node) -> yaml.Node | None:
    """The first node nested deeper than `MAX_YAML_DEPTH`, or None: an iterative walk of the tree
    as aliases expand it, after `_expanded_size` has bounded that expansion."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_YAML_DEPTH:
            return node
        if isinstance(node, yaml.ScalarNode):
            continue
        children = [part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else node.value
        stack.extend((child, depth + 1) for child in children)
    return None


def _expanded_size(root: yaml.Node) -> int:
    """Number of nodes the tree has once every alias is expanded, memoised per shared node.

    A node that contains itself through an alias counts as unbounded.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    # Iterative post-order walk: deep nesting must not hit Python's recursion limit.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if isinstance(node, yaml.ScalarNode):
            sizes[key] = 1
            continue
        children = (
            [part for pair in node.value for part in pair]
            if isinstance(node, yaml.MappingNode)
            else node.value
        )
        if children_done:
            in_progress.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_YAML_NODES:
                return sizes[key]
        elif key in in_progress:
            return MAX_YAML_NODES + 1  # a cycle: the node contains itself
        elif key not in sizes:
            in_progress.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]


CARD_FILE_NAME = "README.md"


class CardFiles:
    """Which files a directory argument takes as cards: `README.md`, the Hub's name. The
    command line's settings widen it (`include` in the configuration)."""

    def included(self, path: str) -> bool:
        """Whether a file found in a directory is a card to check."""
        return os.path.basename(path) == CARD_FILE_NAME

    def card_names(self, path: str) -> tuple[str, ...]:
        """The names (globs) of the cards looked for at `path`, for the message of a directory without any."""
        return (CARD_FILE_NAME,)


def find_cards(paths: Iterable[str | Path], excluded: Callable[[str, bool], bool] | None = None,
               cards: CardFiles | None = None, listed: dict[str, list[str]] | None = None,
               ) -> Iterator[str | CardReadError]:
    """The card files named by `paths`, in order: a file stands for itself, a directory for
    every card below it, in each folder by name (`README.md`, or what `cards.included` takes;
    hidden folders such as `.git` skipped). A path that does not exist, a folder that cannot be
    listed, or a directory without any card comes out as a `CardReadError`; `read_card` refuses
    what is not a regular file (a FIFO, a device).

    `excluded(path, explicit)` leaves out a path (a folder is not searched): `explicit` is true
    for the paths given, false for what a directory holds.

    `listed`, when given, takes the names in each folder that holds a card, as the walk listed
    them (folder -> names; the folder as `os.path.dirname` of its cards gives it, but for a
    path given with a trailing separator): the stages that look at a card's folder (its side
    files, whether it is a model's, its configuration file) need not list it again. While the
    walk is in a folder (in `excluded` and `cards.included`) the folder is there too.
    """
    for path in paths:
        path = str(path)
        if excluded is not None and excluded(path, True):
            continue
        if os.path.isdir(path):
            found = reported = False
            unlisted: list[OSError] = []  # os.walk's onerror: the folders it could not list
            for dirpath, dirnames, filenames in os.walk(path, onerror=unlisted.append):
                if listed is not None:
                    listed[dirpath] = dirnames + filenames
                if unlisted:
                    reported = True
                    yield from _unlisted(unlisted, path)
                if dirnames:  # most folders of cards hold none: nothing to sort or exclude
                    kept = sorted(name for name in dirnames if not name.startswith("."))
                    if excluded is not None:
                        searched = [name for name in kept if not excluded(os.path.join(dirpath, name), False)]
                        found |= searched != kept  # excluded by the configuration is not "no card"
                        kept = searched
                    dirnames[:] = kept
                if cards is None:
                    found_here = [os.path.join(dirpath, CARD_FILE_NAME)] if CARD_FILE_NAME in filenames else []
                else:
                    found_here = [card for card in (os.path.join(dirpath, name) for name in sorted(filenames))
                                  if cards.included(card)]
                if listed is not None and not found_here:
                    del listed[dirpath]  # kept only for the folders of cards: bounded by what is checked
                for card in found_here:
                    found = True
                    if excluded is None or not excluded(card, False):
                        yield card
            reported |= bool(unlisted)
            yield from _unlisted(unlisted, path)
            if not found and not reported:
                names = (cards or CardFiles()).card_names(os.path.join(path, CARD_FILE_NAME))
                wanted = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
                yield CardReadError(path, f"directory has no {wanted} (searched recursively)")
        elif os.path.lexists(path):
            yield path
        else:
            yield CardReadError(path, "no such file or directory")


def _unlisted(errors: list[OSError], path: str) -> Iterator[CardReadError]:
    while errors:
        error = errors.pop(0)
        yield CardReadError(error.filename or path, f"cannot list the folder: {error.strerror or error}")
