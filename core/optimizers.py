r"""Update rules, each a pair of pure functions in the style of optax.

An :class:`Optimizer` is ``init(params) -> state`` and
``update(grad, state, learning_rate) -> (updates, new_state)``; the caller adds
``updates`` to the parameters. States are small NamedTuples; nothing mutates
its inputs. With :math:`g_t` the gradient and :math:`\eta_t` the learning rate:

============  ==========================================================================
rule          update
============  ==========================================================================
gd            :math:`\Delta = -\eta g`
momentum      :math:`v \leftarrow \beta v + g,\ \Delta = -\eta v`
nesterov      :math:`v \leftarrow \beta v + g,\ \Delta = -\eta(\beta v + g)`
adagrad       :math:`G \leftarrow G + g^2,\ \Delta = -\eta g / (\sqrt{G} + \epsilon)`
rmsprop       :math:`s \leftarrow \rho s + (1-\rho) g^2,\ \Delta = -\eta g / (\sqrt{s} + \epsilon)`
adam          :math:`m \leftarrow \beta_1 m + (1-\beta_1) g,`
              :math:`v \leftarrow \beta_2 v + (1-\beta_2) g^2,`
              :math:`\Delta = -\eta\,\hat m / (\sqrt{\hat v} + \epsilon)` with bias-corrected
              :math:`\hat m = m/(1-\beta_1^t)`, :math:`\hat v = v/(1-\beta_2^t)`
============  ==========================================================================

Nesterov is written in the look-ahead-free form (Sutskever et al., 2013) that
needs the gradient at the current point only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from core.validation import choice, real_in


class Optimizer(NamedTuple):
    """An update rule as two pure functions, plus its name and hyperparameters."""

    name: str
    hyperparameters: dict[str, float]
    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, float], tuple[np.ndarray, Any]]


class EmptyState(NamedTuple):
    """Plain gradient descent keeps nothing between steps."""


class VelocityState(NamedTuple):
    """Running velocity of momentum methods."""

    velocity: np.ndarray


class SquareSumState(NamedTuple):
    """Accumulated squared gradients (AdaGrad) or their moving average (RMSProp)."""

    squares: np.ndarray


class AdamState(NamedTuple):
    """First and second moment estimates and the step count of Adam."""

    mean: np.ndarray
    square: np.ndarray
    count: int


def gd() -> Optimizer:
    """Plain gradient descent."""

    def update(grad, state, learning_rate):
        return -learning_rate * grad, state

    return Optimizer("gd", {}, lambda params: EmptyState(), update)


def momentum(beta: float = 0.9) -> Optimizer:
    """Heavy-ball momentum with decay ``beta``."""

    def update(grad, state, learning_rate):
        velocity = beta * state.velocity + grad
        return -learning_rate * velocity, VelocityState(velocity)

    return Optimizer(
        "momentum", {"beta": beta}, lambda params: VelocityState(np.zeros_like(params)), update
    )


def nesterov(beta: float = 0.9) -> Optimizer:
    """Nesterov accelerated gradient with decay ``beta``."""

    def update(grad, state, learning_rate):
        velocity = beta * state.velocity + grad
        return -learning_rate * (beta * velocity + grad), VelocityState(velocity)

    return Optimizer(
        "nesterov", {"beta": beta}, lambda params: VelocityState(np.zeros_like(params)), update
    )


def adagrad(eps: float = 1e-8) -> Optimizer:
    """AdaGrad: per-coordinate steps shrink with the sum of past squared gradients."""

    def update(grad, state, learning_rate):
        squares = state.squares + grad * grad
        return -learning_rate * grad / (np.sqrt(squares) + eps), SquareSumState(squares)

    return Optimizer(
        "adagrad", {"eps": eps}, lambda params: SquareSumState(np.zeros_like(params)), update
    )


def rmsprop(rho: float = 0.9, eps: float = 1e-8) -> Optimizer:
    """RMSProp: per-coordinate steps scaled by a moving average of squared gradients."""

    def update(grad, state, learning_rate):
        squares = rho * state.squares + (1.0 - rho) * grad * grad
        return -learning_rate * grad / (np.sqrt(squares) + eps), SquareSumState(squares)

    return Optimizer(
        "rmsprop",
        {"rho": rho, "eps": eps},
        lambda params: SquareSumState(np.zeros_like(params)),
        update,
    )


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam with bias-corrected first and second moments."""

    def init(params):
        return AdamState(np.zeros_like(params), np.zeros_like(params), 0)

    def update(grad, state, learning_rate):
        count = state.count + 1
        mean = beta1 * state.mean + (1.0 - beta1) * grad
        square = beta2 * state.square + (1.0 - beta2) * grad * grad
        mean_hat = mean / (1.0 - beta1**count)
        square_hat = square / (1.0 - beta2**count)
        return -learning_rate * mean_hat / (np.sqrt(square_hat) + eps), AdamState(
            mean, square, count
        )

    return Optimizer("adam", {"beta1": beta1, "beta2": beta2, "eps": eps}, init, update)


_FACTORIES = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adagrad": adagrad,
    "rmsprop": rmsprop,
    "adam": adam,
}

#: The update rules by name, each with its default hyperparameters.
OPTIMIZERS: dict[str, dict[str, float]] = {
    name: factory().hyperparameters for name, factory in _FACTORIES.items()
}

#: Allowed interval ``[low, high)`` of each decay hyperparameter; ``eps`` lies in (0, 1).
HYPERPARAMETER_BOUNDS = {
    "beta": (0.0, 1.0),
    "beta1": (0.0, 1.0),
    "beta2": (0.0, 1.0),
    "rho": (0.0, 1.0),
}


def make_optimizer(name: str, **hyperparameters: float) -> Optimizer:
    """Build the update rule ``name`` with the given hyperparameters.

    Raises
    ------
    ValueError
        For an unknown rule, an unknown hyperparameter or a value out of range.
    """
    choice("optimizer", name, tuple(_FACTORIES))
    allowed = OPTIMIZERS[name]
    for key, value in hyperparameters.items():
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise ValueError(f"{name} has no hyperparameter {key!r}; it takes: {known}.")
        low, high = HYPERPARAMETER_BOUNDS.get(key, (1e-300, 1.0))
        hyperparameters[key] = real_in(f"{name} {key}", value, low, high)
    return _FACTORIES[name](**hyperparameters)
