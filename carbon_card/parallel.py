"""Map a pure function over chunks of work: in this process, over a pool of processes, or over
a Dask cluster; results come back in the order of the chunks.

At most a window of chunks is in flight (twice the workers), so memory stays flat however many
chunks there are, and the chunks are read from their iterator only as results are taken.
`distributed` is imported only when a scheduler is given (`carbon-card[dask]`).
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

__all__ = ["ParallelError", "one_line", "ordered_map"]

K = TypeVar("K")
A = TypeVar("A")
R = TypeVar("R")

INSTALL_HINT = "pip install 'carbon-card[dask]'"


class ParallelError(Exception):
    """The workers cannot be reached or were lost (a cluster gone, a worker killed)."""


def ordered_map(function: Callable[[A], R], items: Iterable[tuple[K, A]], *, jobs: int = 1,
                scheduler: str | None = None, timeout: float = 10.0,
                preload: Iterable[str] = ()) -> Iterator[tuple[K, R]]:
    """(key, function(argument)) for each (key, argument) of `items`, in their order.

    `jobs` processes on this machine (1: in this process), or the workers of the Dask scheduler
    at `scheduler` (reached within `timeout` seconds). `function` must be importable by name (a module's function) to be sent to
    another process. `preload` names modules the local pool imports once, before its workers
    fork, so that each worker starts with them loaded."""
    if scheduler is None and jobs <= 1:
        for key, argument in items:
            yield key, function(argument)
        return
    executor = _Dask(scheduler, timeout) if scheduler is not None else _Pool(jobs, tuple(preload))
    pending: deque = deque()
    finished = False
    try:
        for key, argument in items:
            pending.append((key, executor.submit(function, argument)))
            if len(pending) >= executor.window:
                key, future = pending.popleft()
                yield key, executor.result(future)
        while pending:
            key, future = pending.popleft()
            yield key, executor.result(future)
        finished = True
    finally:
        # Interrupted or abandoned: drop the chunks not started, do not wait for the others.
        executor.close(cancel=not finished)


class _Pool:
    """Processes of this machine. They start from a fork server (not a fork of this process,
    which holds pyarrow's and tqdm's threads) and ignore Ctrl-C: the parent stops them."""

    def __init__(self, jobs: int, preload: tuple[str, ...]):
        from concurrent.futures import ProcessPoolExecutor

        method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
        context = multiprocessing.get_context(method)
        if method == "forkserver" and preload:
            context.set_forkserver_preload(list(preload))
        self.pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_ignore_interrupts)
        self.window = 2 * jobs

    def submit(self, function: Callable, argument: Any):
        return self.pool.submit(function, argument)

    def result(self, future) -> Any:
        from concurrent.futures.process import BrokenProcessPool

        try:
            return future.result()
        except BrokenProcessPool as error:
            raise ParallelError(f"a worker process died ({error})") from None

    def close(self, cancel: bool) -> None:
        self.pool.shutdown(wait=not cancel, cancel_futures=cancel)


def _ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class _Dask:
    """The workers of a Dask `distributed` scheduler."""

    def __init__(self, address: str, timeout: float):
        try:
            from distributed import Client
        except ImportError as error:
            raise ParallelError(f"--scheduler needs dask's distributed ({error}); {INSTALL_HINT}") from None
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except Exception as error:  # noqa: BLE001 - OSError, TimeoutError, ValueError for a bad address
            raise ParallelError(f"cannot reach the Dask scheduler at {address} ({one_line(error)})") from None
        threads = sum(self.client.nthreads().values())
        if not threads:
            self.client.close()
            raise ParallelError(f"the Dask scheduler at {address} has no worker")
        self.window = 2 * threads

    def submit(self, function: Callable, argument: Any):
        # pure=False: no hash of the argument for a task key (each chunk is new work anyway).
        return self.client.submit(function, argument, pure=False)

    def result(self, future) -> Any:
        try:
            return future.result()
        except Exception as error:  # noqa: BLE001 - KilledWorker, CommClosedError, a worker's import error
            raise ParallelError(f"the Dask cluster lost a chunk ({type(error).__name__}: "
                                f"{one_line(error)})") from None

    def close(self, cancel: bool) -> None:
        self.client.close()


def one_line(error: BaseException, width: int = 160) -> str:
    """An error's message on one line, cut at `width` characters: for the one-line reports."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= width else text[:width - 3] + "..."
