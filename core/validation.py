"""Checks at the engine's public entry points, with messages a person can act on.

Inner code trusts its inputs; every public function that takes user data or
settings calls these first. Each message names the parameter, what is allowed
and the value received.
"""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np

#: Largest magnitude accepted in X or y: squares and sums of squares of larger
#: values overflow float64, so the squared-error loss could not be computed.
MAX_ABS_VALUE = 1e150


def as_design(X, y) -> tuple[np.ndarray, np.ndarray]:
    """Return ``X`` as a float64 ``(n_samples, n_features)`` array and ``y`` as ``(n_samples,)``.

    A one-dimensional ``X`` is read as a single feature.

    Raises
    ------
    ValueError
        When the shapes disagree, there are no rows or no features, a value is
        missing or infinite, or a value is too large to square.
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise ValueError(f"X must be a table of shape (n_samples, n_features); got {X.ndim} dims.")
    if y.ndim != 1:
        y = y.reshape(-1) if y.ndim == 2 and 1 in y.shape else y
    if y.ndim != 1:
        raise ValueError(f"y must be one column of targets; got shape {y.shape}.")
    if X.shape[0] != y.shape[0]:
        raise ValueError(
            f"X has {X.shape[0]} rows but y has {y.shape[0]}; give one target per row."
        )
    if X.shape[0] < 2:
        raise ValueError(f"Need at least 2 rows to fit a line; got {X.shape[0]}.")
    if X.shape[1] < 1:
        raise ValueError("Need at least one feature column in X; got none.")
    _check_values("X", X)
    _check_values("y", y)
    return X, y


def _check_values(name: str, values: np.ndarray) -> None:
    """ValueError when ``values`` holds a missing, infinite or too large number."""
    # min and max propagate NaN, so two reductions check both conditions without a copy.
    low, high = float(values.min()), float(values.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        raise ValueError(
            f"{name} contains missing or infinite values; drop or fill those rows first."
        )
    if max(-low, high) > MAX_ABS_VALUE:
        raise ValueError(
            f"{name} has values beyond ±{MAX_ABS_VALUE:.0e}: their squares overflow, so the "
            "squared-error loss cannot be computed. Rescale the column (for example divide "
            "it by a power of ten)."
        )


def positive_real(name: str, value, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float after checking it is finite and positive (or zero)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}; got {value!r}.")
    return float(value)


def _bound(value: float) -> str:
    """A range end as people read it: ``2,000,000`` or ``0.5``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def real_in(name: str, value, low: float, high: float, *, closed_high: bool = False) -> float:
    """Return ``value`` as a float after checking ``low <= value < high`` (or ``<= high``)."""
    bracket = "]" if closed_high else ")"
    numeric = isinstance(value, Real) and not isinstance(value, bool)
    inside = numeric and (low <= value <= high if closed_high else low <= value < high)
    if not inside:
        raise ValueError(
            f"{name} must be a number in [{_bound(low)}, {_bound(high)}{bracket}; got {value!r}."
        )
    return float(value)


def integer_in(name: str, value, low: int, high: int | None = None) -> int:
    """Return ``value`` as an int after checking ``low <= value <= high`` (no upper end: None)."""
    allowed = f"in [{_bound(low)}, {_bound(high)}]" if high is not None else f">= {low}"
    whole = isinstance(value, Integral) and not isinstance(value, bool)
    if not whole or value < low or (high is not None and value > high):
        raise ValueError(f"{name} must be an integer {allowed}; got {value!r}.")
    return int(value)


def choice(name: str, value, allowed) -> str:
    """Return ``value`` after checking it is one of ``allowed``."""
    if value not in allowed:
        options = ", ".join(repr(option) for option in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}.")
    return value


def declared_once(declarations) -> dict:
    """``{key: declaration}`` from ``(owner, key, declaration)`` triples, in order.

    One key is one setting and one link parameter, so every owner (update rule,
    schedule) that uses a key must declare it alike.

    Raises
    ------
    ValueError
        When two owners declare one key differently.
    """
    found: dict = {}
    for owner, key, declaration in declarations:
        if found.setdefault(key, declaration) != declaration:
            raise ValueError(
                f"{owner} declares {key!r} unlike one before it; declare it alike or rename it."
            )
    return found
