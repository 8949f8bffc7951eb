"""Named example datasets, each chosen to show one behaviour of gradient descent.

The keys are stable identifiers used in URLs; change a description freely, never a key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from core.data.dataset import Dataset, from_columns
from core.data.generators import generate

DEFAULT_PRESET = "clear_bowl"

#: Correlation between the two features of ``correlated``; the loss valley's long axis
#: is :math:`\sqrt{(1+\rho)/(1-\rho)} \approx 8` times its short one.
CORRELATION = 0.97


def _clear_bowl() -> Dataset:
    # With x uniform on [-1, 1] the MSE Hessian 2·[[mean x², mean x], [mean x, 1]] has
    # eigenvalues near 2/3 and 2 (condition number ~3): plain descent at learning rate
    # 0.1 reaches the least-squares answer to 1e-9 in 300 epochs, and to 1e-3 in about
    # 200 epochs at 0.05, with standardisation off.
    return generate(n_rows=100, coef=(2.0,), intercept=1.0, noise=0.25, x_range=(-1.0, 1.0))


def _tutorial_5_points() -> Dataset:
    x = np.arange(1.0, 6.0)
    y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])
    return from_columns("", "", x[:, np.newaxis], y)


def _badly_scaled() -> Dataset:
    return generate(
        n_rows=400, coef=(3.5,), intercept=10.0, noise=25.0, x_range=(0.0, 100.0), seed=42
    )


def _three_features() -> Dataset:
    return generate(
        n_rows=1000,
        n_features=3,
        coef=(1.5, 3.8, 4.7),
        intercept=8.9,
        noise=1.0,
        x_range=(0.0, 1.0),
        seed=3,
    )


def _correlated() -> Dataset:
    rng = np.random.default_rng(7)
    x1 = rng.standard_normal(200)
    x2 = CORRELATION * x1 + math.sqrt(1.0 - CORRELATION**2) * rng.standard_normal(200)
    coef = np.array([1.0, 2.0])
    X = np.column_stack([x1, x2])
    y = X @ coef + 3.0 + rng.normal(0.0, 0.5, size=200)
    return from_columns("", "", X, y, true_coef=coef, true_intercept=3.0)


class _Preset(NamedTuple):
    name: str
    description: str
    build: Callable[[], Dataset]


_PRESETS = {
    "clear_bowl": _Preset(
        "Clear bowl",
        "100 points near y = 2x + 1, x in [-1, 1]: a round bowl that plain descent "
        "crosses in a few hundred steps.",
        _clear_bowl,
    ),
    "tutorial_5_points": _Preset(
        "Five points",
        "The classic tutorial example: x = 1…5, y = 2, 4, 5, 4, 5 (best line y = 0.6x + 2.2).",
        _tutorial_5_points,
    ),
    "badly_scaled": _Preset(
        "Badly scaled",
        "400 points of y = 3.5x + 10 + N(0, 25²), x in [0, 100]: the slope's scale dwarfs "
        "the intercept's, so unscaled descent crawls.",
        _badly_scaled,
    ),
    "three_features": _Preset(
        "Three features",
        "1,000 rows of y = 1.5x1 + 3.8x2 + 4.7x3 + 8.9 + N(0, 1), each x uniform in [0, 1].",
        _three_features,
    ),
    "correlated": _Preset(
        "Correlated features",
        f"200 rows of y = x1 + 2x2 + 3 + N(0, 0.5²), x1 and x2 standard normal with "
        f"correlation {CORRELATION}: a long, narrow valley.",
        _correlated,
    ),
}

#: Preset key -> one-line description, in menu order (the default first).
PRESETS: dict[str, str] = {key: spec.description for key, spec in _PRESETS.items()}


def preset(key: str) -> Dataset:
    """Build the example dataset named ``key``.

    Parameters
    ----------
    key : str
        One of :data:`PRESETS`.

    Returns
    -------
    Dataset
        The same data on every call.

    Raises
    ------
    ValueError
        If ``key`` is not a preset.
    """
    spec = _PRESETS.get(key)
    if spec is None:
        raise ValueError(f"Unknown preset {key!r}; choose one of: {', '.join(PRESETS)}.")
    return replace(spec.build(), name=spec.name, description=spec.description)
