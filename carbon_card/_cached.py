"""`cached_property` without a lock.

`functools.cached_property` of Python 3.11 takes a lock at the first read of each property of
each object (3.12 dropped it), a microsecond that the Card, read once per card, pays five times
over: a percent of a `check` run. carbon-card's cached properties belong to objects of one card
that no other thread sees, so this one computes the value and keeps it in the object's
`__dict__` (where later reads find it without calling the descriptor), as functools does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["cached_property"]


class cached_property:  # lower case, as functools names it
    """A property computed at its first read and then kept, like `functools.cached_property`."""

    def __init__(self, compute: Callable[[Any], Any]) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # Stored directly (a frozen dataclass's __setattr__ refuses), and found there next time:
        # this descriptor has no __set__, so the instance's dict wins.
        value = instance.__dict__[self.name] = self.compute(instance)
        return value
