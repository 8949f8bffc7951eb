"""One record of a run's settings: :class:`Settings`.

Every place that runs, stores, shares or prints a run takes or builds one
``Settings``: :func:`core.descend`, :func:`core.sweep`, the advice, the CLI, the
presets, the pages, the JSON and the reproducing script. Its fields are named as
scikit-learn's ``SGDRegressor`` names them where it has a name (``learning_rate``,
``tol``, ``fit_intercept``); their defaults are written here once.

>>> Settings(optimizer="adam", learning_rate=0.05).replace(epochs=500).epochs
500
"""

from __future__ import annotations

import copy
import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core.objective import LOSSES
from core.optimizers import make_optimizer
from core.schedules import SCHEDULES, learning_rates
from core.validation import choice, integer_in, positive_real

#: The most epochs a run may take.
MAX_EPOCHS = 1_000_000

#: What a tolerance stop watches: the full-data loss, or the epoch's mean batch loss.
TOL_ON = ("loss", "running")

Pairs = tuple[tuple[str, float], ...]


def _pairs(values: Mapping[str, float] | Pairs | None) -> Pairs:
    """Hyperparameters as sorted ``(name, value)`` pairs, so a record hashes."""
    items = dict(values or {}).items()
    return tuple(sorted((str(k), v) for k, v in items))


def _start(values) -> float | tuple[float, ...]:
    """One starting weight for every feature (a number), or one per feature (a tuple)."""
    if values is None:
        return 0.0
    if np.ndim(values) == 0:
        return values
    return tuple(np.asarray(values, dtype=object).reshape(-1).tolist())


def full_batch(n_rows: int, batch_size: int | None) -> bool:
    """True when every update sees every one of ``n_rows`` rows."""
    return batch_size is None or batch_size >= n_rows


def updates_per_epoch(n_rows: int, batch_size: int | None) -> int:
    """Updates an epoch makes: one per batch, ``ceil(n_rows / batch_size)``; 1 for full batch."""
    return 1 if full_batch(n_rows, batch_size) else math.ceil(n_rows / batch_size)


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting of a run, with its default; frozen and hashable (a cache key).

    Attributes
    ----------
    optimizer : str
        Update rule, a key of :data:`core.optimizers.OPTIMIZERS`.
    optimizer_params : tuple of (str, float)
        The rule's hyperparameters as sorted pairs (a mapping is accepted and sorted);
        those left out take the rule's defaults when :meth:`checked`.
    learning_rate : float
        Starting step size :math:`\\eta_0 > 0`.
    epochs : int
        Epoch budget, 1 to :data:`MAX_EPOCHS`.
    batch_size : int or None
        None for full batch, 1 for stochastic, anything between for mini-batch.
    fit_intercept : bool
        Fit the intercept ``b`` too; otherwise ``b = 0``.
    standardize : bool
        Descend on z-scored features; every recorded step is in the data's units.
    l2 : float
        Ridge strength :math:`\\lambda_2 \\ge 0` (on the weights only).
    tol : float or None
        Stop once the quantity ``tol_on`` names changes by less than this between epochs.
    tol_on : {"loss", "running"}
        The full-data loss after each epoch, or the epoch's mean of per-batch
        losses, each taken before that batch's update.
    seed : int
        Seed of the reshuffling generator.
    loss : {"mse", "half_mse"}
        MSE with :math:`1/n`, or half of it with :math:`1/(2n)`.
    shuffle : bool
        Mini-batch runs: reshuffle the rows every epoch, or walk them in file order.
    schedule : str
        Learning-rate schedule, a key of :data:`core.schedules.SCHEDULES`.
    schedule_params : tuple of (str, float)
        The schedule's parameters as sorted pairs.
    init_coef : float or tuple of float
        Starting weights in the data's units: one number for every feature, or one each.
    init_intercept : float
        Starting intercept in the data's units.
    """

    optimizer: str = "gd"
    optimizer_params: Pairs = ()
    learning_rate: float = 0.01
    epochs: int = 1000
    batch_size: int | None = None
    fit_intercept: bool = True
    standardize: bool = False
    l2: float = 0.0
    tol: float | None = None
    tol_on: str = "loss"
    seed: int = 0
    loss: str = "mse"
    shuffle: bool = True
    schedule: str = "constant"
    schedule_params: Pairs = ()
    init_coef: float | tuple[float, ...] = 0.0
    init_intercept: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "optimizer_params", _pairs(self.optimizer_params))
        object.__setattr__(self, "schedule_params", _pairs(self.schedule_params))
        object.__setattr__(self, "init_coef", _start(self.init_coef))

    def replace(self, **changes: Any) -> Settings:
        """A copy with ``changes``; mappings of hyperparameters are accepted.

        Raises
        ------
        TypeError
            For a name that is not a setting.
        """
        unknown = sorted(set(changes) - set(FIELDS))
        if unknown:
            raise TypeError(f"{unknown[0]!r} is not a setting of a run; the settings: {FIELDS}.")
        return dataclasses.replace(self, **changes)

    def starting_at(self, learning_rate: float) -> Settings:
        """A copy that starts at ``learning_rate``, every other setting as it is.

        A sweep's runs differ in their rate alone; this copies without normalising
        the other fields again, as :meth:`replace` would, which a ladder of rates
        would otherwise pay once per rate.
        """
        copied = copy.copy(self)
        object.__setattr__(copied, "learning_rate", float(learning_rate))
        return copied

    @property
    def optimizer_kwargs(self) -> dict[str, float]:
        """The rule's hyperparameters as a dictionary."""
        return dict(self.optimizer_params)

    @property
    def schedule_kwargs(self) -> dict[str, float]:
        """The schedule's parameters as a dictionary."""
        return dict(self.schedule_params)

    def full_batch(self, n_rows: int) -> bool:
        """True when every update of a run on ``n_rows`` rows sees every row."""
        return full_batch(n_rows, self.batch_size)

    def updates(self, n_rows: int) -> int:
        """Parameter updates a run on ``n_rows`` rows makes in its whole budget."""
        return updates_per_epoch(n_rows, self.batch_size) * self.epochs

    def coef_start(self, n_features: int) -> np.ndarray:
        """The starting weights, shape ``(n_features,)``."""
        if isinstance(self.init_coef, tuple):
            return np.asarray(self.init_coef, dtype=np.float64)
        return np.full(n_features, self.init_coef, dtype=np.float64)

    def checked(self, n_rows: int, n_features: int) -> Settings:
        """These settings validated for ``n_rows`` × ``n_features`` data, every default filled.

        The rule's and the schedule's parameters are completed with their defaults,
        ``init_coef`` holds one number per feature and ``init_intercept`` is 0 when
        no intercept is fitted, so the result says everything the run used.

        Raises
        ------
        ValueError
            For a setting out of range, naming it, its allowed range and the value.
        """
        batch_size = self.batch_size
        if batch_size is not None:
            batch_size = integer_in("batch_size", batch_size, 1, n_rows)
        tol = None if self.tol is None else positive_real("tol", self.tol, allow_zero=True)
        rule = make_optimizer(self.optimizer, **self.optimizer_kwargs)
        learning_rate = positive_real("learning_rate", self.learning_rate)
        schedule_params = {**SCHEDULES.get(self.schedule, {}), **self.schedule_kwargs}
        learning_rates(self.schedule, learning_rate, 1, **self.schedule_kwargs)  # checks them
        return dataclasses.replace(
            self,
            optimizer=rule.name,
            optimizer_params=rule.hyperparameters,
            learning_rate=learning_rate,
            epochs=integer_in("epochs", self.epochs, 1, MAX_EPOCHS),
            batch_size=batch_size,
            fit_intercept=_flag("fit_intercept", self.fit_intercept),
            standardize=_flag("standardize", self.standardize),
            l2=positive_real("l2", self.l2, allow_zero=True),
            tol=tol,
            tol_on=choice("tol_on", self.tol_on, TOL_ON),
            seed=integer_in("seed", self.seed, 0, 2**63 - 1),
            loss=choice("loss", self.loss, LOSSES),
            shuffle=_flag("shuffle", self.shuffle),
            schedule=self.schedule,
            schedule_params=schedule_params,
            init_coef=tuple(_start_weights(self, n_features).tolist()),
            init_intercept=_start_intercept(self),
        )

    def to_dict(self) -> dict[str, Any]:
        """Every field as plain JSON values (hyperparameters as objects, weights as a list)."""
        values = {f: getattr(self, f) for f in FIELDS}
        values["optimizer_params"] = self.optimizer_kwargs
        values["schedule_params"] = self.schedule_kwargs
        if isinstance(self.init_coef, tuple):
            values["init_coef"] = list(self.init_coef)
        return values

    @classmethod
    def from_dict(cls, values: Mapping[str, Any]) -> Settings:
        """The record :meth:`to_dict` wrote (unknown keys are refused).

        Raises
        ------
        TypeError
            For a key that is not a setting.
        """
        return cls().replace(**values)


#: The fields of :class:`Settings`, in order.
FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Settings))


def _flag(name: str, value) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False; got {value!r}.")
    return bool(value)


def _start_weights(settings: Settings, n_features: int) -> np.ndarray:
    try:
        coef = settings.coef_start(n_features)
    except (TypeError, ValueError):
        coef = None
    if coef is None or coef.shape != (n_features,) or not np.all(np.isfinite(coef)):
        raise ValueError(
            f"init_coef must hold {n_features} finite numbers, one per feature, or one "
            f"number for all; got {settings.init_coef!r}."
        )
    return coef


def _start_intercept(settings: Settings) -> float:
    try:
        value = float(settings.init_intercept)
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise ValueError(
            f"init_intercept must be a finite number; got {settings.init_intercept!r}."
        )
    return value if settings.fit_intercept else 0.0
