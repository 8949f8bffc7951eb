"""One cache for every engine result, bounded by bytes rather than by a count of entries.

Streamlit's caches bound each function by a number of entries, whatever their
size: sixteen sweeps of a wide file held 12 GiB. Here every cached function
shares one store whose entries together stay under the server's
:attr:`core.budget.Budget.cache_bytes`, the least recently used going first.
A result larger than the whole store is returned and not kept.

Arguments whose name starts with an underscore are left out of the key, as
Streamlit does (an upload's parsed table stands in the key as its digest).
Sessions asking for the same key at once wait for one computation; the store
is not touched by Streamlit's "clear cache", so no visitor can wipe it for the
others.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
import streamlit as st

from ui.limits import server_budget


def nbytes(value: Any) -> int:
    """The bytes ``value`` holds in arrays, bytes and strings, each object counted once.

    Follows dataclasses, tuples, lists, dicts and objects' attributes; small
    Python objects count a nominal 64 bytes.
    """
    seen: set[int] = set()
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen or item is None:
            continue
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            base = item if item.base is None else item.base
            if base is not item and id(base) in seen:
                continue
            seen.add(id(base))
            total += base.nbytes if isinstance(base, np.ndarray) else item.nbytes
        elif isinstance(item, bytes | bytearray | str):
            total += len(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            stack.extend(item)
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            stack.extend(getattr(item, f.name) for f in dataclasses.fields(item))
        elif hasattr(item, "__dict__") and not isinstance(item, type):
            stack.extend(vars(item).values())
        else:
            total += 64
    return total


class Store:
    """Results by key, least recently used first out, within ``capacity`` bytes."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._making: dict[Any, threading.Event] = {}
        self._lock = threading.Lock()
        self.size = 0

    def get(self, key, make: Callable[[], Any]):
        """The value kept for ``key``, or ``make()`` kept and returned.

        Errors raised by ``make`` reach the caller and nothing is kept.
        """
        while True:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
                    return self._entries[key][0]
                waiting = self._making.get(key)
                if waiting is None:
                    self._making[key] = threading.Event()
                    break
            waiting.wait()
        try:
            value = make()
            self._keep(key, value)
            return value
        finally:
            with self._lock:
                self._making.pop(key).set()

    def _keep(self, key, value) -> None:
        size = nbytes(value)
        if size > self.capacity:
            return
        with self._lock:
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.capacity:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.size -= dropped

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self._entries)


@functools.cache
def store() -> Store:
    """The server's one store, as large as its budget allows."""
    return Store(server_budget().cache_bytes)


def cached(spinner: str | None = None):
    """Decorate a function so its results are kept in :func:`store` by its arguments.

    Parameters
    ----------
    spinner : str, optional
        Shown while the function computes (not when the result is kept).
    """

    def decorate(function):
        signature = inspect.signature(function)
        kept = [name for name in signature.parameters if not name.startswith("_")]

        @functools.wraps(function)
        def call(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            named = (bound.arguments[name] for name in kept)
            key = (function.__module__, function.__qualname__, *named)

            def make():
                if spinner is None:
                    return function(*args, **kwargs)
                with st.spinner(spinner):
                    return function(*args, **kwargs)

            return store().get(key, make)

        return call

    return decorate
