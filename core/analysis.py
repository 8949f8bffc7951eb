r"""Reading runs against the closed form: arrival, races, predicted convergence, momentum.

Everything here is plain NumPy on engine results, so a learner can check
each number in a notebook (the steps worked by hand are in :mod:`core.worked`).
The loss is the mean squared error with a :math:`1/n` factor plus an optional
ridge penalty (see :mod:`core.objective`):

.. math::

    L(w, b) = \frac{1}{n}\sum_{i=1}^{n} (\hat y_i - y_i)^2 + \lambda_2 \lVert w \rVert^2,
    \qquad \hat y_i = x_i^\top w + b.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from core.descent import Run
from core.objective import stack_theta
from core.ols import Fit
from core.stability import Spectrum
from core.validation import positive_real


def tolerance_level(loss_history, optimum_loss: float, rel_tol: float) -> float:
    r"""The loss that counts as arrived: :math:`L^* (1 + \text{rel\_tol})`.

    When the optimum loss is zero (a perfect fit), no relative gap exists, so the
    gap is taken relative to the starting loss instead: :math:`\text{rel\_tol}\, L_0`.

    Parameters
    ----------
    loss_history : array_like of shape (epochs_run + 1,)
        Loss per epoch, row 0 the start (as in :class:`core.History`).
    optimum_loss : float
        Loss of the closed-form answer, :math:`L^*`.
    rel_tol : float
        Allowed relative gap, >= 0 (``1e-3`` means within 0.1 % of the optimum).

    Raises
    ------
    ValueError
        For a negative or non-finite ``rel_tol``.
    """
    rel_tol = positive_real("rel_tol", rel_tol, allow_zero=True)
    if optimum_loss > 0:
        return optimum_loss * (1.0 + rel_tol)
    return rel_tol * float(np.asarray(loss_history, dtype=np.float64)[0])


def epochs_to_tolerance(loss_history, optimum_loss: float, rel_tol: float) -> int | None:
    """The first epoch whose loss is at most :func:`tolerance_level`, or None.

    Parameters
    ----------
    loss_history : array_like of shape (epochs_run + 1,)
    optimum_loss : float
    rel_tol : float
        See :func:`tolerance_level`.

    Returns
    -------
    int or None
        The epoch (0 when the start is already close enough); None when no
        recorded epoch gets there.
    """
    losses = np.asarray(loss_history, dtype=np.float64)
    if losses.size == 0:
        return None
    level = tolerance_level(losses, optimum_loss, rel_tol)
    reached = np.flatnonzero(np.isfinite(losses) & (losses <= level))
    return int(reached[0]) if reached.size else None


def epochs_to_stay(loss_history, optimum_loss: float, rel_tol: float) -> int | None:
    """The first epoch from which every recorded loss stays within :func:`tolerance_level`.

    A run can touch the band and leave it again (momentum overshoots, a noisy
    mini-batch run jitters): it has arrived only from the epoch after its last
    visit outside, provided it ends inside. :func:`epochs_to_tolerance` gives the
    first touch, which is never later. Its parameters are those of
    :func:`epochs_to_tolerance`.

    Returns
    -------
    int or None
        The epoch (0 when every epoch is close enough); None when the last
        recorded loss is outside the band (or not finite), so the run has not stayed.
    """
    losses = np.asarray(loss_history, dtype=np.float64)
    if losses.size == 0:
        return None
    level = tolerance_level(losses, optimum_loss, rel_tol)
    outside = np.flatnonzero(~(np.isfinite(losses) & (losses <= level)))
    if outside.size == 0:
        return 0
    stayed = int(outside[-1]) + 1
    return stayed if stayed < losses.size else None


def distance_to_optimum(run: Run, fit: Fit) -> float:
    r"""Euclidean distance from a run's final parameters to the closed form, in original units.

    .. math:: \lVert (w - w^*, b - b^*) \rVert_2

    The intercept counts only when the run fits one.
    """
    delta = stack_theta(run.coef, run.intercept, run.fit_intercept) - stack_theta(
        fit.coef, fit.intercept, run.fit_intercept
    )
    return float(np.linalg.norm(delta))


def predicted_loss_gap(gap0: float, contraction: float, epochs) -> np.ndarray:
    r"""The loss gap predicted for plain full-batch descent: :math:`g_0\,\rho^{2e}`.

    On a quadratic loss the parameter error shrinks by at most the contraction
    :math:`\rho = \max_i |1 - \eta\lambda_i|` per epoch, so the loss gap
    :math:`L_e - L^*` shrinks by :math:`\rho^2`.

    Parameters
    ----------
    gap0 : float
        Gap at epoch 0, :math:`L_0 - L^*` (>= 0).
    contraction : float
        :math:`\rho`, from :meth:`core.Spectrum.contraction`.
    epochs : array_like of int
        Epochs to predict at.

    Returns
    -------
    ndarray
        Same shape as ``epochs``; ``inf`` where a growing gap overflows, never NaN.
    """
    epochs = np.asarray(epochs, dtype=np.float64)
    if gap0 <= 0:
        return np.zeros_like(epochs)
    with np.errstate(over="ignore"):
        return gap0 * np.power(float(contraction), 2.0 * epochs)


class MomentumSuggestion(NamedTuple):
    r"""A heavy-ball setting and the error shrink per epoch it promises.

    Attributes
    ----------
    beta : float
        Momentum decay :math:`\beta`.
    learning_rate : float
        Step size :math:`\eta`.
    factor : float
        Per-epoch shrink of the parameter error, :math:`\sqrt\beta`
        (the loss gap shrinks by :math:`\beta`).
    """

    beta: float
    learning_rate: float
    factor: float


def momentum_suggestion(spectrum: Spectrum) -> MomentumSuggestion | None:
    r"""The best heavy-ball momentum for a quadratic loss with this spectrum (Polyak, 1964).

    .. math::

        \beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad
        \eta^* = \left(\frac{2}{\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}}\right)^2,

    for the rule :math:`v \leftarrow \beta v + g,\ \theta \leftarrow \theta - \eta v`.
    The error then shrinks by :math:`\sqrt{\beta^*} = (\sqrt\kappa-1)/(\sqrt\kappa+1)` per
    epoch, against :math:`(\kappa-1)/(\kappa+1)` for plain descent at its best rate.

    Returns
    -------
    MomentumSuggestion or None
        None when the loss has a flat direction (:math:`\kappa = \infty`) or no
        curvature at all: no setting converges there at a steady rate.
    """
    low, high = spectrum.lambda_min, spectrum.lambda_max
    if not (low > 0 and math.isfinite(spectrum.condition)):
        return None
    root = math.sqrt(spectrum.condition)
    factor = (root - 1.0) / (root + 1.0)
    rate = (2.0 / (math.sqrt(high) + math.sqrt(low))) ** 2
    return MomentumSuggestion(beta=factor**2, learning_rate=rate, factor=factor)


def momentum_beta(spectrum: Spectrum, learning_rate: float) -> float | None:
    r"""The momentum decay that converges fastest at a given learning rate.

    Heavy ball shrinks every direction by :math:`\sqrt\beta` per epoch exactly
    when :math:`(1-\sqrt\beta)^2 \le \eta\lambda_i \le (1+\sqrt\beta)^2` for all
    eigenvalues, so the smallest such decay is

    .. math::

        \beta(\eta) = \max\left(1 - \sqrt{\eta\lambda_{\min}},\
        \sqrt{\eta\lambda_{\max}} - 1,\ 0\right)^2.

    At :math:`\eta = \eta^*` this is :math:`\beta^*` of :func:`momentum_suggestion`.

    Returns
    -------
    float or None
        None when no decay below 1 converges at this rate
        (:math:`\eta\lambda_{\max} \ge 4`, or a flat direction).
    """
    learning_rate = positive_real("learning_rate", learning_rate)
    low, high = spectrum.lambda_min, spectrum.lambda_max
    root = max(1.0 - math.sqrt(learning_rate * low), math.sqrt(learning_rate * high) - 1.0, 0.0)
    if not (low > 0 and root < 1.0):
        return None
    return root**2


def race_winner(epochs_to_tol, final_losses, diverged) -> int | None:
    """Index of the run that wins a race, or None when every run diverged.

    The fewest epochs to the tolerance wins; a tie, or no run reaching it, is
    settled by the lowest final loss. Diverged runs never win.

    Parameters
    ----------
    epochs_to_tol : sequence of int or None
        Per run, the epoch it arrived and stayed, from :func:`epochs_to_stay`
        (None for a run that did not stay within the tolerance).
    final_losses : sequence of float
    diverged : sequence of bool
    """
    contenders = [i for i, blew_up in enumerate(diverged) if not blew_up]
    if not contenders:
        return None

    def rank(i: int) -> tuple[float, float]:
        epochs = epochs_to_tol[i]
        return (math.inf if epochs is None else epochs, final_losses[i])

    return min(contenders, key=rank)
