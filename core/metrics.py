"""Goodness of fit and a reproducible train/test split."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.validation import integer_in, real_in


@dataclass(frozen=True)
class Metrics:
    """Error of predictions against targets.

    Attributes
    ----------
    mse, rmse, mae : float
        Mean squared error, its square root, mean absolute error.
    r2 : float
        Coefficient of determination, :math:`1 - SS_{res}/SS_{tot}`. A constant
        target gives 1.0 for a perfect fit and 0.0 otherwise (never NaN).
    """

    mse: float
    rmse: float
    mae: float
    r2: float


def predict(X: np.ndarray, coef: np.ndarray, intercept: float) -> np.ndarray:
    """Predictions ``X @ coef + intercept``, shape ``(n_samples,)``."""
    return np.asarray(X, dtype=np.float64) @ np.asarray(coef, dtype=np.float64) + intercept


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> Metrics:
    """MSE, RMSE, MAE and R² of ``y_pred`` against ``y_true`` (both shape ``(n,)``)."""
    y_true = np.asarray(y_true, dtype=np.float64)
    error = np.asarray(y_pred, dtype=np.float64) - y_true
    if y_true.size == 0:
        raise ValueError("Metrics need at least one row; got none.")
    mse = float(np.mean(error**2))
    total = float(np.sum((y_true - y_true.mean()) ** 2))
    residual = float(np.sum(error**2))
    perfect = 1.0 if residual == 0 else 0.0
    r2 = 1.0 - residual / total if total > 0 else perfect
    return Metrics(mse=mse, rmse=float(np.sqrt(mse)), mae=float(np.mean(np.abs(error))), r2=r2)


def train_test_split(
    n_samples: int, test_fraction: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Row indices of a seeded random split; same arguments, same split.

    Parameters
    ----------
    n_samples : int
        Number of rows, at least 2.
    test_fraction : float
        Share of rows held out, in [0, 0.9]; 0 gives an empty test set. At
        least two rows always stay for training, and a test set, when asked
        for, has at least one row.
    seed : int

    Returns
    -------
    train, test : ndarray of int
        Sorted, disjoint, together covering ``range(n_samples)``.
    """
    n_samples = integer_in("n_samples", n_samples, 2, 2**62)
    test_fraction = real_in("test_fraction", test_fraction, 0.0, 0.9, closed_high=True)
    seed = integer_in("seed", seed, 0, 2**63 - 1)
    n_test = round(n_samples * test_fraction)
    if test_fraction > 0:
        n_test = max(1, n_test)
    n_test = min(n_test, n_samples - 2)
    order = np.random.default_rng(seed).permutation(n_samples)
    return np.sort(order[n_test:]), np.sort(order[:n_test])
