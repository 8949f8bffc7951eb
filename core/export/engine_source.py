"""The engine's own update rules and schedules, as source text a reproducing script copies.

The script's rules and schedules are not a second copy kept by hand: they are read
from :mod:`core.optimizers` and :mod:`core.schedules` with :func:`inspect.getsource`,
so a rule or schedule added there reaches the script (or, if it cannot be read this
way, the export refuses it and the tests say so).
"""

from __future__ import annotations

import functools
import inspect
import re

from core import optimizers
from core.optimizers import Optimizer
from core.schedules import REGISTRY as SCHEDULE_REGISTRY
from core.schedules import Schedule


@functools.cache
def rule_source(name: str) -> str:
    """The source of the rule ``name``: :class:`Optimizer`, the states it uses, its factory."""
    source = inspect.getsource(optimizers.RULES[name].make)
    states = [cls for cls in _state_classes() if re.search(rf"\b{cls.__name__}\b", source)]
    parts = [inspect.getsource(Optimizer), *map(inspect.getsource, states), source]
    return "\n\n\n".join(part.strip("\n") for part in parts)


def rule_factory_name(name: str) -> str:
    """The name of the function in :mod:`core.optimizers` that makes the rule ``name``."""
    return optimizers.RULES[name].make.__name__


def known_schedule(name: str) -> Schedule:
    """The schedule ``name`` from the registry, or a ValueError when there is none."""
    if name not in SCHEDULE_REGISTRY:
        raise ValueError(f"no reproduction is written for the schedule {name!r}.")
    return SCHEDULE_REGISTRY[name]


@functools.cache
def schedule_source(name: str) -> str:
    """The source of the schedule ``name``'s function in :mod:`core.schedules`."""
    return inspect.getsource(SCHEDULE_REGISTRY[name].rates).strip("\n")


def _state_classes() -> list[type]:
    """The NamedTuple states of :mod:`core.optimizers`, in the order they are defined."""
    classes = [
        value
        for value in vars(optimizers).values()
        if isinstance(value, type)
        and issubclass(value, tuple)
        and hasattr(value, "_fields")
        and value.__module__ == optimizers.__name__
        and value is not Optimizer
    ]
    return sorted(classes, key=lambda cls: inspect.getsourcelines(cls)[1])
