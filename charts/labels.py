"""Words for parameters, counts and values, as people read them on a chart."""

from __future__ import annotations

import math

_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

#: How each loss convention is named on an axis.
LOSS_NAMES = {"mse": "MSE", "half_mse": "½·MSE"}


def parameter_names(feature_names: list[str], fit_intercept: bool) -> list[str]:
    """Names of ``theta = (w_1, ..., w_d, b)`` in words.

    One feature gives ``"w (income)"``; several give ``"w₁ (AIRFLOW)"``,
    ``"w₂ (WATER)"``, ...; the intercept is ``"b (intercept)"``.

    Parameters
    ----------
    feature_names : list of str
        One name per column of ``X``.
    fit_intercept : bool
        Whether ``theta`` ends with the intercept.

    Returns
    -------
    list of str
        ``len(feature_names) + fit_intercept`` names.
    """
    if len(feature_names) == 1:
        names = [f"w ({feature_names[0]})"]
    else:
        names = [
            f"w{str(i).translate(_SUBSCRIPTS)} ({name})" for i, name in enumerate(feature_names, 1)
        ]
    return [*names, "b (intercept)"] if fit_intercept else names


def loss_title(l2: float, convention: str = "mse") -> str:
    """Axis title of the loss in its convention: ``"loss (½·MSE + L2 penalty)"``."""
    penalty = " + L2 penalty" if l2 > 0 else ""
    return f"loss ({LOSS_NAMES[convention]}{penalty})"


def gap_title(l2: float, convention: str = "mse") -> str:
    """Axis title of the gap to the optimum on a log axis: ``"L − L*, ½·MSE + L2 (log)"``.

    Short enough to stand beside a small chart's plot (the heading says the rest).
    """
    penalty = " + L2" if l2 > 0 else ""
    return f"L − L*, {LOSS_NAMES[convention]}{penalty} (log)"


def count(n: int) -> str:
    """An integer with thousands separators: ``100000`` -> ``"100,000"``."""
    return f"{n:,}"


def value(x: float) -> str:
    """A number to three significant digits, or ``"∞"``."""
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return f"{x:.3g}"


def showing(shown: int, total: int) -> str:
    """``"showing 2,000 of 100,000 rows"`` when rows were thinned, else ``""``."""
    return f"showing {count(shown)} of {count(total)} rows" if shown < total else ""


def joined(*parts: str) -> str:
    """Non-empty ``parts`` joined with a middle dot."""
    return " · ".join(part for part in parts if part)
