"""Cached engine calls. Every cache key is made of settings and the data's content digest.

Uploaded bytes are passed as ``_raw`` (not hashed: the digest in ``spec``
stands for them), so two sessions share a cached result only when they
uploaded the very same file.
"""

from __future__ import annotations

import hashlib
import warnings
from dataclasses import dataclass

import numpy as np
import streamlit as st

from core import (
    DivergenceWarning,
    Fit,
    QuadraticLoss,
    Run,
    Stability,
    descend,
    ols,
    stability_of,
    train_test_split,
)
from core.data import Dataset, Table, bundled, generate, preset, read_csv_bytes

#: Seed of the train/test split (fixed, so changing the run's seed keeps the same rows).
SPLIT_SEED = 0


def load_dataset(spec: tuple, raw: bytes | None = None) -> Dataset:
    """The dataset described by ``spec`` (see :func:`ui.sidebar.data_spec`)."""
    return _load_dataset(spec, raw)


@st.cache_data(max_entries=16, show_spinner="Loading data…")
def _load_dataset(spec: tuple, _raw: bytes | None) -> Dataset:
    kind = spec[0]
    if kind == "preset":
        return preset(spec[1])
    if kind == "bundled":
        return bundled(spec[1])
    if kind == "generate":
        rows, features, coef, intercept, noise, x_min, x_max, outliers, seed = spec[1:]
        return generate(
            n_rows=rows,
            n_features=features,
            coef=coef,
            intercept=intercept,
            noise=noise,
            x_range=(x_min, x_max),
            outlier_fraction=outliers,
            seed=seed,
        )
    table = _parse_upload(spec[1], _raw)
    target = table.columns[-1]
    return Dataset(
        name=spec[2],
        description=f"Uploaded file {spec[2]}",
        table=table,
        target=target,
        features=[c for c in table.columns if c != target],
    )


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


def problem(problem_key: tuple, raw: bytes | None) -> Problem:
    """The split, loss statistics, closed form and stability for ``problem_key``.

    ``problem_key`` is ``(spec, target, features, test_fraction, fit_intercept, l2)``.
    """
    return _problem(problem_key[0], raw, *problem_key[1:])


@st.cache_data(max_entries=16, show_spinner="Preparing the data…")
def _problem(spec, _raw, target, features, test_fraction, fit_intercept, l2) -> Problem:
    dataset = _load_dataset(spec, _raw)
    X, y = dataset.table.xy(target, list(features))
    train, test = train_test_split(len(y), test_fraction, SPLIT_SEED)
    Xtr, ytr = X[train], y[train]
    loss = QuadraticLoss.from_data(Xtr, ytr, l2=l2, fit_intercept=fit_intercept)
    test_loss = None
    if len(test):
        test_loss = QuadraticLoss.from_data(X[test], y[test], fit_intercept=fit_intercept)
    truth = dataset.true_coef is not None and list(features) == dataset.features
    return Problem(
        X=Xtr,
        y=ytr,
        X_test=X[test],
        y_test=y[test],
        feature_names=list(features),
        target_name=target,
        loss=loss,
        test_loss=test_loss,
        fit=ols(Xtr, ytr, fit_intercept=fit_intercept, l2=l2),
        stability=stability_of(loss),
        true_coef=dataset.true_coef if truth else None,
        true_intercept=dataset.true_intercept if truth else None,
    )


def run_descent(problem_key: tuple, raw: bytes | None, settings: dict) -> Run:
    """Gradient descent on the problem named by ``problem_key`` with ``settings``."""
    return _run_descent(problem_key, raw, tuple(sorted(settings.items())))


@st.cache_data(max_entries=64, show_spinner="Running gradient descent…")
def _run_descent(problem_key: tuple, _raw, settings: tuple) -> Run:
    prob = _problem(problem_key[0], _raw, *problem_key[1:])
    kwargs = dict(settings)
    d = prob.X.shape[1]
    # The page explains a blown-up run itself; the notebook warning would only be noise.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return descend(
            prob.X,
            prob.y,
            optimizer=kwargs["optimizer"],
            learning_rate=kwargs["learning_rate"],
            epochs=kwargs["epochs"],
            batch_size=kwargs["batch_size"],
            fit_intercept=kwargs["fit_intercept"],
            standardize=kwargs["standardize"],
            l2=kwargs["l2"],
            tol=kwargs["tol"],
            seed=kwargs["seed"],
            optimizer_params=dict(kwargs["optimizer_params"]),
            schedule=kwargs["schedule"],
            schedule_params=dict(kwargs["schedule_params"]),
            init_coef=np.full(d, kwargs["init_weight"]),
            init_intercept=kwargs["init_bias"],
        )


def digest(raw: bytes) -> str:
    """The content digest that stands for uploaded bytes in every cache key."""
    return hashlib.sha256(raw).hexdigest()


def parse_upload(raw: bytes) -> Table:
    """Parse uploaded bytes (cached on their content); raises ``DataError`` with advice."""
    return _parse_upload(digest(raw), raw)


@st.cache_data(max_entries=8, show_spinner="Reading your file…")
def _parse_upload(content_digest: str, _raw: bytes) -> Table:
    return read_csv_bytes(_raw)
