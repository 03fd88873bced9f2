"""Regular expressions compiled on first use, from a cache of their compiled form.

Compiling carbon-card's patterns costs some 40 ms of CPU per process (`re`'s parser and code
generator are pure Python), which a `check` would pay at every start, as much as checking some
fifty small cards. So a pattern is compiled only when first used, and its compiled form (the
code `re` hands to `_sre`) is kept in a file beside carbon-card's bytecode, written and trusted
as Python's own `.pyc` files are: for this interpreter build only, never when bytecode is not
written (`PYTHONDONTWRITEBYTECODE`), and an unreadable or foreign file is ignored. A pattern is
cached only when the form built from the cache equals (`==` compares the code) what
`re.compile` gives, so a Python whose `re` internals differ just compiles as usual.
"""

from __future__ import annotations

import marshal
import os
import re
import sys
from typing import Any

try:  # Python 3.11+: re's compiler as the modules `re.compile` uses
    import _sre
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - Python 3.10
    _compiler = None

__all__ = ["lazy_compile"]

_MAX_ENTRIES = 4000
"""A file holding more is rewritten with this run's patterns only (old versions' patterns go)."""


class _Cache:
    """The compiled forms of this build of Python, by (pattern, flags); read once, written at exit."""

    def __init__(self) -> None:
        self.path = _cache_path()
        self.header = (sys.version, sys.implementation.cache_tag, _sre.MAGIC, _sre.CODESIZE)
        self.entries: dict[tuple[str, int], tuple] = {}
        self.added: dict[tuple[str, int], tuple] = {}
        if self.path is not None:
            try:
                with open(self.path, "rb") as handle:
                    header, entries = marshal.loads(handle.read())
                if header == self.header and isinstance(entries, dict):
                    self.entries = entries
            except (OSError, ValueError, EOFError, TypeError):
                pass  # none yet, or not one this build wrote: compile as usual

    def compile(self, pattern: str, flags: int) -> re.Pattern:
        flags = int(flags)  # a RegexFlag is an int subclass, which marshal does not take
        key = (pattern, flags)
        form = self.entries.get(key)
        if form is not None and (built := _sre_compile(pattern, form)) is not None:
            return built
        compiled = re.compile(pattern, flags)
        if self.path is None or sys.dont_write_bytecode:
            return compiled
        form = _form(pattern, flags)
        if form is not None and _same(_sre_compile(pattern, form), compiled):
            if not self.added:
                import atexit

                atexit.register(self.write)
            self.entries[key] = self.added[key] = form
        return compiled

    def write(self) -> None:
        if not self.added or self.path is None:
            return
        entries = self.entries if len(self.entries) <= _MAX_ENTRIES else self.added
        temporary = f"{self.path}.{os.getpid()}.tmp"
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
            with open(temporary, "wb") as handle:
                handle.write(marshal.dumps((self.header, entries)))
            os.replace(temporary, self.path)  # whole or not at all, whichever process writes last
        except (OSError, ValueError):
            try:
                os.remove(temporary)
            except OSError:
                pass


def _form(pattern: str, flags: int) -> tuple | None:
    """The arguments of `_sre.compile` after the pattern, as `re._compiler.compile` makes them."""
    try:
        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: marshal takes no int subclass
        indexgroup = [None] * parsed.state.groups
        for name, index in parsed.state.groupdict.items():
            indexgroup[index] = name
        return flags | parsed.state.flags, code, parsed.state.groups - 1, dict(parsed.state.groupdict), tuple(indexgroup)
    except Exception:  # noqa: BLE001 - internals of another version: no cache
        return None


def _sre_compile(pattern: str, form: tuple) -> re.Pattern | None:
    try:
        return _sre.compile(pattern, *form)
    except Exception:  # noqa: BLE001 - another version's `_sre`: no cache
        return None


def _same(built: re.Pattern | None, compiled: re.Pattern) -> bool:
    """The pattern built from a cached form is `re.compile`'s: `==` compares flags and code."""
    return built is not None and built == compiled and built.groupindex == compiled.groupindex


def _cache_path() -> str | None:
    """Where Python would put this module's bytecode, with its own suffix."""
    tag = sys.implementation.cache_tag
    if tag is None:
        return None
    folder = os.path.dirname(os.path.abspath(__file__))
    if sys.pycache_prefix:
        folder = os.path.join(sys.pycache_prefix, os.path.splitdrive(folder)[1].lstrip(os.sep))
    else:
        folder = os.path.join(folder, "__pycache__")
    return os.path.join(folder, f"_regex.{tag}.patterns")


_cache: _Cache | None = None


def _compile(pattern: str, flags: int) -> re.Pattern:
    global _cache
    if _compiler is None or flags & re.DEBUG:
        return re.compile(pattern, flags)
    if _cache is None:
        _cache = _Cache()
    return _cache.compile(pattern, flags)


class _LazyPattern:
    def __init__(self, pattern: str, flags: int = 0):
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern | None = None

    def __getattr__(self, name: str) -> Any:
        # Only reached for the attributes of the compiled pattern (search, finditer, ...), and
        # only once for each: the attribute is then kept on this object, so that later calls
        # cost what calls of the compiled pattern cost (a pattern may run millions of times).
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _compile(self._pattern, self._flags)
        value = getattr(compiled, name)
        setattr(self, name, value)
        return value


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern:
    """Like `re.compile`, but compiles on the first call of a method of the pattern."""
    return _LazyPattern(pattern, flags)  # type: ignore[return-value]
