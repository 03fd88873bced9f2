"""Regular expressions compiled on first use.

Compiling carbon-card's patterns costs tens of milliseconds, which a one-card `check` (a
pre-commit hook) would pay at every start even when the card never needs most of them.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["lazy_compile"]


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
            compiled = self._compiled = re.compile(self._pattern, self._flags)
        value = getattr(compiled, name)
        setattr(self, name, value)
        return value


def lazy_compile(pattern: str, flags: int = 0) -> re.Pattern:
    """Like `re.compile`, but compiles on the first call of a method of the pattern."""
    return _LazyPattern(pattern, flags)  # type: ignore[return-value]
