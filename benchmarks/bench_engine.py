"""Engine speed: full-batch descent, a learning-rate sweep and the loss surface."""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.report import Row, best_time
from core import DivergenceWarning, QuadraticLoss, descend, loss_surface, ols, sweep
from core.data import DEFAULT_PRESET, preset
from ui.settings import DEFAULTS, LEARNING_RATES

SUITE = "Engine: n = 1,000,000 rows, 1,000 epochs, 200×200 surface; the ladder on the default data"

N_ROWS = 1_000_000
EPOCHS = 1_000
GRID = 200
# The row-by-row surface would take minutes at 40,000 points; time a sample of points
# and scale per point (each point costs the same: one pass over every row).
SURFACE_SAMPLE = 40
# Enough epochs on tiny data that the per-epoch Python overhead is all that is timed.
PER_EPOCH_EPOCHS = 100_000


def _data(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.uniform(0.0, 2.0, size=(n, 2))
    y = X @ np.array([2.0, -1.0]) + 1.0 + rng.normal(scale=0.5, size=n)
    return X, y


def tutorial_loop(X: np.ndarray, y: np.ndarray, learning_rate: float, epochs: int):
    """The vectorised loop tutorials write: predict, error, gradient, update, all rows."""
    w, b = np.zeros(X.shape[1]), 0.0
    n = len(y)
    for _ in range(epochs):
        error = X @ w + b - y
        w = w - learning_rate * (2.0 / n) * (X.T @ error)
        b = b - learning_rate * 2.0 * error.mean()
    return w, b


def run() -> list[Row]:
    """Time both ways side by side and report the ratios."""
    X, y = _data(N_ROWS)
    lr = 0.1
    ours = best_time(lambda: descend(X, y, learning_rate=lr, epochs=EPOCHS), repeat=3)
    theirs = best_time(lambda: tutorial_loop(X, y, lr, EPOCHS), repeat=1)
    run_ = descend(X, y, learning_rate=lr, epochs=EPOCHS)
    w, _ = tutorial_loop(X, y, lr, 20)
    agreement = np.max(np.abs(descend(X, y, learning_rate=lr, epochs=20).coef - w))

    fit = ols(X, y)
    at = np.append(fit.coef, fit.intercept)
    u = np.linspace(fit.coef[0] - 2, fit.coef[0] + 2, GRID)
    v = np.linspace(fit.intercept - 2, fit.intercept + 2, GRID)

    def surface():
        loss = QuadraticLoss.from_data(X, y)
        return loss_surface(loss, (0, 2), u, v, at)

    def rows_sample():
        coef = fit.coef.copy()
        for k in range(SURFACE_SAMPLE):
            coef[0] = u[k]
            np.mean((X @ coef + v[k] - y) ** 2)

    surface_time = best_time(surface, repeat=3)
    per_point = best_time(rows_sample, repeat=1) / SURFACE_SAMPLE
    rows_time = per_point * GRID * GRID

    rows = [
        Row("descend, full batch (incl. the one pass over the rows)", ours, "s"),
        Row("tutorial loop over all rows every epoch", theirs, "s"),
        Row("speed-up of descend", theirs / ours, "x", ">= 150x"),
        Row("largest coefficient difference after 20 epochs", float(agreement), ""),
        Row("loss surface from sufficient statistics (incl. the pass)", surface_time, "s"),
        Row(f"row-by-row surface (timed on {SURFACE_SAMPLE} points, scaled)", rows_time, "s"),
        Row("speed-up of the surface", rows_time / surface_time, "x", ">= 100x"),
    ]
    for batch_size in (1, 32, 1024):
        epochs = 1
        n = 20_000 if batch_size == 1 else 200_000
        Xs, ys = X[:n], y[:n]
        seconds = best_time(
            lambda b=batch_size, e=epochs, Xs=Xs, ys=ys: descend(
                Xs, ys, learning_rate=0.01, epochs=e, batch_size=b
            ),
            repeat=2,
        )
        rows.append(
            Row(f"mini-batch throughput, batch size {batch_size}", n / seconds, "samples/s")
        )
    rows.append(Row("final loss of the timed run (sanity)", float(run_.history.loss[-1]), ""))
    small_X, small_y = X[:100], y[:100]
    per_epoch = best_time(
        lambda: descend(small_X, small_y, learning_rate=lr, epochs=PER_EPOCH_EPOCHS), repeat=3
    )
    rows.append(
        Row(
            f"full-batch descend per epoch (100 rows, {PER_EPOCH_EPOCHS:,} epochs)",
            per_epoch / PER_EPOCH_EPOCHS * 1e6,
            "µs",
        )
    )
    rows.extend(_ladder_rows())
    return rows


def _ladder_rows() -> list[Row]:
    """The whole learning-rate ladder in one sweep against one run, at the app's defaults."""
    X, y = preset(DEFAULT_PRESET).xy()
    settings = {"optimizer": DEFAULTS["optimizer"], "epochs": DEFAULTS["epochs"]}
    one = best_time(
        lambda: descend(X, y, learning_rate=DEFAULTS["learning_rate"], **settings), repeat=20
    )
    ladder = best_time(lambda: _quiet(lambda: sweep(X, y, LEARNING_RATES, **settings)), repeat=30)
    return [
        Row(f"one descend, default data and settings ({len(y)} rows)", one, "s"),
        Row(f"sweep of the whole ladder ({len(LEARNING_RATES)} rates)", ladder, "s"),
        Row("sweep of the ladder / one descend", ladder / one, "x", "<= 3x"),
    ]


def _quiet(fn):
    """``fn()`` with divergence warnings off: the ladder's top rates diverge on purpose."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DivergenceWarning)
        return fn()
