r"""Update rules, each one record: the maths as a pair of pure functions beside its words.

An :class:`Optimizer` is ``init(params) -> state`` and
``update(grad, state, learning_rate) -> (updates, new_state)`` in the style of
optax; the caller adds ``updates`` to the parameters. States are small
NamedTuples; nothing mutates its inputs. With :math:`g_t` the gradient and
:math:`\eta_t` the learning rate:

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
lion          :math:`\Delta = -\eta\,\operatorname{sign}(\beta_1 m + (1-\beta_1) g),`
              then :math:`m \leftarrow \beta_2 m + (1-\beta_2) g`
============  ==========================================================================

Nesterov is written in the look-ahead-free form (Sutskever et al., 2013) that
needs the gradient at the current point only.

Each rule is a :class:`Rule` in :data:`RULES`: its factory, its hyperparameters
(default, range, symbol, control label), the LaTeX of the rule, what it keeps
between steps in words and symbols, its stability limit on a quadratic bowl
where one is known, and the lines that work one of its steps by hand. The
verdict, the Learn page, the sidebar's controls and the links all read it from
there, so a new rule is one factory and one record here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from core.latex import factor, tex
from core.validation import choice, declared_once, real_in


class Optimizer(NamedTuple):
    """An update rule as two pure functions, plus its name and hyperparameters."""

    name: str
    hyperparameters: dict[str, float]
    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any, float], tuple[np.ndarray, Any]]


@dataclass(frozen=True)
class Hyperparameter:
    r"""One hyperparameter of an update rule, as the engine, the controls and the pages know it.

    Attributes
    ----------
    name : str
        The rule's keyword argument; also the key of its control and of shared links,
        so rules that take the same name share one declaration (see :data:`HYPERPARAMETERS`).
    default : float
    low, high : float
        The values the engine allows, ``[low, high)``.
    symbol : str
        LaTeX, ``r"\beta_1"``.
    sign : str
        As a sentence writes it, ``"β₁"``.
    label : str
        The control's label; empty for a hyperparameter without a control (ε).
    """

    name: str
    default: float
    low: float
    high: float
    symbol: str
    sign: str
    label: str = ""


@dataclass(frozen=True)
class Bound:
    r"""A rule's limits on a quadratic bowl, in multiples of :math:`2/\lambda_{\max}`.

    Attributes
    ----------
    diverges : float
        Rates at or above ``diverges`` :math:`\cdot 2/\lambda_{\max}` diverge.
    formula : str
        That limit as text, ``"2(1+β)/λmax"``.
    smooth : float
        Rates at or below ``smooth`` :math:`\cdot 2/\lambda_{\max}` move without overshooting.
    smooth_formula : str
    """

    diverges: float
    formula: str
    smooth: float
    smooth_formula: str


@dataclass(frozen=True)
class Worked:
    """One parameter's numbers in one worked step, as a rule's lesson lines write them.

    Attributes
    ----------
    p : str
        The parameter's LaTeX name (``w_{1}``, ``b``).
    g : float
        Its gradient :math:`g_p = \\partial L/\\partial p`.
    old, new : float
        The parameter before and after the step.
    rate : float
        :math:`\\eta` of the step.
    t : int
        The step's number, 1 for the first.
    h : mapping of str to float
        The rule's hyperparameters.
    before, after : mapping of str to float
        The rule's named state (see :attr:`Rule.named`) before and after the step, 0 at the start.
    """

    p: str
    g: float
    old: float
    new: float
    rate: float
    t: int
    h: Mapping[str, float]
    before: Mapping[str, float]
    after: Mapping[str, float]


@dataclass(frozen=True)
class Rule:
    """An update rule: its maths (the factory) beside everything said about it.

    Attributes
    ----------
    name : str
        Its key (``"adam"``), in settings, links and run records.
    label : str
        The control's option text, ``"Adam"``.
    title : str
        As a sentence names it, ``"Heavy-ball momentum"``.
    make : callable
        The factory: hyperparameters as keywords -> :class:`Optimizer`.
    hyperparameters : tuple of Hyperparameter
    latex : str
        The rule in LaTeX, with :math:`g_t = \\nabla L(\\theta_t)`.
    words : str
        What it keeps between steps, in words (Markdown).
    kept : tuple of str
        The state a worked step updates, as the heading above its lines names it.
    named : callable
        ``(state, hyperparameters) -> {symbol: ndarray}``: the state a worked step shows.
    lines : callable
        ``Worked -> list of str``: one parameter's step worked by hand, in LaTeX.
    limit : callable or None
        ``hyperparameters -> Bound``: its limits on a quadratic bowl; None when no closed
        form is known.
    limit_words : str
        What is and is not known about its rate, beyond the verdict.
    steps_words : str
        How it sizes its steps, for rules without a closed-form limit.
    """

    name: str
    label: str
    title: str
    make: Callable[..., Optimizer]
    hyperparameters: tuple[Hyperparameter, ...]
    latex: str
    words: str
    kept: tuple[str, ...]
    named: Callable[[Any, Mapping[str, float]], dict[str, np.ndarray]]
    lines: Callable[[Worked], list[str]]
    limit: Callable[[Mapping[str, float]], Bound] | None = None
    limit_words: str = ""
    steps_words: str = ""

    @property
    def defaults(self) -> dict[str, float]:
        """Every hyperparameter's default, by name."""
        return {h.name: h.default for h in self.hyperparameters}

    @property
    def controls(self) -> tuple[Hyperparameter, ...]:
        """The hyperparameters people set with a control (all but ε)."""
        return tuple(h for h in self.hyperparameters if h.label)


def _decay(name: str, default: float, symbol: str, sign: str, label: str) -> Hyperparameter:
    """A decay weight in [0, 1)."""
    return Hyperparameter(name, default, 0.0, 1.0, symbol, sign, label)


#: ε, the guard against dividing by zero; in (0, 1), without a control.
EPS = Hyperparameter("eps", 1e-8, 1e-300, 1.0, r"\epsilon", "ε")
BETA = _decay("beta", 0.9, r"\beta", "β", "Momentum β")
BETA1 = _decay("beta1", 0.9, r"\beta_1", "β₁", "β₁ (first moment)")
BETA2 = _decay("beta2", 0.999, r"\beta_2", "β₂", "β₂ (second moment)")
RHO = _decay("rho", 0.9, r"\rho", "ρ", "Decay ρ")

#: How the limit words of a rule without a closed-form limit begin.
_NO_CLOSED_FORM = "Not known in closed form: plain descent's limit above does not carry over to "


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


# ----------------------------------------------------------------------------- gd


def gd() -> Optimizer:
    """Plain gradient descent."""

    def update(grad, state, learning_rate):
        return -learning_rate * grad, state

    return Optimizer("gd", {}, lambda params: EmptyState(), update)


def _gd_lines(w: Worked) -> list[str]:
    # The gradient's own symbol, as the gradient lines above the update write it.
    return [
        rf"{w.p} \leftarrow {w.p} - \eta\,\frac{{\partial L}}{{\partial {w.p}}} = {tex(w.old)} - "
        rf"{tex(w.rate)}\cdot {factor(w.g)} = {tex(w.new)}"
    ]


_GD = Rule(
    name="gd",
    label="Gradient descent",
    title="Plain gradient descent",
    make=gd,
    hyperparameters=(),
    latex=r"\theta_{t+1} = \theta_t - \eta\, g_t",
    words="Plain gradient descent keeps nothing between steps.",
    kept=(),
    named=lambda state, h: {},
    lines=_gd_lines,
    limit=lambda h: Bound(1.0, "2/λmax", 0.5, "1/λmax"),
)


# ----------------------------------------------------------------------- momentum


def momentum(beta: float = 0.9) -> Optimizer:
    """Heavy-ball momentum with decay ``beta``."""

    def update(grad, state, learning_rate):
        velocity = beta * state.velocity + grad
        return -learning_rate * velocity, VelocityState(velocity)

    return Optimizer(
        "momentum", {"beta": beta}, lambda params: VelocityState(np.zeros_like(params)), update
    )


def _velocity_line(w: Worked) -> str:
    return (
        rf"v_{{{w.p}}} \leftarrow \beta\, v_{{{w.p}}} + g_{{{w.p}}} = {tex(w.h['beta'])}\cdot "
        rf"{factor(w.before['v'])} + {factor(w.g)} = {tex(w.after['v'])}"
    )


def _momentum_lines(w: Worked) -> list[str]:
    return [
        _velocity_line(w),
        rf"{w.p} \leftarrow {w.p} - \eta\, v_{{{w.p}}} = {tex(w.old)} - {tex(w.rate)}\cdot "
        rf"{factor(w.after['v'])} = {tex(w.new)}",
    ]


def _momentum_limit(h: Mapping[str, float]) -> Bound:
    beta = float(h["beta"])
    return Bound(1 + beta, "2(1+β)/λmax", (1 - math.sqrt(beta)) ** 2 / 2, "(1−√β)²/λmax")


_MOMENTUM = Rule(
    name="momentum",
    label="Momentum",
    title="Heavy-ball momentum",
    make=momentum,
    hyperparameters=(BETA,),
    latex=r"v_{t+1} = \beta\, v_t + g_t, \qquad \theta_{t+1} = \theta_t - \eta\, v_{t+1}",
    words="Heavy ball keeps a **velocity v** per parameter: the sum of past gradients, "
    "each step's share decayed by β. It starts at 0, so the first step is plain descent.",
    kept=("the velocity v",),
    named=lambda state, h: {"v": state.velocity},
    lines=_momentum_lines,
    limit=_momentum_limit,
    limit_words="Known in closed form (full batch, quadratic bowl): the limit 2(1+β)/λmax, "
    "wider than plain descent's by 1 + β. Below it, how fast it converges depends on β as well "
    "as η; section 5 tunes the two together.",
)


# ----------------------------------------------------------------------- nesterov


def nesterov(beta: float = 0.9) -> Optimizer:
    """Nesterov accelerated gradient with decay ``beta``."""

    def update(grad, state, learning_rate):
        velocity = beta * state.velocity + grad
        return -learning_rate * (beta * velocity + grad), VelocityState(velocity)

    return Optimizer(
        "nesterov", {"beta": beta}, lambda params: VelocityState(np.zeros_like(params)), update
    )


def _nesterov_lines(w: Worked) -> list[str]:
    return [
        _velocity_line(w),
        rf"{w.p} \leftarrow {w.p} - \eta\,(\beta\, v_{{{w.p}}} + g_{{{w.p}}}) = {tex(w.old)} - "
        rf"{tex(w.rate)}\cdot({tex(w.h['beta'])}\cdot {factor(w.after['v'])} + {factor(w.g)}) "
        rf"= {tex(w.new)}",
    ]


def _nesterov_limit(h: Mapping[str, float]) -> Bound:
    beta = float(h["beta"])
    return Bound(
        (1 + beta) / (1 + 2 * beta),
        "2(1+β)/((1+2β)λmax)",
        ((1 - beta) / (1 + beta)) ** 2 / 2,
        "((1−β)/(1+β))²/λmax",
    )


_NESTEROV = Rule(
    name="nesterov",
    label="Nesterov",
    title="Nesterov momentum",
    make=nesterov,
    hyperparameters=(BETA,),
    latex=r"v_{t+1} = \beta\, v_t + g_t, \qquad "
    r"\theta_{t+1} = \theta_t - \eta\,\left(\beta\, v_{t+1} + g_t\right)",
    words="Nesterov keeps a **velocity v** per parameter, as heavy ball does, and steps "
    "along β·v + g: a look at where the velocity is about to carry it. v starts at 0.",
    kept=("the velocity v",),
    named=lambda state, h: {"v": state.velocity},
    lines=_nesterov_lines,
    limit=_nesterov_limit,
    limit_words="Known in closed form (full batch, quadratic bowl): the limit "
    "2(1+β)/((1+2β)λmax). Below it, how fast it converges depends on β as well as η.",
)


# ------------------------------------------------------------------------ adagrad


def adagrad(eps: float = 1e-8) -> Optimizer:
    """AdaGrad: per-coordinate steps shrink with the sum of past squared gradients."""

    def update(grad, state, learning_rate):
        squares = state.squares + grad * grad
        return -learning_rate * grad / (np.sqrt(squares) + eps), SquareSumState(squares)

    return Optimizer(
        "adagrad", {"eps": eps}, lambda params: SquareSumState(np.zeros_like(params)), update
    )


def _scaled_line(w: Worked, key: str) -> str:
    """The parameter's step, the gradient divided by the root of the state ``key``."""
    return (
        rf"{w.p} \leftarrow {w.p} - \frac{{\eta\, g_{{{w.p}}}}}{{\sqrt{{{key}_{{{w.p}}}}} + "
        rf"\epsilon}} = {tex(w.old)} - \frac{{{tex(w.rate)}\cdot {factor(w.g)}}}"
        rf"{{\sqrt{{{tex(w.after[key])}}} + {tex(w.h['eps'])}}} = {tex(w.new)}"
    )


def _adagrad_lines(w: Worked) -> list[str]:
    return [
        rf"G_{{{w.p}}} \leftarrow G_{{{w.p}}} + g_{{{w.p}}}^2 = {factor(w.before['G'])} + "
        rf"{factor(w.g)}^2 = {tex(w.after['G'])}",
        _scaled_line(w, "G"),
    ]


_ADAGRAD = Rule(
    name="adagrad",
    label="AdaGrad",
    title="AdaGrad",
    make=adagrad,
    hyperparameters=(EPS,),
    latex=r"G_{t+1} = G_t + g_t^2, \qquad "
    r"\theta_{t+1} = \theta_t - \frac{\eta\, g_t}{\sqrt{G_{t+1}} + \epsilon}",
    words="AdaGrad keeps **G**, the sum of every squared gradient so far, per parameter, "
    "and divides each step by √G: parameters with large gradients take smaller steps. "
    "G starts at 0, so the first step is η times the gradient's sign.",
    kept=("the sum of squares G",),
    named=lambda state, h: {"G": state.squares},
    lines=_adagrad_lines,
    limit_words="Not known in closed form: G only grows, so AdaGrad's steps shrink as it "
    "goes and plain descent's limit above does not carry over. Its run is the evidence.",
    steps_words="it divides each step by the root of the sum of all past squared gradients, "
    "so its steps shrink as the run goes on and can stall short of the optimum",
)


# ------------------------------------------------------------------------ rmsprop


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


def _rmsprop_lines(w: Worked) -> list[str]:
    rho = w.h["rho"]
    return [
        rf"s_{{{w.p}}} \leftarrow \rho\, s_{{{w.p}}} + (1-\rho)\, g_{{{w.p}}}^2 = {tex(rho)}"
        rf"\cdot {factor(w.before['s'])} + {tex(1 - rho)}\cdot {factor(w.g)}^2 = "
        rf"{tex(w.after['s'])}",
        _scaled_line(w, "s"),
    ]


_RMSPROP = Rule(
    name="rmsprop",
    label="RMSProp",
    title="RMSProp",
    make=rmsprop,
    hyperparameters=(RHO, EPS),
    latex=r"s_{t+1} = \rho\, s_t + (1-\rho)\, g_t^2, \qquad "
    r"\theta_{t+1} = \theta_t - \frac{\eta\, g_t}{\sqrt{s_{t+1}} + \epsilon}",
    words="RMSProp keeps **s**, a moving average of squared gradients (weight ρ on the "
    "past), per parameter, and divides each step by √s. s starts at 0.",
    kept=("the average of squares s",),
    named=lambda state, h: {"s": state.squares},
    lines=_rmsprop_lines,
    limit_words=_NO_CLOSED_FORM + "RMSProp. Its run is the evidence.",
    steps_words="it divides each step by the root of a running average of recent squared "
    "gradients, so steps stay about η long whatever the curvature",
)


# --------------------------------------------------------------------------- adam


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


def _adam_named(state: AdamState, h: Mapping[str, float]) -> dict[str, np.ndarray]:
    """The moments and their bias-corrected values, as :func:`adam`'s update divides them."""
    return {
        "m": state.mean,
        "v": state.square,
        "m_hat": state.mean / (1.0 - h["beta1"] ** state.count),
        "v_hat": state.square / (1.0 - h["beta2"] ** state.count),
    }


def _adam_lines(w: Worked) -> list[str]:
    p, b1, b2, t, after = w.p, w.h["beta1"], w.h["beta2"], w.t, w.after
    return [
        rf"m_{{{p}}} \leftarrow \beta_1 m_{{{p}}} + (1-\beta_1)\, g_{{{p}}} = {tex(b1)}\cdot "
        rf"{factor(w.before['m'])} + {tex(1 - b1)}\cdot {factor(w.g)} = {tex(after['m'])}",
        rf"v_{{{p}}} \leftarrow \beta_2 v_{{{p}}} + (1-\beta_2)\, g_{{{p}}}^2 = {tex(b2)}\cdot "
        rf"{factor(w.before['v'])} + {tex(1 - b2)}\cdot {factor(w.g)}^2 = {tex(after['v'])}",
        rf"\hat m_{{{p}}} = \frac{{m_{{{p}}}}}{{1-\beta_1^{{{t}}}}} = "
        rf"\frac{{{tex(after['m'])}}}{{1-{tex(b1)}^{{{t}}}}} = {tex(after['m_hat'])}",
        rf"\hat v_{{{p}}} = \frac{{v_{{{p}}}}}{{1-\beta_2^{{{t}}}}} = "
        rf"\frac{{{tex(after['v'])}}}{{1-{tex(b2)}^{{{t}}}}} = {tex(after['v_hat'])}",
        rf"{p} \leftarrow {p} - \frac{{\eta\,\hat m_{{{p}}}}}{{\sqrt{{\hat v_{{{p}}}}} + \epsilon}}"
        rf" = {tex(w.old)} - \frac{{{tex(w.rate)}\cdot {factor(after['m_hat'])}}}"
        rf"{{\sqrt{{{tex(after['v_hat'])}}} + {tex(w.h['eps'])}}} = {tex(w.new)}",
    ]


_ADAM = Rule(
    name="adam",
    label="Adam",
    title="Adam",
    make=adam,
    hyperparameters=(BETA1, BETA2, EPS),
    latex=r"m_{t+1} = \beta_1 m_t + (1-\beta_1) g_t,\quad "
    r"v_{t+1} = \beta_2 v_t + (1-\beta_2) g_t^2,\quad "
    r"\theta_{t+1} = \theta_t - \eta\,\frac{m_{t+1}/(1-\beta_1^{t+1})}"
    r"{\sqrt{v_{t+1}/(1-\beta_2^{t+1})} + \epsilon}",
    words="Adam keeps two moving averages per parameter, **m** of the gradients (weight β₁) "
    "and **v** of their squares (weight β₂), both starting at 0. Dividing by 1 − βᵗ gives the "
    "bias-corrected **m̂** and **v̂**, which undo the pull towards that zero start; the step is "
    "η·m̂/(√v̂ + ε). At step 1, m̂ = g and v̂ = g², so the first step is η times the sign of g.",
    kept=("the moments m and v", "their bias-corrected m̂ and v̂"),
    named=_adam_named,
    lines=_adam_lines,
    limit_words=_NO_CLOSED_FORM + "Adam. Its run is the evidence.",
    steps_words="it divides a running average of the gradient by the root of a running "
    "average of its square, so steps stay about η long whatever the curvature",
)


# --------------------------------------------------------------------------- lion


class LionState(NamedTuple):
    """Lion's momentum: a moving average of the gradients."""

    momentum: np.ndarray


def lion(beta_step: float = 0.9, beta_momentum: float = 0.99) -> Optimizer:
    """Lion (Chen et al., 2023): each coordinate moves η along the sign of a blended gradient.

    The step's direction blends momentum and gradient with weight ``beta_step``
    (the paper's β₁); the momentum then decays by ``beta_momentum`` (β₂). No
    weight decay: the loss's L2 term is Downhill's one penalty.
    """

    def update(grad, state, learning_rate):
        direction = beta_step * state.momentum + (1.0 - beta_step) * grad
        momentum = beta_momentum * state.momentum + (1.0 - beta_momentum) * grad
        return -learning_rate * np.sign(direction), LionState(momentum)

    return Optimizer(
        "lion",
        {"beta_step": beta_step, "beta_momentum": beta_momentum},
        lambda params: LionState(np.zeros_like(params)),
        update,
    )


def _lion_lines(w: Worked) -> list[str]:
    p, b1, b2 = w.p, w.h["beta_step"], w.h["beta_momentum"]
    # The blend is the step's own direction; it is not kept, so it is worked out here.
    blend = b1 * w.before["m"] + (1.0 - b1) * w.g
    return [
        rf"c_{{{p}}} = \beta_1 m_{{{p}}} + (1-\beta_1)\, g_{{{p}}} = {tex(b1)}\cdot "
        rf"{factor(w.before['m'])} + {tex(1 - b1)}\cdot {factor(w.g)} = {tex(blend)}",
        rf"m_{{{p}}} \leftarrow \beta_2 m_{{{p}}} + (1-\beta_2)\, g_{{{p}}} = {tex(b2)}\cdot "
        rf"{factor(w.before['m'])} + {tex(1 - b2)}\cdot {factor(w.g)} = {tex(w.after['m'])}",
        rf"{p} \leftarrow {p} - \eta\,\operatorname{{sign}}(c_{{{p}}}) = {tex(w.old)} - "
        rf"{tex(w.rate)}\cdot {factor(float(np.sign(blend)))} = {tex(w.new)}",
    ]


_LION = Rule(
    name="lion",
    label="Lion",
    title="Lion",
    make=lion,
    hyperparameters=(
        _decay("beta_step", 0.9, r"\beta_1", "β₁", "β₁ (step's blend)"),
        _decay("beta_momentum", 0.99, r"\beta_2", "β₂", "β₂ (momentum decay)"),
    ),
    latex=r"c_t = \beta_1 m_t + (1-\beta_1) g_t,\quad "
    r"\theta_{t+1} = \theta_t - \eta\,\operatorname{sign}(c_t),\quad "
    r"m_{t+1} = \beta_2 m_t + (1-\beta_2) g_t",
    words="Lion keeps a **momentum m** per parameter, a moving average of the gradients "
    "(weight β₂), starting at 0. Each step blends it with the new gradient (weight β₁ on m) "
    "and moves every parameter by exactly η, in the direction opposite to the blend's sign: "
    "the gradient's size never matters, only its sign.",
    kept=("the blend c", "the momentum m"),
    named=lambda state, h: {"m": state.momentum},
    lines=_lion_lines,
    limit_words=_NO_CLOSED_FORM + "Lion: every step is η long, so it never settles closer "
    "than about η to the optimum unless a schedule lowers η. Its run is the evidence.",
    steps_words="it moves every parameter by exactly η along the sign of a blend of the "
    "gradient and its running average, so its steps are η long whatever the curvature",
)


# ----------------------------------------------------------------------- registry

#: Every update rule by name, in the order the controls offer them.
RULES: dict[str, Rule] = {
    rule.name: rule for rule in (_GD, _MOMENTUM, _NESTEROV, _ADAGRAD, _RMSPROP, _ADAM, _LION)
}


#: Every hyperparameter of any rule, by name (its setting's and its links' key).
HYPERPARAMETERS: dict[str, Hyperparameter] = declared_once(
    (rule.name, h.name, h) for rule in RULES.values() for h in rule.hyperparameters
)

#: The update rules by name, each with its default hyperparameters.
OPTIMIZERS: dict[str, dict[str, float]] = {name: rule.defaults for name, rule in RULES.items()}


def make_optimizer(name: str, **hyperparameters: float) -> Optimizer:
    """Build the update rule ``name`` with the given hyperparameters.

    Raises
    ------
    ValueError
        For an unknown rule, an unknown hyperparameter or a value out of range.
    """
    rule = RULES[choice("optimizer", name, tuple(RULES))]
    allowed = {h.name: h for h in rule.hyperparameters}
    for key, value in hyperparameters.items():
        if key not in allowed:
            known = ", ".join(allowed) or "none"
            raise ValueError(f"{name} has no hyperparameter {key!r}; it takes: {known}.")
        h = allowed[key]
        hyperparameters[key] = real_in(f"{name} {key}", value, h.low, h.high)
    return rule.make(**hyperparameters)
