"""What an engine call will cost, known before it starts, and what a shared server allows.

Downhill serves a whole class from one process, so no call may start that the
server cannot afford. :class:`Work` describes a call by its sizes (rows,
features, epochs, rates, batch size) and estimates its peak memory and its
computing time from them; :class:`Budget` holds the server's limits and says,
in words, what to lower when a call does not fit.

The estimates are upper bounds measured on a 2-core laptop: peak memory is
what :func:`core.sweep` allocates (checked with ``tracemalloc`` to within a few
per cent), time is CPU time with some room for a busy machine.

>>> work = Work(rows=200, features=500, epochs=100_000, rates=43)
>>> Budget().refusal(work) is not None
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from core.data.limits import MAX_FEATURES
from core.descent import MAX_HISTORY_POINTS
from core.settings import Settings, full_batch, updates_per_epoch

MIB = 2**20

#: Words (float64) a run keeps per epoch (its loss, rate and the engine's working copies
#: of both), and per kept epoch and parameter (states, states in the data's units,
#: gradients, the history's coefficients and gradients): measured with ``tracemalloc``.
_EPOCH_WORDS, _KEPT_WORDS_PER_PARAM = 5, 6
#: Copies of the design matrix a call holds (the data, its standardized and
#: intercept-augmented forms, a reshuffled copy each epoch).
_DATA_COPIES = 4
#: Seconds of full-batch descent: per epoch (the loop's own cost, shared by the
#: rates run together), and per epoch and rate as a + b·p + c·p² for p parameters.
_EPOCH_SECONDS = 2e-5
_RATE_SECONDS = (1e-6, 2.5e-7, 6e-10)
#: Seconds of mini-batch descent: per update (Python's loop), per row and
#: parameter of a batch, and per row and parameter reshuffled each epoch.
_STEP_SECONDS, _BATCH_SECONDS, _SHUFFLE_SECONDS = 1e-5, 2e-9, 3e-9


class OverBudget(ValueError):
    """A call that was not started: it would need more than the server allows."""


@dataclass(frozen=True)
class Work:
    """The sizes of one engine call: :func:`core.descend` (``rates=1``) or a sweep.

    Attributes
    ----------
    rows : int
        Training rows.
    features : int
    epochs : int
        The epoch budget (a run that stops early costs less; the estimate does not count on it).
    rates : int
        Runs made by the call, one per learning rate.
    batch_size : int or None
        None for full batch.
    fit_intercept : bool
    max_path_points : int
        Per-update points a mini-batch run keeps.
    max_history_points : int
        Epochs whose parameters a run keeps (see :class:`core.History`).
    """

    rows: int
    features: int
    epochs: int
    rates: int = 1
    batch_size: int | None = None
    fit_intercept: bool = True
    max_path_points: int = 2000
    max_history_points: int = MAX_HISTORY_POINTS

    @property
    def params(self) -> int:
        """Parameters fitted: a weight per feature, and the intercept."""
        return self.features + int(self.fit_intercept)

    @classmethod
    def of(cls, settings: Settings, rows: int, features: int, rates: int = 1) -> Work:
        """The sizes of ``rates`` runs with ``settings`` on ``rows`` × ``features`` data."""
        return cls(
            rows=rows,
            features=features,
            epochs=int(settings.epochs),
            rates=rates,
            batch_size=settings.batch_size,
            fit_intercept=bool(settings.fit_intercept),
        )

    @property
    def full_batch(self) -> bool:
        """True when every epoch is one update on every row."""
        return full_batch(self.rows, self.batch_size)

    @property
    def updates_per_epoch(self) -> int:
        """One update per batch: ``ceil(rows / batch_size)``, 1 for full batch."""
        return updates_per_epoch(self.rows, self.batch_size)

    @property
    def bytes(self) -> int:
        """Estimated peak memory of the call, in bytes."""
        p, epochs = self.params, self.epochs + 1
        kept = min(epochs, self.max_history_points)
        history = 8 * self.rates * (epochs * _EPOCH_WORDS + kept * _KEPT_WORDS_PER_PARAM * p)
        data = 8 * _DATA_COPIES * self.rows * p
        path = 0 if self.full_batch else 8 * 4 * self.rates * self.max_path_points * p
        return history + data + path

    @property
    def seconds(self) -> float:
        """Estimated computing time of the call, in seconds."""
        p, epochs = self.params, self.epochs
        statistics = 1e-9 * self.rows * p * p
        if self.full_batch:
            a, b, c = _RATE_SECONDS
            per_epoch = _EPOCH_SECONDS + self.rates * (a + b * p + c * p * p)
            return statistics + epochs * per_epoch
        per_update = _STEP_SECONDS + _BATCH_SECONDS * self.batch_size * p
        per_epoch = self.updates_per_epoch * per_update + _SHUFFLE_SECONDS * self.rows * p
        return statistics + self.rates * epochs * per_epoch


@dataclass(frozen=True)
class Budget:
    """What one server allows a single engine call, and its caches together.

    Every field is a setting of the server, read by :meth:`from_environ` from
    the environment variable beside it; the defaults keep a 2-core, 8 GB
    laptop serving a class.

    Attributes
    ----------
    memory_bytes : int
        Peak memory of one call (``DOWNHILL_MEMORY_MIB``, default 256).
    seconds : float
        Estimated computing time of one call (``DOWNHILL_SECONDS``, default 10).
    cache_bytes : int
        Every cached result together (``DOWNHILL_CACHE_MIB``, default 512).
    max_features : int
        Features fitted at once (``DOWNHILL_MAX_FEATURES``, default
        :data:`core.data.limits.MAX_FEATURES`, 50); wider data opens on its first ones.
    offload_seconds : float
        Calls estimated to take longer run in a worker process, so the other
        sessions' reruns do not wait for them (``DOWNHILL_OFFLOAD_SECONDS``,
        default 0.25; 0 sends every call there, a negative value none).
    """

    memory_bytes: int = 256 * MIB
    seconds: float = 10.0
    cache_bytes: int = 512 * MIB
    max_features: int = MAX_FEATURES
    offload_seconds: float = 0.25

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Budget:
        """The budget the environment sets, the defaults where it sets nothing.

        Raises
        ------
        ValueError
            Naming the variable, for a value that is not a positive number.
        """
        environ = os.environ if environ is None else environ
        default = cls()
        return cls(
            memory_bytes=int(
                _read(environ, "DOWNHILL_MEMORY_MIB", default.memory_bytes / MIB) * MIB
            ),
            seconds=_read(environ, "DOWNHILL_SECONDS", default.seconds),
            cache_bytes=int(_read(environ, "DOWNHILL_CACHE_MIB", default.cache_bytes / MIB) * MIB),
            max_features=int(_read(environ, "DOWNHILL_MAX_FEATURES", default.max_features)),
            offload_seconds=_read(
                environ, "DOWNHILL_OFFLOAD_SECONDS", default.offload_seconds, negative=True
            ),
        )

    def fits(self, work: Work) -> bool:
        """True when ``work`` stays within the memory and time of one call."""
        return (
            work.features <= self.max_features
            and work.bytes <= self.memory_bytes
            and work.seconds <= self.seconds
        )

    def offloaded(self, work: Work) -> bool:
        """True when ``work`` should run in a worker process rather than the server's own."""
        return 0 <= self.offload_seconds <= work.seconds

    def most_rates(self, work: Work) -> int:
        """The most runs of ``work``'s sizes one call may make (0 when not even one fits)."""
        if not self.fits(replace(work, rates=1)):
            return 0
        return _largest(1, max(1, work.rates), lambda k: self.fits(replace(work, rates=k)))

    def refusal(self, work: Work) -> str | None:
        """Why ``work`` may not start and which setting to lower, or None when it fits."""
        if self.fits(work):
            return None
        if work.features > self.max_features:
            return (
                f"It would fit {work.features:,} features, and this server fits at most "
                f"{self.max_features:,} at once. Choose fewer features."
            )
        ways = self._ways(work)
        way = " or ".join(ways) if ways else "use smaller data"
        return (
            f"It would need {self.need(work)}; this server allows "
            f"{_size(self.memory_bytes)} and {_duration(self.seconds)} for one run. "
            f"To fit, {way}."
        )

    def check(self, work: Work) -> None:
        """Raise :class:`OverBudget`, saying what to lower, unless ``work`` fits."""
        said = self.refusal(work)
        if said is not None:
            raise OverBudget(said)

    @staticmethod
    def need(work: Work) -> str:
        """What ``work`` needs, in words: "about 1.2 GiB of memory and 40 s of computing"."""
        return f"about {_size(work.bytes)} of memory and {_duration(work.seconds)} of computing"

    def _ways(self, work: Work) -> list[str]:
        """Each setting that alone would bring ``work`` within the budget, in words."""
        ways = []
        epochs = _largest(0, work.epochs, lambda e: e > 0 and self.fits(replace(work, epochs=e)))
        if epochs:
            ways.append(f"lower the epochs to {epochs:,} or fewer")
        if work.features > 1:
            features = _largest(
                0, work.features, lambda d: d > 0 and self.fits(replace(work, features=d))
            )
            if features:
                ways.append(f"use {features:,} features or fewer")
        if not work.full_batch:
            size = _smallest(
                work.batch_size, work.rows, lambda b: self.fits(replace(work, batch_size=b))
            )
            if size is not None:
                ways.append(f"use batches of {size:,} rows or more")
        rows = _largest(0, work.rows, lambda n: n > 0 and self.fits(replace(work, rows=n)))
        if rows and rows < work.rows and work.full_batch:
            ways.append(f"use {rows:,} rows or fewer")
        return ways


def _read(environ: Mapping[str, str], name: str, default: float, negative: bool = False) -> float:
    text = environ.get(name, "").strip()
    if not text:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or (value <= 0 and not negative):
        raise ValueError(f"{name} must be a positive number; got {text!r}.")
    return value


def _largest(low: int, high: int, ok: Callable[[int], bool]) -> int:
    """The largest ``v`` in ``[low, high]`` with ``ok(v)``, for ``ok`` true up to a point.

    Returns ``low`` when ``ok`` holds nowhere above it.
    """
    while low < high:
        middle = (low + high + 1) // 2
        if ok(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _smallest(low: int, high: int, ok: Callable[[int], bool]) -> int | None:
    """The smallest ``v`` in ``[low, high]`` with ``ok(v)``, for ``ok`` true from a point on."""
    if not ok(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if ok(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _size(nbytes: float) -> str:
    if nbytes >= 2**30:
        return f"{nbytes / 2**30:,.1f} GiB"
    return f"{max(1, round(nbytes / MIB)):,} MiB"


def _duration(seconds: float) -> str:
    if seconds >= 120:
        return f"{seconds / 60:,.0f} minutes"
    return f"{seconds:,.1f} s" if seconds < 10 else f"{seconds:,.0f} s"
