r"""Reading runs against the closed form: races, predictions and steps worked by hand.

Everything here is plain NumPy on engine results, so a learner can check
each number in a notebook. The loss is the mean squared error with a
:math:`1/n` factor plus an optional ridge penalty (see :mod:`core.objective`):

.. math::

    L(w, b) = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2 + \lambda_2 \lVert w \rVert^2,
    \qquad \hat y_i = x_i^\top w + b.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from core.descent import History, Run
from core.objective import stack_theta
from core.ols import Fit
from core.optimizers import RULES, make_optimizer
from core.stability import Spectrum
from core.validation import as_design, integer_in, positive_real


def tolerance_level(loss_history, optimum_loss: float, rel_tol: float) -> float:
    r"""The loss that counts as arrived: :math:`L^* (1 + \text{rel\_tol})`.

    When the optimum loss is zero (a perfect fit), no relative gap exists, so the
    gap is taken relative to the starting loss instead: :math:`\text{rel\_tol}\, L_0`.

    Parameters
    ----------
    loss_history : array_like of shape (epochs_run + 1,)
        Loss per epoch, row 0 the start (as in :class:`core.History`).
    optimum_loss : float
        Loss of the closed-form answer, :math:`L^*`.
    rel_tol : float
        Allowed relative gap, >= 0 (``1e-3`` means within 0.1 % of the optimum).

    Raises
    ------
    ValueError
        For a negative or non-finite ``rel_tol``.
    """
    rel_tol = positive_real("rel_tol", rel_tol, allow_zero=True)
    if optimum_loss > 0:
        return optimum_loss * (1.0 + rel_tol)
    return rel_tol * float(np.asarray(loss_history, dtype=np.float64)[0])


def epochs_to_tolerance(loss_history, optimum_loss: float, rel_tol: float) -> int | None:
    """The first epoch whose loss is at most :func:`tolerance_level`, or None.

    Parameters
    ----------
    loss_history : array_like of shape (epochs_run + 1,)
    optimum_loss : float
    rel_tol : float
        See :func:`tolerance_level`.

    Returns
    -------
    int or None
        The epoch (0 when the start is already close enough); None when no
        recorded epoch gets there.
    """
    losses = np.asarray(loss_history, dtype=np.float64)
    if losses.size == 0:
        return None
    level = tolerance_level(losses, optimum_loss, rel_tol)
    reached = np.flatnonzero(np.isfinite(losses) & (losses <= level))
    return int(reached[0]) if reached.size else None


def epochs_to_stay(loss_history, optimum_loss: float, rel_tol: float) -> int | None:
    """The first epoch from which every recorded loss stays within :func:`tolerance_level`.

    A run can touch the band and leave it again (momentum overshoots, a noisy
    mini-batch run jitters): it has arrived only from the epoch after its last
    visit outside, provided it ends inside. :func:`epochs_to_tolerance` gives the
    first touch, which is never later.

    Parameters
    ----------
    loss_history : array_like of shape (epochs_run + 1,)
    optimum_loss : float
    rel_tol : float
        See :func:`tolerance_level`.

    Returns
    -------
    int or None
        The epoch (0 when every epoch is close enough); None when the last
        recorded loss is outside the band (or not finite), so the run has not stayed.
    """
    losses = np.asarray(loss_history, dtype=np.float64)
    if losses.size == 0:
        return None
    level = tolerance_level(losses, optimum_loss, rel_tol)
    outside = np.flatnonzero(~(np.isfinite(losses) & (losses <= level)))
    if outside.size == 0:
        return 0
    stayed = int(outside[-1]) + 1
    return stayed if stayed < losses.size else None


def distance_to_optimum(run: Run, fit: Fit) -> float:
    r"""Euclidean distance from a run's final parameters to the closed form, in original units.

    .. math:: \lVert (w - w^*, b - b^*) \rVert_2

    The intercept counts only when the run fits one.
    """
    delta = stack_theta(run.coef, run.intercept, run.fit_intercept) - stack_theta(
        fit.coef, fit.intercept, run.fit_intercept
    )
    return float(np.linalg.norm(delta))


def predicted_loss_gap(gap0: float, contraction: float, epochs) -> np.ndarray:
    r"""The loss gap predicted for plain full-batch descent: :math:`g_0\,\rho^{2e}`.

    On a quadratic loss the parameter error shrinks by at most the contraction
    :math:`\rho = \max_i |1 - \eta\lambda_i|` per epoch, so the loss gap
    :math:`L_e - L^*` shrinks by :math:`\rho^2`.

    Parameters
    ----------
    gap0 : float
        Gap at epoch 0, :math:`L_0 - L^*` (>= 0).
    contraction : float
        :math:`\rho`, from :meth:`core.Spectrum.contraction`.
    epochs : array_like of int
        Epochs to predict at.

    Returns
    -------
    ndarray
        Same shape as ``epochs``; ``inf`` where a growing gap overflows, never NaN.
    """
    epochs = np.asarray(epochs, dtype=np.float64)
    if gap0 <= 0:
        return np.zeros_like(epochs)
    with np.errstate(over="ignore"):
        return gap0 * np.power(float(contraction), 2.0 * epochs)


class MomentumSuggestion(NamedTuple):
    r"""A heavy-ball setting and the error shrink per epoch it promises.

    Attributes
    ----------
    beta : float
        Momentum decay :math:`\beta`.
    learning_rate : float
        Step size :math:`\eta`.
    factor : float
        Per-epoch shrink of the parameter error, :math:`\sqrt\beta`
        (the loss gap shrinks by :math:`\beta`).
    """

    beta: float
    learning_rate: float
    factor: float


def momentum_suggestion(spectrum: Spectrum) -> MomentumSuggestion | None:
    r"""The best heavy-ball momentum for a quadratic loss with this spectrum (Polyak, 1964).

    .. math::

        \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad
        \eta^* = \left(\frac{2}{\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}}\right)^2,

    for the rule :math:`v \leftarrow \beta v + g,\ \theta \leftarrow \theta - \eta v`.
    The error then shrinks by :math:`\sqrt{\beta^*} = (\sqrt\kappa-1)/(\sqrt\kappa+1)` per
    epoch, against :math:`(\kappa-1)/(\kappa+1)` for plain descent at its best rate.

    Returns
    -------
    MomentumSuggestion or None
        None when the loss has a flat direction (:math:`\kappa = \infty`) or no
        curvature at all: no setting converges there at a steady rate.
    """
    low, high = spectrum.lambda_min, spectrum.lambda_max
    if not (low > 0 and math.isfinite(spectrum.condition)):
        return None
    root = math.sqrt(spectrum.condition)
    factor = (root - 1.0) / (root + 1.0)
    rate = (2.0 / (math.sqrt(high) + math.sqrt(low))) ** 2
    return MomentumSuggestion(beta=factor**2, learning_rate=rate, factor=factor)


def momentum_beta(spectrum: Spectrum, learning_rate: float) -> float | None:
    r"""The momentum decay that converges fastest at a given learning rate.

    Heavy ball shrinks every direction by :math:`\sqrt\beta` per epoch exactly
    when :math:`(1-\sqrt\beta)^2 \le \eta\lambda_i \le (1+\sqrt\beta)^2` for all
    eigenvalues, so the smallest such decay is

    .. math::

        \beta(\eta) = \max\left(1 - \sqrt{\eta\lambda_{\min}},\
        \sqrt{\eta\lambda_{\max}} - 1,\ 0\right)^2.

    At :math:`\eta = \eta^*` this is :math:`\beta^*` of :func:`momentum_suggestion`.

    Returns
    -------
    float or None
        None when no decay below 1 converges at this rate
        (:math:`\eta\lambda_{\max} \ge 4`, or a flat direction).
    """
    learning_rate = positive_real("learning_rate", learning_rate)
    low, high = spectrum.lambda_min, spectrum.lambda_max
    root = max(1.0 - math.sqrt(learning_rate * low), math.sqrt(learning_rate * high) - 1.0, 0.0)
    if not (low > 0 and root < 1.0):
        return None
    return root**2


def race_winner(epochs_to_tol, final_losses, diverged) -> int | None:
    """Index of the run that wins a race, or None when every run diverged.

    The fewest epochs to the tolerance wins; a tie, or no run reaching it, is
    settled by the lowest final loss. Diverged runs never win.

    Parameters
    ----------
    epochs_to_tol : sequence of int or None
        Per run, the epoch it arrived and stayed, from :func:`epochs_to_stay`
        (None for a run that did not stay within the tolerance).
    final_losses : sequence of float
    diverged : sequence of bool
    """
    contenders = [i for i, blew_up in enumerate(diverged) if not blew_up]
    if not contenders:
        return None

    def rank(i: int) -> tuple[float, float]:
        epochs = epochs_to_tol[i]
        return (math.inf if epochs is None else epochs, final_losses[i])

    return min(contenders, key=rank)


@dataclass(frozen=True)
class WorkedStep:
    r"""One full-batch epoch of an update rule, worked out from the data.

    Vectors over all parameters are ordered :math:`\theta = (w_1, \dots, w_d, b)`
    (no :math:`b` without an intercept).

    Attributes
    ----------
    epoch : int
        The epoch this step makes (1 for the first update).
    coef : ndarray of shape (n_features,)
        Weights before the step, :math:`w`.
    intercept : float
        Intercept before the step, :math:`b` (0 without one).
    predictions : ndarray of shape (n_samples,)
        :math:`\hat y_i = x_i^\top w + b`.
    errors : ndarray of shape (n_samples,)
        :math:`\hat y_i - y_i`.
    error_dot_x : ndarray of shape (n_features,)
        :math:`\sum_i (\hat y_i - y_i) x_{ij}`.
    error_sum : float
        :math:`\sum_i (\hat y_i - y_i)`.
    loss : float
        Loss before the step, :math:`\frac1n\sum_i(\hat y_i - y_i)^2 + \lambda_2\lVert w\rVert^2`.
    grad_coef : ndarray of shape (n_features,)
        :math:`\partial L/\partial w_j = \frac2n\sum_i(\hat y_i - y_i)x_{ij} + 2\lambda_2 w_j`.
    grad_intercept : float
        :math:`\partial L/\partial b = \frac2n\sum_i(\hat y_i - y_i)` (0 without an intercept).
    learning_rate : float
        :math:`\eta` of this epoch.
    new_coef : ndarray of shape (n_features,)
        Weights after the step, :math:`w + \Delta w`.
    new_intercept : float
        Intercept after the step, :math:`b + \Delta b`.
    rule : str
        The update rule ("gd", "momentum", ...).
    hyperparameters : dict
        The rule's hyperparameters (see :data:`core.optimizers.OPTIMIZERS`).
    state_before, state : dict of str to ndarray of shape (n_params,)
        The rule's state as its record names it (:attr:`core.optimizers.Rule.named`)
        before and after the step; empty before the first.
    update : ndarray of shape (n_params,)
        The step :math:`\Delta\theta` the rule makes.
    """

    epoch: int
    coef: np.ndarray
    intercept: float
    predictions: np.ndarray
    errors: np.ndarray
    error_dot_x: np.ndarray
    error_sum: float
    loss: float
    grad_coef: np.ndarray
    grad_intercept: float
    learning_rate: float
    new_coef: np.ndarray
    new_intercept: float
    rule: str = "gd"
    hyperparameters: dict = field(default_factory=dict)
    state_before: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    update: np.ndarray | None = None

    @property
    def gradient(self) -> np.ndarray:
        r""":math:`g = \nabla L(\theta)` over all parameters, shape ``(n_params,)``."""
        return np.append(self.grad_coef, self.grad_intercept)[: self.update.size]


def worked_steps(X, y, run: Run, count: int = 3) -> list[WorkedStep]:
    r"""The first ``count`` epochs of a full-batch run, recomputed row by row.

    Each step starts from the parameters the run recorded, takes the gradient
    straight from the rows (not from the engine's sufficient statistics) and
    applies the run's own rule (:data:`core.optimizers.RULES`) with its
    hyperparameters, carrying its state from step to step, so comparing with the
    run (:func:`worked_steps_discrepancy`) checks the engine's gradients and its
    loop. The loss convention, L2 strength, rule and intercept are the run's own
    (:attr:`Run.settings`), so the steps and the run cannot disagree on them. The
    rules themselves are checked against an independent re-derivation in the tests.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    run : Run
        A full-batch run on ``(X, y)`` on the raw features (not standardized); its
        parameters at epochs ``0 .. count - 1`` and its learning rates are used.
        Under ``loss="mse"`` the data term's gradient is :math:`\frac2n\sum` of the
        errors times the features, under ``"half_mse"`` :math:`\frac1n\sum`.
    count : int
        Steps wanted, >= 1; fewer come back when the run stopped sooner.

    Returns
    -------
    list of WorkedStep
    """
    X, y = as_design(X, y)
    settings, history, fit_intercept = run.settings, run.history, run.fit_intercept
    scale = {"mse": 2.0, "half_mse": 1.0}[settings.loss]
    rule = RULES[settings.optimizer]
    params = {**rule.defaults, **settings.optimizer_kwargs}
    engine = make_optimizer(rule.name, **params)
    count = integer_in("count", count, 1, 10_000)
    l2 = settings.l2
    # A long run keeps a thinned history: its first epochs, one by one, are what is worked.
    one_by_one = np.flatnonzero(history.epoch != np.arange(history.epoch.shape[0]))
    head = int(one_by_one[0]) if one_by_one.size else history.epoch.shape[0]
    d = X.shape[1]
    steps: list[WorkedStep] = []
    kept = engine.init(np.zeros(d + int(fit_intercept)))
    for e in range(min(count, len(history.learning_rate), head - 1)):
        coef = np.asarray(history.coef[e], dtype=np.float64)
        intercept = float(history.intercept[e]) if fit_intercept else 0.0
        rows = _from_rows(X, y, coef, intercept, scale, l2, fit_intercept)
        grad = np.append(rows["grad_coef"], rows["grad_intercept"])[: d + int(fit_intercept)]
        rate = float(history.learning_rate[e])
        step, kept = engine.update(grad, kept, rate)
        steps.append(
            WorkedStep(
                epoch=e + 1,
                **rows,
                learning_rate=rate,
                new_coef=coef + step[:d],
                new_intercept=intercept + float(step[d]) if fit_intercept else 0.0,
                rule=rule.name,
                hyperparameters=params,
                state_before=steps[-1].state if steps else {},
                state=rule.named(kept, params),
                update=step,
            )
        )
    return steps


def _from_rows(X, y, coef, intercept: float, scale: float, l2: float, fit_intercept: bool):
    """The loss and gradient at ``(coef, intercept)`` summed row by row, with their parts.

    Returns
    -------
    dict
        The :class:`WorkedStep` fields from ``coef`` to ``grad_intercept``.
    """
    n = X.shape[0]
    predictions = X @ coef + intercept
    errors = predictions - y
    error_dot_x = errors @ X
    error_sum = float(errors.sum())
    return {
        "coef": coef,
        "intercept": intercept,
        "predictions": predictions,
        "errors": errors,
        "error_dot_x": error_dot_x,
        "error_sum": error_sum,
        "loss": float(scale / 2.0 * np.mean(errors**2) + l2 * coef @ coef),
        "grad_coef": (scale / n) * error_dot_x + 2.0 * l2 * coef,
        "grad_intercept": (scale / n) * error_sum if fit_intercept else 0.0,
    }


def worked_steps_discrepancy(steps: list[WorkedStep], history: History) -> float:
    """Largest relative difference between worked steps and the run's own record.

    Compares the gradients at each step's start and the parameters after it,
    each relative to the size of the quantity compared (at least 1e-300, so a
    zero does not divide).

    Returns
    -------
    float
        0 for no steps; about 1e-15 when the engine and the hand computation agree.
    """
    worst = 0.0
    for step in steps:
        e = step.epoch
        pairs = (
            (step.grad_coef, history.grad_coef[e - 1]),
            (step.grad_intercept, history.grad_intercept[e - 1]),
            (step.new_coef, history.coef[e]),
            (step.new_intercept, history.intercept[e]),
        )
        for mine, theirs in pairs:
            mine, theirs = np.atleast_1d(mine), np.atleast_1d(theirs)
            scale = max(float(np.max(np.abs(theirs), initial=0.0)), 1e-300)
            worst = max(worst, float(np.max(np.abs(mine - theirs), initial=0.0)) / scale)
    return worst
