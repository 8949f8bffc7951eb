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
from dataclasses import dataclass, field, replace

import numpy as np

from core.objective import QuadraticLoss, Scaling, split_theta, stack_theta
from core.optimizers import Optimizer, make_optimizer
from core.schedules import learning_rates
from core.settings import MAX_EPOCHS, Settings
from core.validation import as_design, integer_in, positive_real

#: Why a run stopped.
STOP_REASONS = ("max_epochs", "converged", "diverged")

#: A run counts as diverged once its loss exceeds this multiple of where it began
#: (or of the loss of the all-zero model, whichever is larger).
DIVERGENCE_FACTOR = 1e6

#: Most epochs whose parameters a run keeps (every epoch's loss and rate are kept):
#: what the views draw, not what the run computed. Runs of fewer epochs keep all.
MAX_HISTORY_POINTS = 2001
#: Of those, the first epochs kept one by one (the fast early drop, worked steps).
HISTORY_HEAD = 256


class DivergenceWarning(UserWarning):
    """A run's loss blew up: its final coefficients are the last finite ones, not a fit."""


@dataclass(frozen=True)
class History:
    """Record of a run, in the original units of ``X`` and ``y``.

    The loss and the rate are kept for every epoch (``loss[e]`` is the loss after
    epoch ``e``, 0 being the start). The parameters and gradients are kept at the
    epochs :attr:`epoch` lists: every epoch of a run of up to
    ``max_history_points - 1`` epochs, else the first :data:`HISTORY_HEAD`, an
    even spread of the rest and the last (see :func:`kept_epochs`), so memory
    grows with what the views draw, not with the epochs run.

    Attributes
    ----------
    loss : ndarray of shape (epochs_run + 1,)
        Training loss (see :mod:`core.objective` for the convention).
    coef : ndarray of shape (m, n_features)
        Coefficients after each epoch of :attr:`epoch`.
    intercept : ndarray of shape (m,)
    grad_coef : ndarray of shape (m, n_features)
        Full-data gradient of the loss with respect to the coefficients.
    grad_intercept : ndarray of shape (m,)
        Full-data gradient with respect to the intercept (zeros without one).
    learning_rate : ndarray of shape (epochs_run,)
        Rate used during each epoch.
    epoch : ndarray of int, shape (m,)
        The epochs whose parameters are kept, ascending, from 0 to ``epochs_run``.
    """

    loss: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    grad_coef: np.ndarray
    grad_intercept: np.ndarray
    learning_rate: np.ndarray
    epoch: np.ndarray

    @property
    def every_epoch(self) -> bool:
        """True when the parameters of every epoch are kept (row ``e`` is epoch ``e``)."""
        return self.epoch.shape[0] == self.loss.shape[0]

    def rows(self, epochs) -> np.ndarray:
        """The rows of :attr:`coef` (and the others) holding ``epochs``, each a kept one.

        Raises
        ------
        KeyError
            For an epoch whose parameters were not kept.
        """
        epochs = np.asarray(epochs, dtype=np.int64)
        rows = np.searchsorted(self.epoch, epochs)
        inside = rows < self.epoch.shape[0]
        if not np.all(inside) or not np.array_equal(self.epoch[rows], epochs):
            missing = epochs[
                ~inside | (self.epoch[np.minimum(rows, len(self.epoch) - 1)] != epochs)
            ]
            raise KeyError(f"the parameters of epoch {int(missing[0])} were not kept")
        return rows

    def kept_upto(self, last: int) -> np.ndarray:
        """The rows of the kept epochs up to and including ``last``."""
        return np.arange(int(np.searchsorted(self.epoch, last, side="right")))


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
    settings : Settings
        Every setting of the run, checked, with every default filled in.
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
    settings: Settings = field(default_factory=Settings)
    seconds: float = 0.0

    @property
    def diverged(self) -> bool:
        """True when the run stopped because its loss blew up."""
        return self.stop_reason == "diverged"

    def scaled_history(self) -> tuple[np.ndarray, np.ndarray]:
        """Coefficients and intercepts per epoch in the coordinates the descent ran in."""
        theta = stack_theta(self.history.coef, self.history.intercept, self.fit_intercept)
        scaled = self.scaling.to_scaled(theta, self.fit_intercept)
        return split_theta(scaled, self.coef.shape[0], self.fit_intercept)


def descend(
    X,
    y,
    settings: Settings | None = None,
    *,
    max_path_points: int = 2000,
    max_history_points: int = MAX_HISTORY_POINTS,
    progress: Callable[[int, int], None] | None = None,
    **overrides,
) -> Run:
    """Fit ``y ≈ X w + b`` by gradient descent and record the whole path.

    The loss is the mean squared error with a :math:`1/n` factor, or half of it
    (``loss="half_mse"``), plus ``l2 * ||w||²`` (see :mod:`core.objective`),
    always on the original units, whatever coordinates the descent runs in.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    settings : Settings, optional
        Every setting of the run (:class:`core.settings.Settings`, whose defaults
        apply when it is left out).
    max_path_points : int
        Most points kept of the per-update path of mini-batch runs.
    max_history_points : int
        Most epochs whose parameters and gradients the history keeps (see
        :class:`History`); every epoch's loss is kept whatever it is.
    progress : callable, optional
        Called as ``progress(epochs_done, epochs)`` about a hundred times a run.
    **overrides
        Fields of :class:`~core.settings.Settings` to change, by name
        (``descend(X, y, optimizer="adam", learning_rate=0.05)``).

    Returns
    -------
    Run
        Its :attr:`Run.settings` are the checked settings, every default filled in.

    Raises
    ------
    ValueError
        For any setting out of range, with the setting named.
    TypeError
        For a keyword that is not a setting.

    Warns
    -----
    DivergenceWarning
        When the loss blows up, naming the epoch and its learning rate.
    """
    settings = (settings or Settings()).replace(**overrides)
    setup = prepare(
        X,
        y,
        settings,
        [settings.learning_rate],
        max_path_points=max_path_points,
        max_history_points=max_history_points,
    )
    (run,) = setup.runs(progress)
    if run.diverged_at is not None:
        rate = setup.rates[0, run.diverged_at - 1]
        warnings.warn(
            f"descend diverged at epoch {run.diverged_at} (learning rate {rate:g} that epoch): "
            "the loss blew up, so coef and intercept are the last finite values, not a fit. "
            "Use a smaller learning_rate; core.stability(X) gives the largest stable rate of "
            "full-batch descent.",
            DivergenceWarning,
            stacklevel=2,
        )
    return run


@dataclass(frozen=True)
class Setup:
    """Checked data and settings with their sufficient statistics, for one or more rates.

    Built by :func:`prepare`; :func:`descend` runs one rate, :func:`core.sweep.sweep`
    many, through the same loops and the same records.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    loss : QuadraticLoss
        The loss in the data's own units.
    scaling : Scaling
        The coordinates the descent runs in.
    rule : Optimizer
    rates : ndarray of shape (n_rates, epochs)
        Every run's learning rate of every epoch.
    theta0 : ndarray of shape (n_params,)
        The start, in the data's own units.
    settings : Settings
        The checked settings as :attr:`Run.settings` records them (each run with
        its own ``learning_rate``).
    max_path_points : int
    kept : ndarray of int
        The epochs whose parameters every run keeps (see :func:`kept_epochs`).
    starting_rates : tuple of float
        Every run's starting rate :math:`\\eta_0` (a schedule may start lower, as a warm-up does).
    """

    X: np.ndarray
    y: np.ndarray
    loss: QuadraticLoss
    scaling: Scaling
    rule: Optimizer
    rates: np.ndarray
    theta0: np.ndarray
    settings: Settings
    max_path_points: int
    kept: np.ndarray
    starting_rates: tuple[float, ...]

    @property
    def full_batch(self) -> bool:
        """True when every epoch is one step on the whole data."""
        return self.settings.full_batch(self.X.shape[0])

    def runs(self, progress: Callable[[int, int], None] | None = None) -> list[Run]:
        """One :class:`Run` per row of :attr:`rates`.

        Full batch runs every rate at once, the states of all runs stacked in one
        ``(n_rates, n_params)`` array; mini-batch runs them one after another.
        """
        scaled = self.loss.rescaled(self.scaling)
        problem = _Problem(
            loss=scaled,
            rule=self.rule,
            rates=self.rates,
            tol=self.settings.tol,
            tol_on=self.settings.tol_on,
            theta0=self.scaling.to_scaled(self.theta0, self.loss.fit_intercept),
            progress=progress,
            kept=self.kept,
        )
        start = time.perf_counter()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if self.full_batch:
                records = _full_batch(problem)
                paths = [None] * len(self.rates)
            else:
                records, paths = self._mini_batches(problem)
            seconds = (time.perf_counter() - start) / len(self.rates)
            kept = [records.kept_states(k) for k in range(len(self.rates))]
            # Every run's kept states in the data's units, with their gradients, in one pass.
            original = self.scaling.to_original(
                np.concatenate([states for _, states in kept]), self.loss.fit_intercept
            )
            gradients = self.loss.gradient(original)
            starts = np.cumsum([0] + [len(epochs) for epochs, _ in kept])
            return [
                self._run(
                    k,
                    records,
                    _Kept(epochs, original[start:end], gradients[start:end]),
                    paths[k],
                    scaled,
                    seconds,
                )
                for k, ((epochs, _), start, end) in enumerate(
                    zip(kept, starts[:-1], starts[1:], strict=True)
                )
            ]

    def _mini_batches(self, problem: _Problem) -> tuple[_Records, list[_Path]]:
        Z = self.scaling.transform(self.X)
        design = np.column_stack([Z, np.ones(len(self.y))]) if self.loss.fit_intercept else Z
        settings = self.settings
        records, paths = [], []
        for k in range(len(self.rates)):
            rng = np.random.default_rng(settings.seed) if settings.shuffle else None
            one = replace(problem, rates=problem.rates[k : k + 1])
            record, path = _mini_batch(
                one, design, self.y, settings.batch_size, rng, self.max_path_points
            )
            records.append(record)
            paths.append(path)
        return _Records.joined(records), paths

    def _run(
        self,
        k: int,
        records: _Records,
        kept: _Kept,
        path: _Path | None,
        scaled: QuadraticLoss,
        seconds: float,
    ) -> Run:
        epochs_run = int(records.epochs_run[k])
        d, fit_intercept = self.loss.n_features, self.loss.fit_intercept
        coef, intercept = _split(kept.states, d, fit_intercept)
        grad_coef, grad_intercept = _split(kept.gradients, d, fit_intercept)
        history = History(
            loss=records.values[: epochs_run + 1, k].copy(),
            coef=coef,
            intercept=intercept,
            grad_coef=grad_coef,
            grad_intercept=grad_intercept,
            learning_rate=self.rates[k, :epochs_run].copy(),
            epoch=kept.epochs,
        )
        diverged_at = int(records.diverged_at[k])
        return Run(
            coef=coef[-1].copy(),
            intercept=float(intercept[-1]),
            history=history,
            steps=_step_path(path, self.scaling, scaled) if path is not None else None,
            stop_reason=STOP_REASONS[records.stop[k]],
            epochs_run=epochs_run,
            diverged_at=diverged_at if diverged_at > 0 else None,
            scaling=self.scaling,
            fit_intercept=fit_intercept,
            settings=self.settings.starting_at(self.starting_rates[k]),
            seconds=seconds,
        )


def prepare(
    X,
    y,
    settings: Settings,
    starting_rates,
    *,
    max_path_points: int = 2000,
    max_history_points: int = MAX_HISTORY_POINTS,
) -> Setup:
    """Check the data and ``settings`` once and take the statistics once.

    ``starting_rates`` are the runs' starting learning rates (each > 0); the
    rest are :func:`descend`'s arguments.
    """
    X, y = as_design(X, y)
    n, d = X.shape
    rates = [positive_real("learning_rate", rate) for rate in starting_rates]
    checked = settings.replace(learning_rate=rates[0] if rates else 1.0).checked(n, d)
    max_path_points = integer_in("max_path_points", max_path_points, 2, 10**6)
    max_history_points = integer_in("max_history_points", max_history_points, 2, MAX_EPOCHS + 1)
    rule = make_optimizer(checked.optimizer, **checked.optimizer_kwargs)
    schedule = checked.schedule_kwargs
    every_epoch = np.array(
        [learning_rates(checked.schedule, rate, checked.epochs, **schedule) for rate in rates]
    )
    theta0 = stack_theta(checked.coef_start(d), checked.init_intercept, checked.fit_intercept)
    statistics = QuadraticLoss.from_data(
        X, y, l2=checked.l2, fit_intercept=checked.fit_intercept, convention=checked.loss
    )
    scaling = Scaling.standardizing(statistics) if checked.standardize else Scaling.identity(d)
    kept = kept_epochs(checked.epochs, max_history_points)
    return Setup(
        X,
        y,
        statistics,
        scaling,
        rule,
        every_epoch,
        theta0,
        checked,
        max_path_points,
        kept,
        tuple(rates),
    )


def kept_epochs(epochs: int, most: int = MAX_HISTORY_POINTS) -> np.ndarray:
    """The epochs of a run of ``epochs`` whose parameters its history keeps, about ``most``.

    Every epoch when ``epochs + 1 <= most``; else the first :data:`HISTORY_HEAD`
    (or a quarter of ``most``, if less), then an even spread to ``epochs``. A run
    that stops early keeps those up to its stop, and its last epoch too.

    Returns
    -------
    ndarray of int
        Ascending and unique, from 0 to ``epochs``.
    """
    if epochs + 1 <= most:
        return np.arange(epochs + 1)
    head = min(HISTORY_HEAD, most // 4)
    spread = np.rint(np.linspace(head, epochs, most - head)).astype(np.int64)
    return np.union1d(np.arange(head), spread)


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
    kept: np.ndarray


@dataclass(frozen=True)
class _Kept:
    """One run's kept epochs, its states at them in the data's units and their gradients."""

    epochs: np.ndarray
    states: np.ndarray
    gradients: np.ndarray


@dataclass
class _Path:
    """Per-update points kept by the mini-batch loop (scaled coordinates)."""

    steps: list[int]
    thetas: list[np.ndarray]
    steps_per_epoch: int


class _Records:
    """Per-epoch states and losses of runs made in lockstep, and the rules that stop each.

    Row ``e`` of :attr:`values` is the loss after epoch ``e``; row ``i`` of
    :attr:`thetas` the state after epoch ``kept[i]`` (only those epochs' states are
    stored, and :attr:`last` holds each run's newest). A run's rows past its
    :attr:`epochs_run` are scratch. The loops hand over blocks
    of epochs of the runs still going (:attr:`going`), and :meth:`add` tells which
    of those go on. Checking a block at once rather than every epoch is what keeps
    the per-epoch cost of full-batch descent down to a few small products; the
    stops are exactly those of checking epoch by epoch.

    A run stops, at the first epoch where one holds, in this order:

    - its state or loss is not finite: diverged, that epoch not kept;
    - its loss exceeds :data:`DIVERGENCE_FACTOR` times the larger of the starting
      loss and the loss of the all-zero model: diverged, that epoch kept;
    - ``tol`` is set and the quantity ``tol_on`` names moved by less than ``tol``
      since the epoch before: converged.
    """

    def __init__(self, problem: _Problem) -> None:
        k, epochs = problem.rates.shape
        self.kept = problem.kept
        self.thetas = np.empty((len(self.kept), k, problem.theta0.shape[-1]))
        self.values = np.empty((epochs + 1, k))
        self.thetas[0] = problem.theta0
        # Each run's newest state: its last epoch, kept even when off the kept epochs.
        self.last = np.tile(problem.theta0, (k, 1))
        start = float(problem.loss.value(problem.theta0))
        self.values[0] = start
        zero_model_loss = problem.loss.data_factor * (problem.loss.yy + problem.loss.y_mean**2)
        reference = max(start, zero_model_loss)
        self.limit = DIVERGENCE_FACTOR * (reference if reference > 0 else 1.0)
        self.loss, self.tol, self.tol_on = problem.loss, problem.tol, problem.tol_on
        self.progress, self.epochs = problem.progress, epochs
        self.every = max(1, epochs // 100)
        self.going = np.arange(k)
        self.epoch = 0
        self.epochs_run = np.full(k, epochs)
        self.stop = np.zeros(k, dtype=np.intp)  # index into STOP_REASONS
        self.diverged_at = np.zeros(k, dtype=np.intp)  # 0: never
        # The running loss of the epoch before; the first epoch has none to compare with.
        self.running = np.full(k, np.nan)

    def kept_states(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Run ``k``'s kept epochs up to its last, with its states at them (scaled coordinates)."""
        last = int(self.epochs_run[k])
        upto = int(np.searchsorted(self.kept, last, side="right"))
        epochs, states = self.kept[:upto], self.thetas[:upto, k]
        if epochs[-1] != last:
            epochs = np.append(epochs, last)
            states = np.vstack([states, self.last[k]])
        return epochs.copy(), states

    @classmethod
    def joined(cls, parts: list[_Records]) -> _Records:
        """Records of single runs made one after another, as if made together."""
        joined = parts[0]
        for name in ("thetas", "values"):
            setattr(joined, name, np.concatenate([getattr(r, name) for r in parts], axis=1))
        for name in ("last", "epochs_run", "stop", "diverged_at"):
            setattr(joined, name, np.concatenate([getattr(r, name) for r in parts]))
        return joined

    def add(self, thetas: np.ndarray, running: np.ndarray | None = None) -> np.ndarray:
        """Keep the next ``m`` epochs of the runs going and stop those that must.

        Parameters
        ----------
        thetas : ndarray of shape (m, n_going, n_params)
            States after each of the next ``m`` epochs.
        running : ndarray of shape (m, n_going), optional
            Each epoch's mean of its per-batch losses; for full batch (None) it is
            the loss before the epoch's one update.

        Returns
        -------
        ndarray of bool, shape (n_going,)
            Which of the runs go on.
        """
        m, going, first = thetas.shape[0], self.going, self.epoch
        values = self.loss.value(thetas)
        low, high = np.searchsorted(self.kept, [first + 1, first + m + 1])
        self.thetas[low:high, going] = thetas[self.kept[low:high] - first - 1]
        self.values[first + 1 : first + m + 1, going] = values
        # A sum is finite only if every term is (or a total past 1e308 that a finite loss
        # cannot reach), and a matrix product sums a short axis faster than a reduction.
        finite = np.isfinite(values) & np.isfinite(thetas @ np.ones(thetas.shape[-1]))
        events = ~finite | (values > self.limit)
        if self.tol is not None:
            if self.tol_on == "loss":
                series = self.values[first : first + m + 1, going]
            else:
                if running is None:
                    running = self.values[first : first + m, going]
                series = np.concatenate([self.running[going][None], running])
                self.running[going] = series[-1]
            # NaN (no running loss before the first epoch) is never below tol.
            events |= np.abs(np.diff(series, axis=0)) < self.tol
        stopped = np.any(events, axis=0)
        ends = np.full(len(going), first + m)
        last = first + m
        if np.any(stopped):
            at = np.argmax(events[:, stopped], axis=0)
            rows = going[stopped]
            blew_up = ~finite[at, stopped]
            epoch = first + 1 + at
            diverged = blew_up | (values[at, stopped] > self.limit)
            self.epochs_run[rows] = np.where(blew_up, epoch - 1, epoch)
            ends[stopped] = self.epochs_run[rows]
            self.stop[rows] = np.where(diverged, _DIVERGED, _CONVERGED)
            self.diverged_at[rows] = np.where(diverged, epoch, 0)
            if np.all(stopped):
                last = int(np.max(epoch))
        # Each run's newest state (none in this block for a run that blew up at its start).
        inside = ends > first
        self.last[going[inside]] = thetas[ends[inside] - first - 1, np.flatnonzero(inside)]
        if self.progress is not None:
            for done in range((first // self.every + 1) * self.every, last + 1, self.every):
                self.progress(done, self.epochs)
        self.going = going[~stopped]
        self.epoch += m
        return ~stopped


def _select(state, keep: np.ndarray):
    """The optimizer state of the runs in ``keep`` (array fields are per run)."""
    return type(state)(*(f[keep] if isinstance(f, np.ndarray) else f for f in state))


def _gradient_map(loss: QuadraticLoss) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Matrices that give the gradient of ``theta`` rows as ``(theta @ K + k) @ Q``.

    The first product yields :math:`2f(S_{xx}w - s_{xy}) + 2\lambda_2 p\odot w` and
    the offset :math:`c = \bar x^\top w + b - \bar y`; the second adds
    :math:`2fc\,\bar x` and the intercept's :math:`2fc`. Keeping the two apart keeps
    the centred statistics' digits: their product is the uncentred Hessian, whose
    entries cancel badly when a column has a large offset.
    """
    d, p, f = loss.n_features, loss.n_params, loss.data_factor
    K = np.zeros((p, d + 1))
    K[:d, :d] = 2.0 * f * loss.xx + 2.0 * loss.l2 * np.diag(loss.penalty)
    K[:d, d] = loss.x_mean
    if loss.fit_intercept:
        K[d, d] = 1.0
    k = np.append(-2.0 * f * loss.xy, -loss.y_mean)
    Q = np.zeros((d + 1, p))
    Q[:d, :d] = np.eye(d)
    Q[d, :d] = 2.0 * f * loss.x_mean
    if loss.fit_intercept:
        Q[d, d] = 2.0 * f
    return K, k, Q


_CONVERGED, _DIVERGED = STOP_REASONS.index("converged"), STOP_REASONS.index("diverged")

#: Epochs run between checks, first and most (a blown-up run wastes at most one block).
_FIRST_BLOCK, _LAST_BLOCK = 8, 512


def _full_batch(problem: _Problem) -> _Records:
    """Descent on the exact gradient of every rate at once, O(d²) per epoch and rate."""
    records = _Records(problem)
    K, k, Q = _gradient_map(problem.loss)
    theta = np.tile(problem.theta0, (len(problem.rates), 1))
    state, update = problem.rule.init(theta), problem.rule.update
    # Epoch-major, one column per run: each epoch's rates broadcast over its runs' states.
    rates = problem.rates.T[:, :, None]
    epochs, block = rates.shape[0], _FIRST_BLOCK
    while records.epoch < epochs:
        size = min(block, epochs - records.epoch)
        thetas = np.empty((size, *theta.shape))
        block_rates = rates[records.epoch : records.epoch + size, records.going]
        for out, rate in zip(thetas, block_rates, strict=True):
            step, state = update((theta @ K + k) @ Q, state, rate)
            theta = np.add(theta, step, out=out)
        going = records.add(thetas)
        if not np.all(going):
            if not np.any(going):
                break
            theta, state = theta[going], _select(state, going)
        block = min(2 * block, _LAST_BLOCK)
    return records


def _mini_batch(
    problem: _Problem,
    design: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    rng: np.random.Generator | None,
    max_points: int,
) -> tuple[_Records, _Path]:
    """Descent on batches of rows; ``design`` carries a ones column with an intercept.

    ``rng`` reshuffles the rows every epoch; None takes them in file order.
    """
    n = design.shape[0]
    (rates,) = problem.rates
    steps_per_epoch = math.ceil(n / batch_size)
    stride = max(1, math.ceil(len(rates) * steps_per_epoch / (max_points - 1)))
    # Check for blow-up often enough to stop early, rarely enough to cost nothing.
    check_every = min(stride, 256)
    shrink = problem.loss.l2 * np.append(
        problem.loss.penalty, [0.0] * (design.shape[1] - problem.loss.n_features)
    )
    penalty = 2.0 * shrink
    factor = problem.loss.data_factor
    records = _Records(problem)
    path = _Path(steps=[0], thetas=[problem.theta0], steps_per_epoch=steps_per_epoch)
    theta, state = problem.theta0, problem.rule.init(problem.theta0)
    update, step_count = problem.rule.update, 0
    running = problem.tol is not None and problem.tol_on == "running"
    for rate in rates:
        if rng is None:
            rows, targets = design, y
        else:
            order = rng.permutation(n)
            rows, targets = design[order], y[order]
        batch_losses = 0.0
        for start in range(0, n, batch_size):
            batch, target = rows[start : start + batch_size], targets[start : start + batch_size]
            error = batch @ theta - target
            if running:
                batch_losses += factor * float(error @ error) / batch.shape[0] + float(
                    shrink @ (theta * theta)
                )
            grad = (2.0 * factor / batch.shape[0]) * (error @ batch) + penalty * theta
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
        mean_loss = np.full((1, 1), batch_losses / steps_per_epoch) if running else None
        if not records.add(theta[None, None], mean_loss)[0]:
            break
    return records, path


def _split(theta: np.ndarray, d: int, fit_intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    coef, intercept = split_theta(theta, d, fit_intercept)
    return coef.copy(), intercept.copy()


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
