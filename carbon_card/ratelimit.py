"""Pacing requests to the Hub's rate limits, from the `RateLimit` headers the Hub sends.

The Hub counts requests per bucket in fixed windows of 5 minutes (https://huggingface.co/docs/hub/rate-limits):
`api` (every `/api/` call, the model listing included) and `resolvers` (the `/resolve/` file
downloads). An anonymous client has 500 and 3,000 of them per window, a free account 1,000 and
5,000. Every answer says what is left, after the IETF draft (version 9) of the RateLimit fields,
as huggingface_hub's `parse_ratelimit_headers` reads them:

    RateLimit: "api";r=489;t=189                          489 requests left; the window ends in 189 s
    RateLimit-Policy: "fixed window";"api";q=1000;w=300   1,000 requests per 300 s

(an older draft's `RateLimit-Remaining: 489` and `RateLimit-Reset: 189` are read too, for the
bucket of the request). `Pacer` keeps what the latest answers said per bucket, counts the
requests on their way, and holds a request back until its window ends when the budget left is
spent: the run slows down to the limit instead of meeting 429s. A header that cannot be read,
or that announces a wait longer than `MAX_WAIT`, is ignored; the 429s that still come are
retried by the caller, honouring `Retry-After`.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

__all__ = ["MAX_WAIT", "Bucket", "Pacer", "Reading", "Requests", "read_headers"]

MAX_WAIT = 600.0
"""The longest wait for a window to end that a header is believed about (two of the Hub's windows)."""

MARGIN = 0.25
"""Seconds waited past the announced end of a window: the Hub gives whole seconds."""

_MAX_HEADER = 256  # a longer RateLimit header is not a rate limit: not parsed
_NUMBER = re.compile(r"\s*(\d{1,9})\s*")


class Bucket(str, Enum):
    """The Hub's rate-limit buckets that carbon-card uses."""

    API = "api"
    RESOLVERS = "resolvers"


@dataclass(frozen=True)
class Reading:
    """What one answer's headers say of a bucket."""

    bucket: Bucket | None
    """The bucket the header names; None when it names none (the request's bucket is meant)."""
    remaining: int
    reset: float
    """Seconds until the window ends."""
    quota: int | None = None
    """Requests per window (`q` of RateLimit-Policy), when given."""


@dataclass(frozen=True)
class Requests:
    """The requests a run sent to the Hub, per bucket, and how the rate limits shaped them."""

    api: int
    resolvers: int
    held: int
    """Requests held back until a window ended, their bucket's budget spent."""
    throttled: int
    """Answers 429 Too Many Requests (each retried, or the request failed)."""

    def per_model(self, models: int) -> dict[str, float | None]:
        return {"api": self.api / models if models else None, "resolvers": self.resolvers / models if models else None}


def read_headers(headers: Mapping[str, str]) -> Reading | None:
    """The rate limit an answer announces, or None when it announces none that can be read."""
    from huggingface_hub.utils import parse_ratelimit_headers

    value = headers.get("RateLimit")
    if value is not None:
        if len(value) > _MAX_HEADER or len(headers.get("RateLimit-Policy") or "") > _MAX_HEADER:
            return None
        try:  # the library's own reading; its digits are unbounded, hence the length check above
            info = parse_ratelimit_headers(headers)
        except ValueError:
            return None
        if info is None:
            return None
        bucket = next((b for b in Bucket if b.value == info.resource_type), None)
        return _reading(bucket, info.remaining, info.reset_in_seconds, info.limit)
    # The older draft: three fields, for the bucket of the request.
    remaining = _NUMBER.fullmatch(headers.get("RateLimit-Remaining") or "")
    reset = _NUMBER.fullmatch(headers.get("RateLimit-Reset") or "")
    if remaining is None or reset is None:
        return None
    quota = _NUMBER.match((headers.get("RateLimit-Limit") or "")[:_MAX_HEADER])
    return _reading(None, int(remaining[1]), int(reset[1]), int(quota[1]) if quota else None)


def _reading(bucket: Bucket | None, remaining: int, reset: float, quota: int | None) -> Reading | None:
    if not 0 <= reset <= MAX_WAIT or remaining < 0:
        return None  # a window that ends in hours (or has ended) is not one to wait for
    return Reading(bucket, remaining, float(reset), quota if quota and quota > 0 else None)


@dataclass
class _Budget:
    remaining: int | None = None
    """What the latest answer of the current window said is left; None: not known."""
    ends: float | None = None
    """When the current window ends (the pacer's clock); None: not known."""
    quota: int | None = None
    in_flight: int = 0
    """Requests sent whose answer has not come: they spend the budget the server has not counted yet."""


class Pacer:
    """Holds requests back to keep each bucket within the budget the Hub announces; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._budgets = {bucket: _Budget() for bucket in Bucket}
        self._changed = threading.Condition()
        self._sent: Counter[Bucket] = Counter()
        self._held = 0
        self._throttled = 0

    def acquire(self, bucket: Bucket) -> None:
        """Wait until `bucket` has a request to spare, then count one on its way."""
        held = False
        with self._changed:
            while True:
                budget = self._budgets[bucket]
                now = self._clock()
                if budget.ends is not None and now >= budget.ends:
                    budget.remaining, budget.ends = budget.quota, None  # a new window
                if budget.remaining is None or budget.remaining - budget.in_flight > 0:
                    break
                if not held:
                    held = True
                    self._held += 1
                # Until the window ends; or, when its end is not known yet, until an answer tells.
                self._changed.wait(budget.ends - now + MARGIN if budget.ends is not None else 0.1)
            budget.in_flight += 1
            self._sent[bucket] += 1

    def release(self, bucket: Bucket, status: int | None, headers: Mapping[str, str] | None) -> None:
        """The answer to a request of `bucket` came (`status` None: no answer): note what it says."""
        with self._changed:
            budget = self._budgets[bucket]
            budget.in_flight = max(budget.in_flight - 1, 0)
            if status == 429:
                self._throttled += 1
            reading = read_headers(headers) if headers is not None else None
            if reading is not None:
                self._note(self._budgets[reading.bucket or bucket], reading)
            self._changed.notify_all()

    def _note(self, budget: _Budget, reading: Reading) -> None:
        now = self._clock()
        ends = now + reading.reset
        if reading.quota is not None:
            budget.quota = reading.quota
        if budget.ends is None or now >= budget.ends or ends > budget.ends + 1:
            budget.remaining, budget.ends = reading.remaining, ends  # a new window
        else:  # the same window: answers come out of order, and the least left is the latest
            budget.remaining = min(reading.remaining, budget.remaining if budget.remaining is not None else
                                   reading.remaining)
            budget.ends = max(budget.ends, ends)

    def requests(self) -> Requests:
        with self._changed:
            return Requests(self._sent[Bucket.API], self._sent[Bucket.RESOLVERS], self._held, self._throttled)
