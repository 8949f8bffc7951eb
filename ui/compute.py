"""Cached engine calls. Every cache key is made of settings and the data's content digest.

An upload's parsed table is passed as ``_upload`` (not hashed: the digest in
``spec`` stands for it), so two sessions share a cached result only when they
uploaded the very same file. Uploaded bytes are not kept: :func:`parse_upload`
parses them once per content, and every session holding the same content
holds the same table. Every result is kept in the server's one byte-bounded
store (:mod:`ui.store`), and every engine call is checked against the server's
budget before it starts (:mod:`core.budget`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import threading
import weakref
from dataclasses import dataclass, replace

import numpy as np

from core import (
    Fit,
    QuadraticLoss,
    Run,
    Stability,
    descend,
    ols,
    stability_of,
    sweep,
    train_test_split,
)
from core.advice import Advice
from core.advice import rate_advice as core_rate_advice
from core.budget import Work
from core.data import (
    PRESETS,
    Dataset,
    Table,
    bundled,
    from_table,
    generate,
    preset,
    read_csv_bytes,
)
from core.settings import Settings
from ui import worker
from ui.limits import server_budget
from ui.settings import LEARNING_RATES
from ui.specs import DataSpec, ProblemKey
from ui.store import cached

#: Seed of the train/test split (fixed, so changing the run's seed keeps the same rows).
SPLIT_SEED = 0
#: The fewest test rows worth testing on.
MIN_TEST_ROWS = 3


def load_dataset(spec: DataSpec, upload: Table | None = None) -> Dataset:
    """The dataset ``spec`` names; ``upload`` holds an upload's parsed table."""
    return _load_dataset(spec, upload)


def read_only(value):
    """``value`` with every NumPy array in it (through dataclasses, lists, tuples) made read-only.

    What the caches below hold is shared by every rerun and session without a
    copy (a copy of 100,000 rows on every rerun would cost more than the rerun);
    read-only arrays make sure no caller changes it for the others.
    """
    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            read_only(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            read_only(item)
    return value


@cached("Loading data…")
def _load_dataset(spec: DataSpec, _upload: Table | None) -> Dataset:
    if spec.source == "preset":
        return read_only(preset(spec.name))
    if spec.source == "bundled":
        return read_only(bundled(spec.name))
    if spec.source == "generate":
        return read_only(generate(**spec.generator.generate_kwargs()))
    return from_table(spec.name, f"Uploaded file {spec.name}.", _upload)


@dataclass(frozen=True)
class Problem:
    """The regression the pages show: split data, its loss, optimum and stability."""

    X: np.ndarray
    y: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    target_name: str
    loss: QuadraticLoss
    test_loss: QuadraticLoss | None
    fit: Fit
    stability: Stability
    true_coef: np.ndarray | None
    true_intercept: float | None
    split_note: str | None = None


def problem(key: ProblemKey, upload: Table | None) -> Problem:
    """The split, loss statistics, closed form and stability of the problem ``key`` names."""
    return _problem(key, upload)


@cached("Preparing the data…")
def _problem(key: ProblemKey, _upload) -> Problem:
    dataset = _load_dataset(key.data, _upload)
    features = list(key.features)
    X, y = dataset.table.xy(key.target, features)
    Xtr, ytr, Xte, yte, split_note = _split(key, X, y)
    loss = QuadraticLoss.from_data(
        Xtr, ytr, l2=key.l2, fit_intercept=key.fit_intercept, convention=key.loss
    )
    test_loss = None
    if len(yte):
        test_loss = QuadraticLoss.from_data(
            Xte, yte, fit_intercept=key.fit_intercept, convention=key.loss
        )
    truth = dataset.true_coef is not None and features == dataset.features
    return read_only(
        Problem(
            X=Xtr,
            y=ytr,
            X_test=Xte,
            y_test=yte,
            feature_names=features,
            target_name=key.target,
            loss=loss,
            test_loss=test_loss,
            fit=ols(Xtr, ytr, fit_intercept=key.fit_intercept, l2=key.l2, loss=key.loss),
            stability=stability_of(loss),
            true_coef=dataset.true_coef if truth else None,
            true_intercept=dataset.true_intercept if truth else None,
            split_note=split_note,
        )
    )


def _split(key: ProblemKey, X: np.ndarray, y: np.ndarray):
    """Training and test rows: a tutorial's own split, else a seeded random one.

    A test set of fewer than :data:`MIN_TEST_ROWS` rows says nothing (R² on one row is
    0 or undefined), so it is not made; the returned note says why.
    """
    run = PRESETS[key.data.name].run if key.data.source == "preset" else None
    if run is not None:
        Xtr, ytr, Xte, yte = run.split(X, y)
        note = (
            f"This example's own split: {len(ytr):,} training rows, {len(yte):,} test rows."
            if len(yte)
            else "This example fits every row, as its tutorial does: no test set."
        )
        return Xtr, ytr, Xte, yte, note
    train, test = train_test_split(len(y), key.test_fraction, SPLIT_SEED)
    if 0 < len(test) < MIN_TEST_ROWS:
        share = f"{key.test_fraction:.0%}"
        return (
            X,
            y,
            X[:0],
            y[:0],
            (
                f"No test set: {share} of {len(y):,} rows is fewer than {MIN_TEST_ROWS} rows, too "
                "few to test on. Every row is fitted."
            ),
        )
    return X[train], y[train], X[test], y[test], None


def run_descent(key: ProblemKey, upload: Table | None, settings: Settings) -> Run:
    """Gradient descent on the problem ``key`` names, with ``settings``.

    Raises
    ------
    OverBudget
        Before anything runs, when the run would need more than the server allows.
    """
    server_budget().check(Work.of(settings, *_problem(key, upload).X.shape))
    return _run_descent(key, upload, settings)


@cached("Running gradient descent…")
def _run_descent(key: ProblemKey, _upload, settings: Settings) -> Run:
    prob = _problem(key, _upload)
    work = Work.of(settings, *prob.X.shape)
    return read_only(worker.run(work, descend, prob.X, prob.y, settings))


def sweep_runs(
    key: ProblemKey, upload: Table | None, settings: Settings, rates: tuple[float, ...]
) -> tuple[Run, ...]:
    """One run per learning rate in ``rates``, every other setting as in ``settings``.

    Cached without the settings' own learning rate, so moving it along ``rates``
    reuses the sweep.

    Raises
    ------
    OverBudget
        Before anything runs, when the sweep would need more than the server allows.
    """
    server_budget().check(Work.of(settings, *_problem(key, upload).X.shape, rates=len(rates)))
    return _sweep_runs(key, upload, replace(settings, learning_rate=0.0), tuple(map(float, rates)))


@cached("Running gradient descent at every rate…")
def _sweep_runs(key: ProblemKey, _upload, settings: Settings, rates: tuple) -> tuple[Run, ...]:
    prob = _problem(key, _upload)
    work = Work.of(settings, *prob.X.shape, rates=len(rates))
    return read_only(worker.run(work, sweep, prob.X, prob.y, rates, settings))


def rate_advice(key: ProblemKey, upload: Table | None, settings: Settings) -> Advice:
    """A fix for a run that diverges: a rate (and standardizing) run here and seen to converge."""
    return _rate_advice(key, upload, settings)


@cached("Finding a rate that works…")
def _rate_advice(key: ProblemKey, _upload, settings: Settings) -> Advice:
    prob = _problem(key, _upload)
    budget = server_budget()
    # Every candidate, raw and standardized, as the most the search may run.
    work = Work.of(settings, *prob.X.shape, rates=2 * len(LEARNING_RATES))
    return worker.run(
        work, core_rate_advice, prob.X, prob.y, LEARNING_RATES, settings, budget=budget
    )


def most_rates(problem: Problem, settings: Settings, rates: int) -> int:
    """How many of ``rates`` runs with ``settings`` one sweep may make here (0: not one)."""
    return server_budget().most_rates(Work.of(settings, *problem.X.shape, rates=rates))


def digest(raw: bytes) -> str:
    """The content digest that stands for uploaded bytes in every cache key."""
    return hashlib.sha256(raw).hexdigest()


#: The parsed table of every upload some session still holds, by content digest.
_UPLOADS: weakref.WeakValueDictionary[str, Table] = weakref.WeakValueDictionary()
_UPLOADS_LOCK = threading.Lock()


def parse_upload(raw: bytes) -> tuple[str, Table]:
    """Uploaded bytes' digest and parsed table; raises ``DataError`` with advice.

    The same content is parsed once and its table shared by every session
    holding it, for as long as one does; the bytes themselves are not kept.
    """
    content = digest(raw)
    with _UPLOADS_LOCK:
        table = _UPLOADS.get(content)
    if table is None:
        table = read_only(read_csv_bytes(raw))
        with _UPLOADS_LOCK:
            table = _UPLOADS.setdefault(content, table)
    return content, table
