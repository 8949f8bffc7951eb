r"""How large a learning rate the data allow, read off the loss's Hessian.

For full-batch gradient descent on a quadratic loss with Hessian :math:`H`, the
error along each eigenvector shrinks by :math:`|1 - \eta\lambda_i|` per epoch.
So descent converges only when :math:`\eta < 2/\lambda_{\max}`; it moves
smoothly (no sign flips) when :math:`\eta \le 1/\lambda_{\max}`; and the constant
rate that makes the slowest direction fastest is
:math:`\eta^* = 2/(\lambda_{\min} + \lambda_{\max})`, with per-epoch factor
:math:`(\kappa - 1)/(\kappa + 1)` where :math:`\kappa = \lambda_{\max}/\lambda_{\min}`.
The loss gap shrinks by the square of that factor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.objective import LOSSES, QuadraticLoss, Scaling
from core.validation import as_design, choice, positive_real

#: What a learning rate does to full-batch gradient descent on this data.
REGIMES = ("smooth", "oscillates", "diverges")


@dataclass(frozen=True)
class Spectrum:
    """Eigenvalues of the loss's Hessian and the learning rates they imply.

    Attributes
    ----------
    eigenvalues : ndarray of shape (n_params,)
        Ascending; round-off below zero is clipped to zero.
    lambda_min, lambda_max : float
    condition : float
        :math:`\\lambda_{\\max}/\\lambda_{\\min}`; ``inf`` when the loss has a flat direction.
    max_stable_lr : float
        :math:`2/\\lambda_{\\max}`: rates at or above it diverge.
    best_lr : float
        :math:`2/(\\lambda_{\\min}+\\lambda_{\\max})`: the fastest constant rate.
    """

    eigenvalues: np.ndarray
    lambda_min: float
    lambda_max: float
    condition: float
    max_stable_lr: float
    best_lr: float

    @classmethod
    def of(cls, loss: QuadraticLoss) -> Spectrum:
        """The spectrum of ``loss.hessian()``."""
        H = loss.hessian()
        eigenvalues = np.clip(np.linalg.eigvalsh(H), 0.0, None)
        lambda_max = float(eigenvalues[-1])
        # Eigenvalues below round-off of the largest are indistinguishable from zero.
        floor = lambda_max * H.shape[0] * np.finfo(np.float64).eps
        lambda_min = float(eigenvalues[0]) if eigenvalues[0] > floor else 0.0
        if lambda_max == 0.0:
            return cls(eigenvalues, 0.0, 0.0, math.inf, math.inf, math.inf)
        return cls(
            eigenvalues=eigenvalues,
            lambda_min=lambda_min,
            lambda_max=lambda_max,
            condition=lambda_max / lambda_min if lambda_min > 0 else math.inf,
            max_stable_lr=2.0 / lambda_max,
            best_lr=2.0 / (lambda_min + lambda_max),
        )

    def contraction(self, learning_rate: float) -> float:
        """Per-epoch shrink factor of the parameter error, :math:`\\max_i |1 - \\eta\\lambda_i|`.

        Flat directions (zero eigenvalues) neither shrink nor grow and are left out.
        """
        active = self.eigenvalues[self.eigenvalues > 0]
        if active.size == 0:
            return 1.0
        return float(np.max(np.abs(1.0 - learning_rate * active)))

    def regime(self, learning_rate: float) -> str:
        """``"smooth"``, ``"oscillates"`` or ``"diverges"`` for plain full-batch descent."""
        if learning_rate >= self.max_stable_lr:
            return "diverges"
        if learning_rate > self.max_stable_lr / 2:
            return "oscillates"
        return "smooth"

    def epochs_to_shrink(self, learning_rate: float, factor: float) -> float:
        """Epochs until the loss gap falls by ``factor``; ``inf`` when it never does."""
        rho = self.contraction(learning_rate)
        if rho >= 1.0:
            return math.inf
        if rho == 0.0:
            return 1.0
        return math.log(factor) / (-2.0 * math.log(rho))


@dataclass(frozen=True)
class Stability:
    """The spectrum of the loss in the data's own units and with standardized features."""

    raw: Spectrum
    standardized: Spectrum


def stability(X, fit_intercept: bool = True, l2: float = 0.0, *, loss: str = "mse") -> Stability:
    """Analyse the learning rates the data allow, raw and standardized.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    fit_intercept : bool
    l2 : float
        Ridge strength; it adds :math:`2\\lambda_2` to the curvature of each coefficient.
    loss : {"mse", "half_mse"}
        The loss convention; halving the data term halves its curvature, so every
        limit on the rate doubles under "half_mse" (see :mod:`core.objective`).

    Returns
    -------
    Stability
    """
    X, _ = as_design(X, np.zeros(np.shape(X)[0]))
    l2 = positive_real("l2", l2, allow_zero=True)
    choice("loss", loss, LOSSES)
    loss = QuadraticLoss.from_data(
        X, np.zeros(X.shape[0]), l2=l2, fit_intercept=fit_intercept, convention=loss
    )
    return stability_of(loss)


def stability_of(loss: QuadraticLoss) -> Stability:
    """:func:`stability` from sufficient statistics already taken (the target is irrelevant)."""
    standardized = loss.rescaled(Scaling.standardizing(loss))
    return Stability(raw=Spectrum.of(loss), standardized=Spectrum.of(standardized))
