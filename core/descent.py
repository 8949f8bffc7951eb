"""Gradient descent on the regression loss, recording every epoch in the data's own units.

Full-batch descent never touches the rows after the first pass: the loss is
quadratic, so its gradient comes from the sufficient statistics held in
:class:`~core.objective.QuadraticLoss` at a cost of :math:`O(d^2)` per epoch.
Mini-batch and stochastic descent walk the rows (reshuffled every epoch, or in
file order), and keep a thinned per-step path so their noise can be drawn.

A run that blows up is not an error (the app shows it on purpose), but taking
its coefficients as a fit would be: :func:`descend` then emits a
:class:`DivergenceWarning`, as scikit-learn emits ``ConvergenceWarning``.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.objective import LOSSES, QuadraticLoss, Scaling
from core.optimizers import Optimizer, make_optimizer
from core.schedules import learning_rates
from core.validation import as_design, choice, integer_in, positive_real

#: Why a run stopped.
STOP_REASONS = ("max_epochs", "converged", "diverged")

#: What the tolerance stop compares between epochs: the full-data loss after each
#: epoch, or the running mean of the per-batch losses met during it.
TOL_ON = ("loss", "running")

#: A run counts as diverged once its loss exceeds this multiple of where it began
#: (or of the loss of the all-zero model, whichever is larger).
DIVERGENCE_FACTOR = 1e6

#: The largest epoch budget accepted.
MAX_EPOCHS = 1_000_000


class DivergenceWarning(UserWarning):
    """A run's loss blew up: its final coefficients are the last finite ones, not a fit."""


@dataclass(frozen=True)
class History:
    """Per-epoch record of a run, in the original units of ``X`` and ``y``.

    Row 0 is the starting point; row ``e`` is the state after epoch ``e``.

    Attributes
    ----------
    loss : ndarray of shape (epochs_run + 1,)
        Training loss (see :mod:`core.objective` for the convention).
    coef : ndarray of shape (epochs_run + 1, n_features)
    intercept : ndarray of shape (epochs_run + 1,)
    grad_coef : ndarray of shape (epochs_run + 1, n_features)
        Full-data gradient of the loss with respect to the coefficients.
    grad_intercept : ndarray of shape (epochs_run + 1,)
        Full-data gradient with respect to the intercept (zeros without one).
    learning_rate : ndarray of shape (epochs_run,)
        Rate used during each epoch.
    """

    loss: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    grad_coef: np.ndarray
    grad_intercept: np.ndarray
    learning_rate: np.ndarray


@dataclass(frozen=True)
class StepPath:
    """Thinned per-update path of a mini-batch or stochastic run, in original units.

    Attributes
    ----------
    step : ndarray of shape (k,)
        Number of updates made when each point was taken (0 is the start).
    epoch : ndarray of shape (k,)
        The same as a fraction of epochs.
    coef : ndarray of shape (k, n_features)
    intercept : ndarray of shape (k,)
    loss : ndarray of shape (k,)
        Full-data training loss at each point.
    """

    step: np.ndarray
    epoch: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    loss: np.ndarray


@dataclass(frozen=True)
class Run:
    """The outcome of :func:`descend`: plain arrays, picklable and cacheable.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        Final coefficients in the original units (the last finite ones if the
        run diverged).
    intercept : float
    history : History
    steps : StepPath or None
        Per-update path for mini-batch and stochastic runs; None for full batch.
    stop_reason : {"max_epochs", "converged", "diverged"}
    epochs_run : int
    diverged_at : int or None
        The epoch during which the run blew up.
    scaling : Scaling
        The coordinates the descent ran in (identity unless ``standardize``).
    fit_intercept : bool
    settings : dict
        Every setting of the call, as plain values.
    seconds : float
        Wall time of the descent.
    """

    coef: np.ndarray
    intercept: float
    history: History
    steps: StepPath | None
    stop_reason: str
    epochs_run: int
    diverged_at: int | None
    scaling: Scaling
    fit_intercept: bool
    settings: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def diverged(self) -> bool:
        """True when the run stopped because its loss blew up."""
        return self.stop_reason == "diverged"

    def scaled_history(self) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients and intercepts per epoch in the coordinates the descent ran in."""
        theta = _stack(self.history.coef, self.history.intercept, self.fit_intercept)
        scaled = self.scaling.to_scaled(theta, self.fit_intercept)
        d = self.coef.shape[0]
        intercept = scaled[:, d] if self.fit_intercept else np.zeros(scaled.shape[0])
        return scaled[:, :d], intercept


def descend(
    X,
    y,
    *,
    optimizer: str = "gd",
    learning_rate: float = 0.01,
    epochs: int = 1000,
    batch_size: int | None = None,
    fit_intercept: bool = True,
    standardize: bool = False,
    l2: float = 0.0,
    tol: float | None = None,
    seed: int = 0,
    loss: str = "mse",
    shuffle: bool = True,
    tol_on: str = "loss",
    optimizer_params: dict[str, float] | None = None,
    schedule: str = "constant",
    schedule_params: dict[str, float] | None = None,
    init_coef=None,
    init_intercept: float = 0.0,
    max_path_points: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> Run:
    """Fit ``y ≈ X w + b`` by gradient descent and record the whole path.

    The loss is the mean squared error with a :math:`1/n` factor, or half of it
    (``loss="half_mse"``), plus ``l2 * ||w||²`` (see :mod:`core.objective`),
    always on the original units, whatever coordinates the descent runs in.
    Every argument after ``X, y`` is keyword-only.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    optimizer : str
        Update rule: "gd", "momentum", "nesterov", "adagrad", "rmsprop" or "adam".
    learning_rate : float
        Starting step size, > 0.
    epochs : int
        Epoch budget, 1 to 1,000,000.
    batch_size : int or None
        None for full batch, 1 for stochastic, anything between for mini-batch.
    fit_intercept : bool
        Fit ``b`` too; otherwise ``b = 0``.
    standardize : bool
        Descend on z-scored features; every recorded step is mapped back.
    l2 : float
        Ridge strength, >= 0.
    tol : float or None
        Stop once the quantity ``tol_on`` names changes by less than ``tol`` from
        one epoch to the next.
    seed : int
        Seed of the reshuffling generator.
    loss : {"mse", "half_mse"}
        The loss convention: mean squared error (:math:`1/n`) or half of it
        (:math:`1/(2n)`, whose gradient is ``mean(error * x)``).
    shuffle : bool
        Mini-batch and stochastic runs: reshuffle the rows every epoch (from
        ``seed``), or take them in file order every epoch when False.
    tol_on : {"loss", "running"}
        "loss" compares the full-data loss after each epoch with the one before;
        "running" compares the epoch's mean of the per-batch losses, each taken
        before that batch's update (the stop rule of many tutorials; the first
        epoch has nothing to compare with).
    optimizer_params : dict, optional
        The update rule's hyperparameters (see :data:`core.optimizers.OPTIMIZERS`).
    schedule : str
        Learning-rate schedule (see :data:`core.schedules.SCHEDULES`).
    schedule_params : dict, optional
        The schedule's parameters.
    init_coef : array_like of shape (n_features,), optional
        Starting coefficients (zeros by default), in original units.
    init_intercept : float
        Starting intercept, in original units.
    max_path_points : int
        Most points kept of the per-update path of mini-batch runs.
    progress : callable, optional
        Called as ``progress(epochs_done, epochs)`` about a hundred times a run.

    Returns
    -------
    Run

    Raises
    ------
    ValueError
        For any argument out of range, with the parameter named.

    Warns
    -----
    DivergenceWarning
        When the loss blows up, naming the epoch and its learning rate.
    """
    X, y = as_design(X, y)
    n, d = X.shape
    learning_rate = positive_real("learning_rate", learning_rate)
    epochs = integer_in("epochs", epochs, 1, MAX_EPOCHS)
    if batch_size is not None:
        batch_size = integer_in("batch_size", batch_size, 1, n)
    l2 = positive_real("l2", l2, allow_zero=True)
    if tol is not None:
        tol = positive_real("tol", tol, allow_zero=True)
    seed = integer_in("seed", seed, 0, 2**63 - 1)
    choice("loss", loss, LOSSES)
    choice("tol_on", tol_on, TOL_ON)
    shuffle = _flag("shuffle", shuffle)
    max_path_points = integer_in("max_path_points", max_path_points, 2, 10**6)
    rule = make_optimizer(optimizer, **(optimizer_params or {}))
    rates = learning_rates(schedule, learning_rate, epochs, **(schedule_params or {}))
    theta0 = _initial_theta(init_coef, init_intercept, d, fit_intercept)

    convention = loss
    loss = QuadraticLoss.from_data(X, y, l2=l2, fit_intercept=fit_intercept, convention=loss)
    scaling = Scaling.standardizing(loss) if standardize else Scaling.identity(d)
    problem = _Problem(
        loss=loss.rescaled(scaling),
        rule=rule,
        rates=rates,
        tol=tol,
        tol_on=tol_on,
        theta0=scaling.to_scaled(theta0, fit_intercept),
        progress=progress,
    )
    start = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore"):
        if batch_size is None or batch_size >= n:
            trace = _full_batch(problem)
            path = None
        else:
            Z = scaling.transform(X)
            design = np.column_stack([Z, np.ones(n)]) if fit_intercept else Z
            order = np.random.default_rng(seed) if shuffle else None
            trace, path = _mini_batch(problem, design, y, batch_size, order, max_path_points)
    seconds = time.perf_counter() - start

    history = _history(trace, scaling, loss, rates)
    settings = {
        "optimizer": rule.name,
        "optimizer_params": dict(rule.hyperparameters),
        "learning_rate": learning_rate,
        "epochs": epochs,
        "batch_size": batch_size,
        "fit_intercept": fit_intercept,
        "standardize": standardize,
        "l2": l2,
        "tol": tol,
        "seed": seed,
        "loss": convention,
        "shuffle": shuffle,
        "tol_on": tol_on,
        "schedule": schedule,
        "schedule_params": dict(schedule_params or {}),
        "init_coef": theta0[:d].tolist(),
        "init_intercept": float(init_intercept) if fit_intercept else 0.0,
    }
    if trace.diverged_at is not None:
        warnings.warn(
            f"descend diverged at epoch {trace.diverged_at} (learning rate "
            f"{rates[trace.diverged_at - 1]:g} that epoch): the loss blew up, so coef and "
            "intercept are the last finite values, not a fit. Use a smaller learning_rate; "
            "core.stability(X) gives the largest stable rate of full-batch descent.",
            DivergenceWarning,
            stacklevel=2,
        )
    return Run(
        coef=history.coef[-1].copy(),
        intercept=float(history.intercept[-1]),
        history=history,
        steps=_step_path(path, scaling, problem.loss) if path is not None else None,
        stop_reason=trace.stop_reason,
        epochs_run=len(trace.losses) - 1,
        diverged_at=trace.diverged_at,
        scaling=scaling,
        fit_intercept=fit_intercept,
        settings=settings,
        seconds=seconds,
    )


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {value!r}.")
    return bool(value)


@dataclass
class _Problem:
    """What both descent loops need, in the coordinates they run in."""

    loss: QuadraticLoss
    rule: Optimizer
    rates: np.ndarray
    tol: float | None
    tol_on: str
    theta0: np.ndarray
    progress: Callable[[int, int], None] | None


@dataclass
class _Trace:
    """Per-epoch parameters and losses as the loop produced them (scaled coordinates)."""

    thetas: list[np.ndarray]
    losses: list[float]
    stop_reason: str = "max_epochs"
    diverged_at: int | None = None
    running: float = math.nan


@dataclass
class _Path:
    """Per-update points kept by the mini-batch loop (scaled coordinates)."""

    steps: list[int]
    thetas: list[np.ndarray]
    steps_per_epoch: int


def _initial_theta(init_coef, init_intercept, d: int, fit_intercept: bool) -> np.ndarray:
    coef = np.zeros(d) if init_coef is None else np.asarray(init_coef, dtype=np.float64)
    coef = coef.reshape(-1)
    if coef.shape != (d,) or not np.all(np.isfinite(coef)):
        raise ValueError(f"init_coef must hold {d} finite numbers, one per feature; got {coef}.")
    if not math.isfinite(init_intercept):
        raise ValueError(f"init_intercept must be a finite number; got {init_intercept!r}.")
    return np.append(coef, float(init_intercept)) if fit_intercept else coef


def _divergence_limit(loss: QuadraticLoss, start_loss: float) -> float:
    zero_model_loss = loss.data_factor * (loss.yy + loss.y_mean**2)
    reference = max(start_loss, zero_model_loss)
    return DIVERGENCE_FACTOR * (reference if reference > 0 else 1.0)


def _progress_every(epochs: int) -> int:
    return max(1, epochs // 100)


def _record_epoch(
    problem: _Problem,
    trace: _Trace,
    theta: np.ndarray,
    epoch: int,
    value: float,
    running: float,
) -> bool:
    """Append the state after ``epoch`` (1-based) and its loss; return True to stop the run.

    ``running`` is the epoch's mean of the per-batch losses, for ``tol_on="running"``.
    """
    value = float(value)
    if not (math.isfinite(value) and np.all(np.isfinite(theta))):
        trace.stop_reason, trace.diverged_at = "diverged", epoch
        return True
    previous = trace.losses[-1] if problem.tol_on == "loss" else trace.running
    current = value if problem.tol_on == "loss" else float(running)
    trace.thetas.append(theta)
    trace.losses.append(value)
    trace.running = float(running)
    if value > _divergence_limit(problem.loss, trace.losses[0]):
        trace.stop_reason, trace.diverged_at = "diverged", epoch
        return True
    # Against NaN (the first epoch's running loss has no predecessor) nothing is below tol.
    if problem.tol is not None and abs(current - previous) < problem.tol:
        trace.stop_reason = "converged"
        return True
    if problem.progress is not None and epoch % _progress_every(len(problem.rates)) == 0:
        problem.progress(epoch, len(problem.rates))
    return False


def _start(problem: _Problem) -> _Trace:
    theta = problem.theta0
    return _Trace(thetas=[theta], losses=[float(problem.loss.value(theta))])


def _full_batch(problem: _Problem) -> _Trace:
    """Descent on the exact gradient, O(d²) per epoch from the sufficient statistics."""
    trace = _start(problem)
    theta, state = problem.theta0, problem.rule.init(problem.theta0)
    evaluate, update = problem.loss.value_and_gradient, problem.rule.update
    before, gradient = evaluate(theta)
    for epoch, rate in enumerate(problem.rates, start=1):
        step, state = update(gradient, state, rate)
        theta = theta + step
        # The gradient that steers the next epoch comes with the loss recorded for this one.
        value, gradient = evaluate(theta)
        # With one batch per epoch, the running loss is the loss before the update.
        if _record_epoch(problem, trace, theta, epoch, value, before):
            break
        before = value
    return trace


def _mini_batch(
    problem: _Problem,
    design: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | None,
    max_points: int,
) -> tuple[_Trace, _Path]:
    """Descent on batches of rows; ``design`` carries a ones column with an intercept.

    ``rng`` reshuffles the rows every epoch; None takes them in file order.
    """
    n = design.shape[0]
    steps_per_epoch = math.ceil(n / batch_size)
    stride = max(1, math.ceil(len(problem.rates) * steps_per_epoch / (max_points - 1)))
    # Check for blow-up often enough to stop early, rarely enough to cost nothing.
    check_every = min(stride, 256)
    shrink = problem.loss.l2 * np.append(
        problem.loss.penalty, [0.0] * (design.shape[1] - problem.loss.n_features)
    )
    factor = problem.loss.data_factor
    trace = _start(problem)
    path = _Path(steps=[0], thetas=[problem.theta0], steps_per_epoch=steps_per_epoch)
    theta, state = problem.theta0, problem.rule.init(problem.theta0)
    update, step_count = problem.rule.update, 0
    for epoch, rate in enumerate(problem.rates, start=1):
        if rng is None:
            rows, targets = design, y
        else:
            order = rng.permutation(n)
            rows, targets = design[order], y[order]
        batch_losses = 0.0
        for start in range(0, n, batch_size):
            batch, target = rows[start : start + batch_size], targets[start : start + batch_size]
            error = batch @ theta - target
            if problem.tol_on == "running":
                batch_losses += factor * float(error @ error) / batch.shape[0] + float(
                    shrink @ (theta * theta)
                )
            grad = (2.0 * factor / batch.shape[0]) * (error @ batch) + 2.0 * shrink * theta
            step, state = update(grad, state, rate)
            theta = theta + step
            step_count += 1
            if step_count % check_every == 0 and not np.all(np.isfinite(theta)):
                break
            if step_count % stride == 0:
                path.steps.append(step_count)
                path.thetas.append(theta)
        if path.steps[-1] != step_count and np.all(np.isfinite(theta)):
            path.steps.append(step_count)
            path.thetas.append(theta)
        running = batch_losses / steps_per_epoch
        if _record_epoch(problem, trace, theta, epoch, problem.loss.value(theta), running):
            break
    return trace, path


def _stack(coef: np.ndarray, intercept: np.ndarray, fit_intercept: bool) -> np.ndarray:
    return np.column_stack([coef, intercept]) if fit_intercept else np.asarray(coef)


def _split(theta: np.ndarray, d: int, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    intercept = theta[:, d].copy() if fit_intercept else np.zeros(theta.shape[0])
    return theta[:, :d].copy(), intercept


def _history(trace: _Trace, scaling: Scaling, loss: QuadraticLoss, rates: np.ndarray) -> History:
    d = loss.n_features
    original = scaling.to_original(np.array(trace.thetas), loss.fit_intercept)
    grad = loss.gradient(original)
    coef, intercept = _split(original, d, loss.fit_intercept)
    grad_coef, grad_intercept = _split(grad, d, loss.fit_intercept)
    return History(
        loss=np.array(trace.losses),
        coef=coef,
        intercept=intercept,
        grad_coef=grad_coef,
        grad_intercept=grad_intercept,
        learning_rate=rates[: len(trace.losses) - 1].copy(),
    )


def _step_path(path: _Path, scaling: Scaling, loss: QuadraticLoss) -> StepPath:
    """The kept per-update points, finite ones only, mapped back to original units."""
    thetas = np.array(path.thetas)
    values = loss.value(thetas)
    finite = np.isfinite(values) & np.all(np.isfinite(thetas), axis=1)
    original = scaling.to_original(thetas[finite], loss.fit_intercept)
    coef, intercept = _split(original, loss.n_features, loss.fit_intercept)
    steps = np.array(path.steps)[finite]
    return StepPath(
        step=steps,
        epoch=steps / path.steps_per_epoch,
        coef=coef,
        intercept=intercept,
        loss=values[finite],
    )
