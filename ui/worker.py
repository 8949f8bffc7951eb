"""Engine calls too long for the server's own process run in one worker process.

A Streamlit server runs every session's script in threads of one process.
The engine's loops hold Python's lock between NumPy calls, so a long run
slowed every other session's reruns (20 students tweaking: median rerun
0.08 → 0.46 s beside one stochastic run on a million rows). Calls the budget
estimates to take longer than :attr:`core.budget.Budget.offload_seconds` run
instead in a worker process, on the machine's other core; the session that
asked waits for it, the others do not. One worker means long calls queue
rather than compete, and its address space is capped, so a call the budget
underestimated fails alone with ``MemoryError`` instead of ending the server.

This module imports neither Streamlit nor the pages: the worker is started
with ``spawn`` and imports only what it runs.
"""

from __future__ import annotations

import resource
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from typing import Any

from core import DivergenceWarning
from core.budget import MIB, Work
from ui.limits import server_budget

#: Address space the worker may map beyond the budget of one call: the
#: interpreter, NumPy and the data (measured: 145 MiB after importing the engine).
_BASE_ADDRESS_SPACE = 768 * MIB

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


class WorkerLost(RuntimeError):
    """The worker process ended during a call (killed, or out of memory)."""


def run(work: Work, function: Callable[..., Any], *args, **kwargs) -> Any:
    """``function(*args, **kwargs)`` with divergence warnings silenced, here or in the worker.

    Parameters
    ----------
    work : Work
        The call's sizes: the budget decides from them where it runs.
    function : callable
        A module-level function (it is pickled to the worker by name).

    Raises
    ------
    WorkerLost
        When the worker process died during the call; the next call starts a new one.
    """
    if not server_budget().offloaded(work):
        return quietly(function, *args, **kwargs)
    try:
        return _executor().submit(quietly, function, *args, **kwargs).result()
    except BrokenProcessPool:
        _discard()
        raise WorkerLost(
            "The computation stopped: the worker running it ran out of memory or was ended. "
            "Lower the epochs or use fewer features, then try again."
        ) from None


def quietly(function: Callable[..., Any], *args, **kwargs) -> Any:
    """``function(*args, **kwargs)``; a run that blows up is shown by the page, not warned of."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return function(*args, **kwargs)


def _limit_memory(limit: int) -> None:
    """Run in the worker as it starts: cap its address space at ``limit`` bytes."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _executor() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            limit = 2 * server_budget().memory_bytes + _BASE_ADDRESS_SPACE
            _pool = ProcessPoolExecutor(
                max_workers=1,
                mp_context=get_context("spawn"),
                initializer=_limit_memory,
                initargs=(limit,),
            )
        return _pool


def _discard() -> None:
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
