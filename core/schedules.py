r"""Learning-rate schedules: the rate :math:`\eta_e` used during epoch :math:`e = 0, 1, \dots`.

==============  ==============================================================
schedule        :math:`\eta_e`
==============  ==============================================================
constant        :math:`\eta_0`
step            :math:`\eta_0 \cdot \text{drop}^{\lfloor e / \text{every} \rfloor}`
exponential     :math:`\eta_0 \cdot \gamma^{e}`
inverse_time    :math:`\eta_0 / (1 + k e)`
cosine          :math:`\eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi e / E))`
==============  ==============================================================

The rate changes once per epoch (every mini-batch step of an epoch uses the
same rate), which keeps runs with different batch sizes comparable.
"""

from __future__ import annotations

import numpy as np

from core.validation import choice, integer_in, positive_real, real_in

#: Each schedule's parameters and their defaults.
SCHEDULES: dict[str, dict[str, float]] = {
    "constant": {},
    "step": {"drop": 0.5, "every": 100},
    "exponential": {"gamma": 0.99},
    "inverse_time": {"decay": 0.01},
    "cosine": {"min_lr": 0.0},
}


def learning_rates(name: str, learning_rate: float, epochs: int, **params: float) -> np.ndarray:
    """The learning rate of every epoch, shape ``(epochs,)``.

    Parameters
    ----------
    name : str
        One of :data:`SCHEDULES`.
    learning_rate : float
        The starting rate :math:`\\eta_0`.
    epochs : int
        The epoch budget :math:`E`.
    **params
        The schedule's own parameters (see :data:`SCHEDULES`).

    Raises
    ------
    ValueError
        For an unknown schedule or parameter, or a value out of range.
    """
    choice("schedule", name, tuple(SCHEDULES))
    unknown = set(params) - set(SCHEDULES[name])
    if unknown:
        known = ", ".join(SCHEDULES[name]) or "none"
        raise ValueError(
            f"schedule {name!r} has no parameter {sorted(unknown)[0]!r}; it takes: {known}."
        )
    p = {**SCHEDULES[name], **params}
    epoch = np.arange(epochs, dtype=np.float64)
    if name == "constant":
        return np.full(epochs, learning_rate)
    if name == "step":
        drop = real_in("step drop", p["drop"], 0.0, 1.0, closed_high=True)
        every = integer_in("step every", p["every"], 1, 10**9)
        return learning_rate * drop ** np.floor(epoch / every)
    if name == "exponential":
        gamma = real_in("exponential gamma", p["gamma"], 0.0, 1.0, closed_high=True)
        return learning_rate * gamma**epoch
    if name == "inverse_time":
        decay = positive_real("inverse_time decay", p["decay"], allow_zero=True)
        return learning_rate / (1.0 + decay * epoch)
    min_lr = real_in("cosine min_lr", p["min_lr"], 0.0, learning_rate, closed_high=True)
    return min_lr + 0.5 * (learning_rate - min_lr) * (1.0 + np.cos(np.pi * epoch / epochs))
