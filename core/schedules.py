r"""Learning-rate schedules: the rate :math:`\eta_e` used during epoch :math:`e = 0, 1, \dots`.

==============  ==============================================================
schedule        :math:`\eta_e`
==============  ==============================================================
constant        :math:`\eta_0`
step            :math:`\eta_0 \cdot \text{drop}^{\lfloor e / \text{every} \rfloor}`
exponential     :math:`\eta_0 \cdot \gamma^{e}`
inverse_time    :math:`\eta_0 / (1 + k e)`
cosine          :math:`\eta_{\min} + \tfrac12(\eta_0 - \eta_{\min})(1 + \cos(\pi e / E))`
polynomial      :math:`\eta_{\min} + (\eta_0 - \eta_{\min})(1 - e / E)^{p}`
==============  ==============================================================

The rate changes once per epoch (every mini-batch step of an epoch uses the
same rate), which keeps runs with different batch sizes comparable.

Each schedule is a :class:`Schedule` in :data:`REGISTRY`: a small function of the
starting rate, the epochs and its parameters (copied by its source into exported
scripts), with each parameter's default, range, control label and symbol. The
sidebar's controls, the links and the exports read it from there, so a new schedule
is one function and one record here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.validation import choice, declared_once, integer_in, positive_real, real_in


@dataclass(frozen=True)
class Parameter:
    r"""One parameter of a schedule.

    Attributes
    ----------
    name : str
        The schedule function's keyword.
    key : str
        Its control's key and the name shared links carry.
    default : float or int
        An int default makes a whole-number parameter.
    low, high : float
        The values the engine allows, ``[low, high]``; ``high`` None means up to the
        starting rate :math:`\eta_0`, ``inf`` no upper end.
    control : tuple of (float, float)
        The range the control offers, inside the engine's (a control needs ends).
    label : str
        The control's label.
    symbol : str
        LaTeX, as :attr:`Schedule.latex` writes it.
    """

    name: str
    key: str
    default: float
    low: float
    high: float | None
    control: tuple[float, float]
    label: str
    symbol: str

    def check(self, schedule: str, value, rate: float):
        """``value`` if the engine allows it on a run starting at ``rate``, else ValueError."""
        label = f"{schedule} {self.name}"
        high = rate if self.high is None else self.high
        if isinstance(self.default, int):
            return integer_in(label, value, int(self.low), int(high))
        if math.isinf(high):
            return positive_real(label, value, allow_zero=True)
        return real_in(label, value, self.low, high, closed_high=True)


@dataclass(frozen=True)
class Schedule:
    r"""A learning-rate schedule: its formula as a function, its parameters, its words.

    Attributes
    ----------
    name : str
        Its key (``"cosine"``) in settings, links and run records.
    label : str
        The control's option text.
    rates : callable
        ``(learning_rate, epoch, epochs, **parameters) -> ndarray``: the rate of each
        epoch, ``epoch`` the float array :math:`0, 1, \dots, E-1`.
    parameters : tuple of Parameter
    latex : str
        :math:`\eta_e` in LaTeX.
    """

    name: str
    label: str
    rates: Callable[..., np.ndarray]
    parameters: tuple[Parameter, ...] = ()
    latex: str = ""

    @property
    def defaults(self) -> dict[str, float]:
        """Every parameter's default, by name."""
        return {p.name: p.default for p in self.parameters}


def constant(learning_rate, epoch, epochs):
    """The same rate every epoch: η_e = η₀."""
    return np.full(epochs, learning_rate)


def step_decay(learning_rate, epoch, epochs, drop, every):
    """The rate times ``drop`` after every ``every`` epochs: η_e = η₀ · drop^⌊e / every⌋."""
    return learning_rate * drop ** np.floor(epoch / every)


def exponential_decay(learning_rate, epoch, epochs, gamma):
    """The rate times ``gamma`` each epoch: η_e = η₀ · γ^e."""
    return learning_rate * gamma**epoch


def inverse_time_decay(learning_rate, epoch, epochs, decay):
    """The rate over one plus ``decay`` per epoch: η_e = η₀ / (1 + k e)."""
    return learning_rate / (1.0 + decay * epoch)


def cosine_decay(learning_rate, epoch, epochs, min_lr):
    """Half a cosine wave from the rate down towards ``min_lr``.

    η_e = η_min + ½ (η₀ − η_min)(1 + cos(π e / E)), E the epochs.
    """
    return min_lr + 0.5 * (learning_rate - min_lr) * (1.0 + np.cos(np.pi * epoch / epochs))


def polynomial_decay(learning_rate, epoch, epochs, power, min_lr):
    """From the rate down towards ``min_lr`` along a power of the epochs left.

    η_e = η_min + (η₀ − η_min)(1 − e / E)^p, E the epochs: a straight line for p = 1,
    a quick drop then a long tail for p > 1, a long plateau then a late drop for p < 1.
    """
    return min_lr + (learning_rate - min_lr) * (1.0 - epoch / epochs) ** power


#: The floor of the decaying schedules, up to the starting rate.
_MIN_LR = Parameter("min_lr", "min_lr", 0.0, 0.0, None, (0.0, 10.0), "Final rate", r"\eta_{\min}")

#: Every schedule by name, in the order the control offers them.
REGISTRY: dict[str, Schedule] = {
    schedule.name: schedule
    for schedule in (
        Schedule("constant", "Constant", constant, (), r"\eta_e = \eta_0"),
        Schedule(
            "step",
            "Step decay",
            step_decay,
            (
                Parameter(
                    "drop", "step_drop", 0.5, 0.0, 1.0, (0.01, 1.0), "Drop ×", r"\text{drop}"
                ),
                Parameter(
                    "every",
                    "step_every",
                    100,
                    1,
                    10**9,
                    (1, 100_000),
                    "Every (epochs)",
                    r"\text{every}",
                ),
            ),
            r"\eta_e = \eta_0 \cdot \text{drop}^{\lfloor e / \text{every} \rfloor}",
        ),
        Schedule(
            "exponential",
            "Exponential",
            exponential_decay,
            (Parameter("gamma", "gamma", 0.99, 0.0, 1.0, (0.5, 1.0), "γ per epoch", r"\gamma"),),
            r"\eta_e = \eta_0\, \gamma^{e}",
        ),
        Schedule(
            "inverse_time",
            "Inverse time",
            inverse_time_decay,
            (Parameter("decay", "decay", 0.01, 0.0, math.inf, (0.0, 100.0), "Decay k", "k"),),
            r"\eta_e = \frac{\eta_0}{1 + k\, e}",
        ),
        Schedule(
            "cosine",
            "Cosine",
            cosine_decay,
            (_MIN_LR,),
            r"\eta_e = \eta_{\min} + \tfrac12 (\eta_0 - \eta_{\min})"
            r"\left(1 + \cos\frac{\pi e}{E}\right)",
        ),
        Schedule(
            "polynomial",
            "Polynomial",
            polynomial_decay,
            (Parameter("power", "power", 1.0, 0.0, 100.0, (0.0, 10.0), "Power p", "p"), _MIN_LR),
            r"\eta_e = \eta_{\min} + (\eta_0 - \eta_{\min})\left(1 - \frac{e}{E}\right)^{p}",
        ),
    )
}

#: Every parameter of any schedule, by its control's key.
PARAMETERS: dict[str, Parameter] = declared_once(
    (schedule.name, p.key, p) for schedule in REGISTRY.values() for p in schedule.parameters
)

#: Each schedule's parameters and their defaults.
SCHEDULES: dict[str, dict[str, float]] = {name: s.defaults for name, s in REGISTRY.items()}


def checked_parameters(name: str, learning_rate: float, **params: float) -> dict[str, float]:
    """Every parameter of schedule ``name``, given or default, checked as the engine takes it.

    Raises
    ------
    ValueError
        For an unknown schedule or parameter, or a value out of range.
    """
    schedule = REGISTRY[choice("schedule", name, tuple(REGISTRY))]
    unknown = set(params) - set(schedule.defaults)
    if unknown:
        known = ", ".join(schedule.defaults) or "none"
        raise ValueError(
            f"schedule {name!r} has no parameter {sorted(unknown)[0]!r}; it takes: {known}."
        )
    return {
        p.name: p.check(name, params.get(p.name, p.default), learning_rate)
        for p in schedule.parameters
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
    checked = checked_parameters(name, learning_rate, **params)
    epoch = np.arange(epochs, dtype=np.float64)
    return REGISTRY[name].rates(learning_rate, epoch, epochs, **checked)
