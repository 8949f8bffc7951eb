r"""The Learn page's lessons: update rules and worked steps as LaTeX, and the runs they need.

The text builders are pure (they return strings and DataFrames); the one
cached call, :func:`ridge`, solves the closed form for the L2 slider.
Loss convention everywhere: :math:`L = \frac1n\sum_i(\hat y_i - y_i)^2 + \lambda_2\lVert w\rVert^2`.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from core import (
    Fit,
    QuadraticLoss,
    Run,
    Spectrum,
    Stability,
    Surface,
    grid_around,
    loss_surface,
    ols,
)
from core.analysis import WorkedStep, epochs_to_tolerance, momentum_beta, momentum_suggestion
from core.geometry import hessian_slice, level_set_extent, most_elongated_pair
from core.geometry import planes as planes
from ui import compute
from ui.race import stop_below
from ui.settings import SCHEDULE_LABELS, SCHEMA, RunSettings, nearest_rate
from ui.specs import ProblemKey

#: The factor before the gradient's sum, per loss convention (over n).
GRADIENT_FACTORS = {"mse": "2", "half_mse": "1"}


def loss_latex(convention: str) -> str:
    """The loss as the page states it, in the chosen convention."""
    denominator = "n" if convention == "mse" else "2n"
    return (
        rf"L(w, b) = \frac{{1}}{{{denominator}}}\sum_{{i=1}}^{{n}}\left(\hat y_i - y_i\right)^2"
        r" + \lambda_2 \sum_j w_j^2, \qquad \hat y_i = \sum_j w_j x_{ij} + b"
    )


#: Each update rule with :math:`g_t = \nabla L(\theta_t)`, as :mod:`core.optimizers` runs it.
UPDATE_RULES = {
    "gd": r"\theta_{t+1} = \theta_t - \eta\, g_t",
    "momentum": r"v_{t+1} = \beta\, v_t + g_t, \qquad \theta_{t+1} = \theta_t - \eta\, v_{t+1}",
    "nesterov": (
        r"v_{t+1} = \beta\, v_t + g_t, \qquad "
        r"\theta_{t+1} = \theta_t - \eta\,\left(\beta\, v_{t+1} + g_t\right)"
    ),
    "adagrad": (
        r"G_{t+1} = G_t + g_t^2, \qquad "
        r"\theta_{t+1} = \theta_t - \frac{\eta\, g_t}{\sqrt{G_{t+1}} + \epsilon}"
    ),
    "rmsprop": (
        r"s_{t+1} = \rho\, s_t + (1-\rho)\, g_t^2, \qquad "
        r"\theta_{t+1} = \theta_t - \frac{\eta\, g_t}{\sqrt{s_{t+1}} + \epsilon}"
    ),
    "adam": (
        r"m_{t+1} = \beta_1 m_t + (1-\beta_1) g_t,\quad "
        r"v_{t+1} = \beta_2 v_t + (1-\beta_2) g_t^2,\quad "
        r"\theta_{t+1} = \theta_t - \eta\,\frac{m_{t+1}/(1-\beta_1^{t+1})}"
        r"{\sqrt{v_{t+1}/(1-\beta_2^{t+1})} + \epsilon}"
    ),
}

#: LaTeX symbol of each hyperparameter key.
SYMBOLS = {"beta": r"\beta", "beta1": r"\beta_1", "beta2": r"\beta_2", "rho": r"\rho"}

#: Rows of the data shown in a worked step (the sums always run over every row).
SHOWN_ROWS = 5

#: Relative gap to the optimum loss that counts as arrived in the standardization lesson.
ARRIVED = 1e-6

#: Share of the highest path point's contour that a map spans (see :func:`surface_around`).
CONTOUR_SHARE = 0.6


def tex(x: float, digits: int = 6) -> str:
    """A number for LaTeX: ``digits`` significant digits, powers of ten written out, ∞."""
    if math.isinf(x):
        return r"\infty" if x > 0 else r"-\infty"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa}\times 10^{{{int(exponent)}}}"
    return text


def factor(x: float) -> str:
    """:func:`tex` in parentheses when negative, to stand after a sign or a product."""
    return f"({tex(x)})" if x < 0 else tex(x)


def rule_values(settings: RunSettings) -> str:
    """LaTeX of the run's rate and hyperparameters: ``\\eta = 0.05,\\ \\beta = 0.9``.

    With a schedule the rate is the starting one, :math:`\\eta_0`, and the schedule is named.
    """
    schedule = settings.schedule
    eta = r"\eta" if schedule == "constant" else r"\eta_0"
    parts = [rf"{eta} = {tex(settings.learning_rate)}"]
    parts += [rf"{SYMBOLS[k]} = {tex(v)}" for k, v in settings.optimizer_params if k in SYMBOLS]
    if schedule != "constant":
        parts.append(rf"\text{{{SCHEDULE_LABELS[schedule].lower()} schedule}}")
    return r",\quad ".join(parts)


def plain_settings(settings: RunSettings, **changes: Any) -> RunSettings:
    """The run's settings turned into plain full-batch gradient descent, plus ``changes``."""
    plain = {"optimizer": "gd", "optimizer_params": (), "batch_size": None, "tol": None}
    return replace(settings, **{**plain, **changes})


def _weights(d: int) -> list[str]:
    """``w`` for one feature, ``w_1 … w_d`` for several."""
    return ["w"] if d == 1 else [f"w_{{{j}}}" for j in range(1, d + 1)]


def _x(j: int, d: int) -> str:
    """Feature ``j`` of row ``i``: ``x_i`` for one feature, ``x_{i1} …`` for several."""
    return "x_i" if d == 1 else f"x_{{i{j + 1}}}"


def prediction_latex(step: WorkedStep, fit_intercept: bool) -> str:
    """The prediction formula with this step's parameters filled in."""
    d = step.coef.size
    symbolic = " + ".join(f"{w}\\,{_x(j, d)}" for j, w in enumerate(_weights(d)))
    filled = " + ".join(f"{factor(c)}\\,{_x(j, d)}" for j, c in enumerate(step.coef))
    if fit_intercept:
        symbolic += " + b"
        filled += f" + {factor(step.intercept)}"
    return rf"\hat y_i = {symbolic} = {filled}"


def rows_table(step: WorkedStep, X: np.ndarray, y: np.ndarray, names: list[str]) -> pd.DataFrame:
    """The first rows of a step: features, target, prediction, error and error × feature."""
    shown = min(SHOWN_ROWS, len(y))
    data: dict[str, Any] = {"i": np.arange(1, shown + 1)}
    for j, name in enumerate(names):
        data[name] = X[:shown, j]
    data["y"] = y[:shown]
    data["ŷ"] = step.predictions[:shown]
    data["ŷ − y"] = step.errors[:shown]
    for j, name in enumerate(names):
        data[f"(ŷ − y)·{name}"] = step.errors[:shown] * X[:shown, j]
    return pd.DataFrame(data).set_index("i")


def gradient_latex(
    step: WorkedStep, n: int, fit_intercept: bool, l2: float, convention: str = "mse"
) -> list[str]:
    r"""One line per partial derivative, :math:`\frac2n\sum(\hat y-y)x_j` worked out.

    Under the ½·MSE convention the factor is :math:`\frac1n`.
    """
    d = step.coef.size
    k = GRADIENT_FACTORS[convention]
    lines = []
    for j, w in enumerate(_weights(d)):
        line = (
            rf"\frac{{\partial L}}{{\partial {w}}} = \frac{{{k}}}{{n}}\sum_{{i=1}}^{{n}}"
            rf"(\hat y_i - y_i)\,{_x(j, d)}"
        )
        worked = rf"\frac{{{k}}}{{{n}}}\cdot {factor(step.error_dot_x[j])}"
        if l2 > 0:
            line += rf" + 2\lambda_2 {w}"
            worked += rf" + 2\cdot {tex(l2)}\cdot {factor(step.coef[j])}"
        lines.append(rf"{line} = {worked} = {tex(step.grad_coef[j])}")
    if fit_intercept:
        lines.append(
            rf"\frac{{\partial L}}{{\partial b}} = \frac{{{k}}}{{n}}"
            r"\sum_{i=1}^{n}(\hat y_i - y_i)"
            rf" = \frac{{{k}}}{{{n}}}\cdot {factor(step.error_sum)} = {tex(step.grad_intercept)}"
        )
    return lines


def update_latex(step: WorkedStep, fit_intercept: bool) -> list[str]:
    """One line per parameter: old − η·gradient = new."""
    eta = tex(step.learning_rate)
    lines = [
        rf"{w} \leftarrow {w} - \eta\,\frac{{\partial L}}{{\partial {w}}} = {tex(old)} - "
        rf"{eta}\cdot {factor(grad)} = {tex(new)}"
        for w, old, grad, new in zip(
            _weights(step.coef.size), step.coef, step.grad_coef, step.new_coef, strict=True
        )
    ]
    if fit_intercept:
        lines.append(
            rf"b \leftarrow b - \eta\,\frac{{\partial L}}{{\partial b}} = {tex(step.intercept)} - "
            rf"{eta}\cdot {factor(step.grad_intercept)} = {tex(step.new_intercept)}"
        )
    return lines


def describe(value: float) -> str:
    """A number for prose: three significant digits, or "∞"."""
    return "∞" if math.isinf(value) else f"{value:.3g}"


def momentum_setting(spectrum: Spectrum) -> tuple[float, float] | None:
    """The heavy-ball setting to put in the sidebar: ``(beta, learning_rate)``, or None.

    The rate is a stop of the learning-rate control at or below η* (above it
    heavy ball loses its guarantee), and β is re-tuned to that rate with
    :func:`core.analysis.momentum_beta`, capped at the largest β the sidebar offers.
    """
    best = momentum_suggestion(spectrum)
    if best is None:
        return None
    rate = nearest_rate(best.learning_rate)
    if rate > best.learning_rate:
        rate = stop_below(best.learning_rate)
    beta = momentum_beta(spectrum, rate)
    if beta is None:
        return None
    return min(round(beta, 4), SCHEMA["beta"].high), rate


def ridge(problem_key: ProblemKey, raw: bytes | None, l2: float) -> tuple[Fit, Spectrum]:
    """Closed form and spectrum of the sidebar's problem with L2 strength ``l2`` instead."""
    return _ridge(problem_key, raw, float(l2))


@st.cache_data(max_entries=32, show_spinner="Solving with the penalty…")
def _ridge(problem_key: ProblemKey, _raw: bytes | None, l2: float) -> tuple[Fit, Spectrum]:
    prob = compute.problem(problem_key, _raw)
    fit = ols(prob.X, prob.y, fit_intercept=prob.loss.fit_intercept, l2=l2)
    return fit, Spectrum.of(replace(prob.loss, l2=l2))


#: The Learn page's default plane: the most elongated pair of parameters.
steepest_valley = most_elongated_pair


def surface_around(
    loss: QuadraticLoss, axes: tuple[int, int], points: np.ndarray, at: np.ndarray, n: int = 60
) -> Surface:
    """The loss over parameters ``axes`` on a grid spanning ``points (k, n_params)`` and the bowl.

    Every other parameter is held at ``at`` (the bottom of ``loss``). The grid
    covers the points and most of the contour of the slice through the highest
    of them, so the bowl keeps its shape even when the points lie on a line.
    """
    at = np.asarray(at, dtype=np.float64)
    shown = list(axes)
    cover = [points[:, shown]]
    on_slice = np.repeat(at[None, :], len(points), axis=0)
    on_slice[:, shown] = points[:, shown]
    rise = float(np.max(loss.value(on_slice) - loss.value(at), initial=0.0))
    extent = level_set_extent(hessian_slice(loss, axes), rise) if rise > 0 else None
    if extent is not None:
        # Most of the contour through the highest point is enough to show the shape;
        # all of it would shrink the paths of a narrow valley to a dot.
        half = CONTOUR_SHARE * extent
        cover.append(at[list(axes)] + np.array([-half, half]))
    cover = np.vstack(cover)
    return loss_surface(loss, axes, grid_around(cover[:, 0], n), grid_around(cover[:, 1], n), at)


def _cell(value, short: bool) -> str:
    """Table text: blank for None, text as is, numbers to 3 (``short``) or 6 digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return describe(value) if short else f"{value:.6g}"


def standardization_table(
    runs: dict[str, tuple[float, Run]],
    stability: Stability,
    fit: Fit,
    names: list[str],
) -> pd.DataFrame:
    """Raw beside standardized after the same epochs: κ, rate, final loss and parameters.

    Parameters
    ----------
    runs : dict
        ``{"raw": (rate, run), "standardized": (rate, run)}``.
    stability : Stability
    fit : Fit
        The closed form, in the last column.
    names : list of str
        Names of every parameter (see :func:`charts.labels.parameter_names`).

    Returns
    -------
    DataFrame
        Text cells; the standardized run is shown in z units and mapped back to
        the data's units.
    """
    (raw_rate, raw), (std_rate, std) = runs["raw"], runs["standardized"]
    fit_intercept = raw.fit_intercept
    d = raw.coef.size

    def theta(coef, intercept) -> list[float]:
        return [*coef, intercept][: d + fit_intercept]

    z_coef, z_intercept = std.scaled_history()

    def arrival(run: Run) -> str:
        epochs = epochs_to_tolerance(run.history.loss, fit.loss, ARRIVED)
        return "not within the budget" if epochs is None else f"{epochs:,}"

    columns = {
        "raw features": [raw_rate, stability.raw.condition, arrival(raw), raw.history.loss[-1]],
        "standardized, z units": [std_rate, stability.standardized.condition, None, None],
        "standardized, mapped back": [None, None, arrival(std), std.history.loss[-1]],
        "closed form": [None, None, None, fit.loss],
    }
    columns["raw features"] += theta(raw.coef, raw.intercept)
    columns["standardized, z units"] += theta(z_coef[-1], z_intercept[-1])
    columns["standardized, mapped back"] += theta(std.coef, std.intercept)
    columns["closed form"] += theta(fit.coef, fit.intercept)
    index = [
        "learning rate η",
        "condition number κ",
        "epochs to arrive",
        "final loss",
        *names,
    ]
    cells = {name: [_cell(v, i < 2) for i, v in enumerate(vs)] for name, vs in columns.items()}
    return pd.DataFrame(cells, index=index)
