"""The server's budget, read once from its environment (see :class:`core.budget.Budget`)."""

from __future__ import annotations

import functools

from core.budget import Budget


@functools.cache
def server_budget() -> Budget:
    """The budget this server runs with: ``DOWNHILL_*`` variables, else the defaults."""
    return Budget.from_environ()
