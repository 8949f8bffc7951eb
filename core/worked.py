r"""Steps worked by hand: the first epochs of a run recomputed row by row, with every number.

Each :class:`WorkedStep` holds what a learner writes down for one step of
full-batch descent: predictions, errors, the gradient's sums, the loss, the
rule's state and update. :func:`worked_steps` recomputes them from the rows
(not from the engine's sufficient statistics) with the run's own rule, and
:func:`worked_steps_discrepancy` compares them with the run's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.descent import History, Run
from core.optimizers import RULES, make_optimizer
from core.validation import as_design, integer_in


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
