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
from core.advice import safe_rate
from core.analysis import epochs_to_stay, momentum_beta, momentum_suggestion
from core.data import Table
from core.geometry import (
    equal_scale,
    hessian_slice,
    level_set_extent,
    most_elongated_pair,
    units_differ,
)
from core.geometry import planes as planes
from core.latex import factor, tex
from core.optimizers import RULES, Worked
from core.schedules import REGISTRY as SCHEDULES
from core.settings import Settings
from core.verdict import Verdict, rule_limit
from core.worked import WorkedStep
from ui import compute
from ui.settings import LEARNING_RATES, SCHEMA
from ui.specs import ProblemKey
from ui.store import cached
from ui.text import md_name

#: The factor before the gradient's sum, per loss convention (over n).
GRADIENT_FACTORS = {"mse": "2", "half_mse": "1"}


def loss_latex(convention: str) -> str:
    """The loss as the page states it, in the chosen convention."""
    denominator = "n" if convention == "mse" else "2n"
    return (
        rf"L(w, b) = \frac{{1}}{{{denominator}}}\sum_{{i=1}}^{{n}}\left(\hat y_i - y_i\right)^2"
        r" + \lambda_2 \sum_j w_j^2, \qquad \hat y_i = \sum_j w_j x_{ij} + b"
    )


#: Rows of the data shown in a worked step (the sums always run over every row).
SHOWN_ROWS = 5

#: Relative gap to the optimum loss that counts as arrived in the standardization lesson.
ARRIVED = 1e-6

#: Share of the highest path point's contour that a map spans (see :func:`surface_around`).
CONTOUR_SHARE = 0.6


def rule_values(settings: Settings) -> str:
    """LaTeX of the run's rate and hyperparameters: ``\\eta = 0.05,\\ \\beta = 0.9``.

    With a schedule the rate is the starting one, :math:`\\eta_0`, and the schedule is named
    with its formula and its parameters' values.
    """
    schedule = settings.schedule
    eta = r"\eta" if schedule == "constant" else r"\eta_0"
    parts = [rf"{eta} = {tex(settings.learning_rate)}"]
    symbols = {h.name: h.symbol for h in RULES[settings.optimizer].controls}
    parts += [rf"{symbols[k]} = {tex(v)}" for k, v in settings.optimizer_params if k in symbols]
    text = r",\quad ".join(parts)
    if schedule == "constant":
        return text
    # The schedule on a line of its own: its formula, then its parameters' values.
    shown, values = SCHEDULES[schedule], dict(settings.schedule_params)
    lines = [rf"\text{{{shown.label.lower()} schedule: }}{shown.latex}"]
    lines += [rf"{p.symbol} = {tex(values.get(p.name, p.default))}" for p in shown.parameters]
    second = r",\quad ".join(lines)
    return rf"\begin{{gathered}}{text} \\ {second}\end{{gathered}}"


def plain_settings(settings: Settings, **changes: Any) -> Settings:
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


def _names(step: WorkedStep, fit_intercept: bool) -> list[str]:
    r"""LaTeX names of every parameter of a step, :math:`w_1 \dots w_d, b`."""
    return _weights(step.coef.size) + (["b"] if fit_intercept else [])


def _rule_lines(step: WorkedStep, k: int, p: str) -> list[str]:
    """Parameter ``k`` (LaTeX name ``p``): the rule's state lines, then old → new."""
    after = {key: float(value[k]) for key, value in step.state.items()}
    before = {key: float(step.state_before[key][k]) if key in step.state_before else 0.0
              for key in after}  # fmt: skip
    worked = Worked(
        p=p,
        g=float(step.gradient[k]),
        old=float(np.append(step.coef, step.intercept)[k]),
        new=float(np.append(step.new_coef, step.new_intercept)[k]),
        rate=step.learning_rate,
        t=step.epoch,
        h=step.hyperparameters,
        before=before,
        after=after,
    )
    return RULES[step.rule].lines(worked)


def update_heading(step: WorkedStep) -> str:
    """The words above a step's update lines: the rule, the rate and what it keeps."""
    eta = f"η = {step.learning_rate:g}"
    rule = RULES[step.rule]
    if not rule.kept:
        return f"**Update** with {eta}: old − η · gradient = new"
    return (
        f"**{rule.title} update** (step t = {step.epoch}) with {eta}, writing "
        f"gₚ = ∂L/∂p for each parameter p: first {' and '.join(rule.kept)}, then the parameter"
    )


def update_latex(step: WorkedStep, fit_intercept: bool) -> list[str]:
    r"""The step's update, parameter by parameter, as the step's rule makes it.

    Plain descent: one line per parameter, old − η·gradient = new. Other rules
    first update their state (:attr:`core.optimizers.Rule.named`) from the gradient
    :math:`g_p = \partial L/\partial p`, then move the parameter with it; each rule's
    record writes its own lines (:attr:`core.optimizers.Rule.lines`).
    """
    return [
        line for k, p in enumerate(_names(step, fit_intercept)) for line in _rule_lines(step, k, p)
    ]


def per_epoch(contraction: float) -> str:
    """What one epoch of plain descent does to the distance to the optimum: ``"shrinks ×0.5"``."""
    if contraction < 1:
        return f"shrinks ×{describe(contraction)}"
    if contraction > 1:
        return f"grows ×{describe(contraction)}"
    return "stays ×1"


def contraction_sentence(spectrum: Spectrum, rate: float) -> str:
    """How fast plain full-batch descent at ``rate`` closes (or opens) the gap, in epochs."""
    rho = spectrum.contraction(rate)
    if rho > 1:
        return (
            f"At η = {rate:g}, ηλmax = {rate * spectrum.lambda_max:.3g} > 2: the distance to the "
            f"optimum grows ×{describe(rho)} per epoch and the loss gap ×{describe(rho**2)}."
        )
    if rho == 1:
        return (
            f"At η = {rate:g} the steepest direction swings back and forth without shrinking "
            "(ρ = 1), so the loss gap never closes."
        )
    epochs = spectrum.epochs_to_shrink(rate, 1e3)
    return (
        f"The slowest direction shrinks by ρ = max |1 − ηλᵢ| = {rho:.4g} per epoch, so the "
        f"loss gap L − L* shrinks by ρ² = {rho**2:.4g}: a thousandfold in about "
        f"**{math.ceil(epochs):,} epochs**."
    )


def gap_text(run_verdict: Verdict, gap: float) -> str:
    """The final loss gap of a lesson's run, or that it diverged, as its verdict says."""
    if run_verdict.outcome == "diverged":
        return f"unbounded (the run diverged at epoch {run_verdict.diverged_at:,})"
    if run_verdict.outcome == "diverging":
        return f"{describe(max(gap, 0.0))} and growing (the run is diverging)"
    return describe(max(gap, 0.0))


def near_one(x: float) -> str:
    """A factor just below 1 with enough digits to show it is not 1 (0.99999966, not 1)."""
    if 0 < 1 - x < 1e-4:
        return f"{x:.{math.ceil(-math.log10(1 - x)) + 2}f}"
    return f"{x:.4g}"


def describe(value: float) -> str:
    """A number for prose: three significant digits, or "∞"."""
    return "∞" if math.isinf(value) else f"{value:.3g}"


def momentum_setting(spectrum: Spectrum) -> tuple[float, float] | None:
    """The heavy-ball setting to put in the sidebar: ``(beta, learning_rate)``, or None.

    The rate is :func:`core.advice.safe_rate` with η* as its target (above η*
    heavy ball loses its guarantee) and heavy ball's limit at β*, and β is
    re-tuned to that rate with :func:`core.analysis.momentum_beta`, capped at
    the largest β the sidebar offers.
    """
    best = momentum_suggestion(spectrum)
    if best is None:
        return None
    limit = rule_limit(spectrum, "momentum", {"beta": best.beta}).rate
    rate = safe_rate(best.learning_rate, limit, LEARNING_RATES)
    beta = None if rate is None else momentum_beta(spectrum, rate)
    if beta is None:
        return None
    return min(round(beta, 4), SCHEMA["beta"].high), rate


#: How the standardization lesson picks each side's rate, in words.
LESSON_RATE_RULE = (
    "A safe rate is the largest stop of the rate control at most 2/(λmin+λmax) and below "
    "2/λmax; where no stop is that small, 2/(λmin+λmax) itself."
)


def lesson_rate(spectrum: Spectrum) -> float:
    """The rate the standardization lesson runs plain descent at, on data with ``spectrum``.

    :func:`core.advice.safe_rate` (see :data:`LESSON_RATE_RULE`); when no stop of the
    control is that small (engel's raw limit is below the lowest), the best constant
    rate itself, or half the limit when a flat direction puts that on the limit.
    """
    rate = safe_rate(spectrum.best_lr, rule_limit(spectrum, "gd").rate, LEARNING_RATES)
    if rate is not None:
        return rate
    return spectrum.best_lr if np.isfinite(spectrum.condition) else spectrum.max_stable_lr / 2


def ridge(problem_key: ProblemKey, upload: Table | None, l2: float) -> tuple[Fit, Spectrum]:
    """Closed form and spectrum of the sidebar's problem with L2 strength ``l2`` instead."""
    return _ridge(problem_key, upload, float(l2))


@cached("Solving with the penalty…")
def _ridge(problem_key: ProblemKey, _upload: Table | None, l2: float) -> tuple[Fit, Spectrum]:
    prob = compute.problem(problem_key, _upload)
    fit = ols(prob.X, prob.y, fit_intercept=prob.loss.fit_intercept, l2=l2)
    return fit, Spectrum.of(replace(prob.loss, l2=l2))


#: The Learn page's default plane: the most elongated pair of parameters.
steepest_valley = most_elongated_pair


def surface_around(
    loss: QuadraticLoss,
    axes: tuple[int, int],
    points: np.ndarray,
    at: np.ndarray,
    aspect: float,
    n: int = 60,
) -> Surface:
    """The loss over parameters ``axes`` on a grid spanning ``points (k, n_params)`` and the bowl.

    Every other parameter is held at ``at`` (the bottom of ``loss``). The grid
    covers the points and most of the contour of the slice through the highest
    of them, so the bowl keeps its shape even when the points lie on a line,
    and is then widened along one axis (:func:`core.geometry.equal_scale`) so a
    map ``aspect`` = height/width shows both parameters at one length per unit.
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
    u, v = grid_around(cover[:, 0], n), grid_around(cover[:, 1], n)
    scale = equal_scale((u[0], u[-1]), (v[0], v[-1]), aspect)
    return loss_surface(
        loss, axes, np.linspace(*scale.x_range, n), np.linspace(*scale.y_range, n), at
    )


def equal_scale_note(shown: list[str], target: str, axes: tuple[int, int], d: int) -> str:
    """The caption under the raw and standardized maps: equal scale, and what it compares.

    Standardized, every parameter is in the target's units (a weight per standard
    deviation of its feature), so equal lengths are equal amounts. On the raw
    features they are when :func:`core.geometry.units_differ` says nothing differs.
    The parameter and target names are shown as typed, long ones shortened
    (:func:`ui.text.md_name`).
    """
    first, second = (md_name(name) for name in shown[:2])
    target = md_name(target)
    text = (
        "Both maps use one length per unit on both axes, so a round bowl looks round and a "
        "narrow valley narrow."
    )
    if units_differ(axes, d):
        text += (
            f" On the raw map {first} and {second} need not share a unit (a weight is in "
            f"{target} per unit of its feature, the intercept in {target}), so its shape "
            "compares numbers, not like with like"
        )
        text += (
            f"; standardized, every parameter is in units of {target}, so that map's shape "
            "is the bowl's own."
        )
    return text


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
        epochs = epochs_to_stay(run.history.loss, fit.loss, ARRIVED)
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
