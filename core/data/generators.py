"""Synthetic regression data with a known answer, from a handful of knobs and a seed."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.data.dataset import Dataset, from_columns
from core.data.limits import MAX_ROWS, MIN_ROWS
from core.validation import integer_in, real_in

#: Most features a generated table may have; more would not fit on a chart anyway.
MAX_GENERATED_FEATURES = 20

#: Bound on coefficients, intercept, noise and x values, so that y and the squared
#: losses computed from it stay far from float64 overflow.
MAX_MAGNITUDE = 1e6

MAX_OUTLIER_FRACTION = 0.5

#: Outliers are moved by this many standard deviations of the clean target (a random
#: size in the range, a random direction), far enough to stand out on a chart.
OUTLIER_SHIFT = (5.0, 10.0)


def generate(
    n_rows: int = 100,
    n_features: int = 1,
    coef: Sequence[float] = (2.0,),
    intercept: float = 1.0,
    noise: float = 1.0,
    x_range: tuple[float, float] = (0.0, 10.0),
    outlier_fraction: float = 0.0,
    seed: int = 0,
) -> Dataset:
    r"""Draw data from a known line (or plane) plus Gaussian noise.

    .. math:: y_i = \sum_j w_j x_{ij} + b + \varepsilon_i, \qquad
              x_{ij} \sim U(\text{low}, \text{high}), \quad \varepsilon_i \sim N(0, \sigma^2)

    Then ``round(outlier_fraction * n_rows)`` rows, chosen at random, have their
    target moved up or down by 5 to 10 standard deviations of the clean target.

    Parameters
    ----------
    n_rows : int, default 100
        Number of rows, in [3, MAX_ROWS].
    n_features : int, default 1
        Number of feature columns, in [1, 20]; named ``x`` for one feature,
        ``x1, x2, ...`` otherwise. The target is ``y``.
    coef : sequence of float, default (2.0,)
        True coefficients :math:`w`, one per feature, each in [-1e6, 1e6].
    intercept : float, default 1.0
        True intercept :math:`b`, in [-1e6, 1e6].
    noise : float, default 1.0
        Standard deviation :math:`\sigma` of the noise, in [0, 1e6].
    x_range : (float, float), default (0.0, 10.0)
        Features are uniform on ``[low, high)``; ``low < high``, both in [-1e6, 1e6].
    outlier_fraction : float, default 0.0
        Share of rows turned into outliers, in [0, 0.5].
    seed : int, default 0
        Seed for ``np.random.default_rng``; the same arguments give the same data.

    Returns
    -------
    Dataset
        With ``true_coef``, ``true_intercept`` and ``outlier_rows`` filled in.

    Raises
    ------
    ValueError
        If an argument is outside its range; the message names the parameter, the
        allowed range and the value received.
    """
    integer_in("n_rows", n_rows, MIN_ROWS, MAX_ROWS)
    integer_in("n_features", n_features, 1, MAX_GENERATED_FEATURES)
    _check_coef(coef, n_features)
    real_in("intercept", intercept, -MAX_MAGNITUDE, MAX_MAGNITUDE, closed_high=True)
    real_in("noise", noise, 0.0, MAX_MAGNITUDE, closed_high=True)
    low, high = _checked_x_range(x_range)
    real_in("outlier_fraction", outlier_fraction, 0.0, MAX_OUTLIER_FRACTION, closed_high=True)
    integer_in("seed", seed, 0)

    rng = np.random.default_rng(seed)
    w = np.asarray(coef, dtype=np.float64)
    X = rng.uniform(low, high, size=(n_rows, n_features))
    clean = X @ w + intercept
    y = clean + rng.normal(0.0, noise, size=n_rows)
    outlier_rows = np.sort(rng.choice(n_rows, size=round(outlier_fraction * n_rows), replace=False))
    spread = math.hypot(noise, float(np.std(clean))) or 1.0
    shifts = rng.uniform(*OUTLIER_SHIFT, size=outlier_rows.size) * spread
    y[outlier_rows] += rng.choice([-1.0, 1.0], size=outlier_rows.size) * shifts

    features = "x" if n_features == 1 else ", ".join(f"x{j + 1}" for j in range(n_features))
    description = (
        f"{n_rows:,} rows of {_formula(w, intercept)} + N(0, {noise:g}²), "
        f"{features} uniform in [{low:g}, {high:g}]"
        + (f", {outlier_rows.size:,} outliers" if outlier_rows.size else "")
    )
    return from_columns(
        "Generated data",
        description,
        X,
        y,
        true_coef=w,
        true_intercept=float(intercept),
        outlier_rows=outlier_rows,
    )


def _check_coef(coef, n_features: int) -> None:
    """ValueError unless ``coef`` is a sequence of ``n_features`` numbers in range."""
    if not _is_sequence(coef):
        raise ValueError(
            f"coef must be a sequence of numbers, one per feature (n_features={n_features}); "
            f"got {coef!r}."
        )
    if len(coef) != n_features:
        raise ValueError(
            f"coef must have one value per feature (n_features={n_features}); "
            f"got {len(coef)}: {list(coef)!r}."
        )
    for j, value in enumerate(coef):
        real_in(f"coef[{j}]", value, -MAX_MAGNITUDE, MAX_MAGNITUDE, closed_high=True)


def _checked_x_range(x_range) -> tuple[float, float]:
    """``(low, high)`` once ``x_range`` is a pair of numbers in range with ``low < high``."""
    if not _is_sequence(x_range) or len(x_range) != 2:
        raise ValueError(f"x_range must be a pair (low, high); got {x_range!r}.")
    low, high = x_range
    real_in("x_range low", low, -MAX_MAGNITUDE, MAX_MAGNITUDE, closed_high=True)
    real_in("x_range high", high, -MAX_MAGNITUDE, MAX_MAGNITUDE, closed_high=True)
    if not low < high:
        raise ValueError(f"x_range must have low < high; got {x_range!r}.")
    return low, high


def _formula(coef: np.ndarray, intercept: float) -> str:
    """Write ``y = 2x + 1`` or ``y = 1.5x1 - 3x2 + 8.9``."""
    names = ["x"] if coef.size == 1 else [f"x{j + 1}" for j in range(coef.size)]
    formula = " + ".join(f"{c:g}{name}" for c, name in zip(coef, names, strict=True))
    return f"y = {formula} + {intercept:g}".replace("+ -", "- ")


def _is_sequence(value: object) -> bool:
    return isinstance(value, Sequence | np.ndarray) and not isinstance(value, str | bytes)
