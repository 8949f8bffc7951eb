r"""What a learning rate does: one verdict per update rule, worded once, for every view.

On the quadratic loss of linear regression, a full-batch update rule at a
constant rate :math:`\eta` acts on each eigen-direction of the Hessian (curvature
:math:`\lambda`) on its own, through :math:`h = \eta\lambda`. Each rule's error in
that direction follows a small linear recurrence, and the run converges when every
root of it lies inside the unit circle:

==========  ==============================================  ==============================
rule        converges when :math:`\eta\lambda_{\max} <`      moves without overshooting when
==========  ==============================================  ==============================
gd          :math:`2`                                         :math:`h \le 1`
momentum    :math:`2(1+\beta)`                                :math:`h \le (1-\sqrt\beta)^2`
nesterov    :math:`2(1+\beta)/(1+2\beta)`                     :math:`h \le ((1-\beta)/(1+\beta))^2`
==========  ==============================================  ==============================

Heavy ball, in :math:`(x_t, x_{t-1})`: :math:`x_{t+1} = (1+\beta-h)x_t - \beta x_{t-1}`,
characteristic polynomial :math:`z^2 - (1+\beta-h)z + \beta`. Nesterov in the
look-ahead-free form of :mod:`core.optimizers` (:math:`v \leftarrow \beta v + g`,
:math:`\Delta = -\eta(\beta v + g)`), in :math:`(x, \eta v)`:

.. math::

    \begin{pmatrix} x \\ u \end{pmatrix}_{t+1} =
    \begin{pmatrix} 1 - h(1+\beta) & -\beta^2 \\ h & \beta \end{pmatrix}
    \begin{pmatrix} x \\ u \end{pmatrix}_t,
    \qquad z^2 - (1+\beta)(1-h)\,z + \beta(1-h).

By the Jury conditions (:math:`|D| < 1`, :math:`1 \pm T + D > 0` for trace
:math:`T`, determinant :math:`D`) the binding one is :math:`1 + T + D > 0`, which
gives the limits above; "without overshooting" is real, positive roots. With
:math:`\beta = 0` both reduce to plain descent. AdaGrad, RMSProp and Adam divide
each step by a running size of the gradient, so their steps are about
:math:`\eta` long whatever the curvature: no closed-form limit applies, and
their verdict is ``"unknown"`` until a run shows what happened.

A run's own history adds what theory cannot see (mini-batch noise, schedules,
adaptive rules): it is **diverging** as soon as its loss grows steadily (see
:func:`loss_growth`), well before the engine's :data:`core.DIVERGENCE_FACTOR` stop.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from core import words
from core.descent import Run
from core.optimizers import OPTIMIZERS, RULES
from core.stability import Spectrum
from core.validation import choice, positive_real

#: What a rate does to a rule on this loss: the first three as for plain descent in
#: :data:`core.REGIMES`; ``"unknown"`` for rules without a closed-form limit.
VERDICT_REGIMES = ("smooth", "oscillates", "diverges", "unknown")

#: What a finished run showed.
OUTCOMES = ("diverged", "diverging", "converging")

#: The rules' names as sentences use them.
RULE_NAMES = {name: rule.title for name, rule in RULES.items()}

#: A loss that rose in each of at least this many final epochs...
GROWTH_EPOCHS = 10
#: ...by at least this factor overall, and no slower in the second half of that stretch
#: than :data:`STEADY` times the first, is diverging.
GROWTH_FACTOR = 1.1
STEADY = 0.5
#: The growth rate is reported over at most this many final epochs.
REPORT_EPOCHS = 50

#: The loss gap is floored at this share of the loss scale: below it the difference of
#: two losses is round-off (about 50 units in the last place).
GAP_FLOOR = 1e-14


@dataclass(frozen=True)
class Growth:
    """A steady rise of the loss at the end of a run.

    Attributes
    ----------
    epochs : int
        Final epochs the growth is measured over.
    per_epoch : float
        Relative rise per epoch, geometric mean (0.008 is 0.8 % an epoch).
    factor : float
        Overall rise over those epochs.
    """

    epochs: int
    per_epoch: float
    factor: float

    def __str__(self) -> str:
        return (
            f"the loss grew {_percent(self.per_epoch)} an epoch over the last "
            f"{words.epochs(self.epochs)} (×{self.factor:.3g})"
        )


@dataclass(frozen=True)
class Limit:
    r"""The rates a rule allows on a loss, with the formulas as text.

    Attributes
    ----------
    rate : float or None
        Rates at or above it diverge (``inf`` without curvature); None when the rule
        has no closed-form limit.
    formula : str or None
        ``"2/λmax"``, ``"2(1+β)/λmax"``, ``"2(1+β)/((1+2β)λmax)"``; None without a limit.
    smooth : float or None
        Rates at or below it move without overshooting.
    smooth_formula : str or None
    """

    rate: float | None
    formula: str | None
    smooth: float | None
    smooth_formula: str | None


@dataclass(frozen=True)
class Verdict:
    """What a learning rate does for an update rule on a loss, and the sentence that says so.

    Attributes
    ----------
    rule : str
        Key of the update rule ("gd", "momentum", ...).
    rule_name : str
        As a sentence names it, with its hyperparameter: "Heavy-ball momentum (β = 0.9)".
    learning_rate : float
    regime : {"smooth", "oscillates", "diverges", "unknown"}
        From the spectrum alone, for full-batch steps at this rate.
    limit : Limit
    outcome : {"diverged", "diverging", "converging"} or None
        What the run showed; None when no run was given.
    growth : Growth or None
        The steady rise behind ``"diverging"``.
    diverged_at : int or None
        The epoch the engine stopped a blown-up run.
    sentence : str
        One or two sentences for every view.
    """

    rule: str
    rule_name: str
    learning_rate: float
    regime: str
    limit: Limit
    outcome: str | None
    growth: Growth | None
    diverged_at: int | None
    sentence: str

    @property
    def diverges(self) -> bool:
        """True when theory says the rate diverges or the run shows it."""
        return self.regime == "diverges" or self.outcome in ("diverged", "diverging")


def rule_limit(spectrum: Spectrum, rule: str, hyperparameters=None) -> Limit:
    """The divergence and no-overshoot limits of ``rule`` on ``spectrum`` (see the module notes).

    Parameters
    ----------
    spectrum : Spectrum
        Of the loss in the coordinates the descent runs in.
    rule : str
        A key of :data:`core.OPTIMIZERS`.
    hyperparameters : mapping or iterable of (name, value) pairs, optional
        The rule's; defaults for those missing.
    """
    choice("optimizer", rule, tuple(OPTIMIZERS))
    limit = RULES[rule].limit
    if limit is None:
        return Limit(None, None, None, None)
    bound = limit({**OPTIMIZERS[rule], **dict(hyperparameters or {})})
    top = spectrum.max_stable_lr  # 2/λmax; the rule's bound scales it
    return Limit(bound.diverges * top, bound.formula, bound.smooth * top, bound.smooth_formula)


def loss_gap(history_loss, optimum_loss: float) -> np.ndarray:
    r"""The gap :math:`L_e - L^*` per epoch, safe for a logarithmic axis.

    Values are floored at :data:`GAP_FLOOR` times the loss scale
    (:math:`\max(|L^*|, |L_0|)`, or 1 when both are 0), so an arrived run sits on a
    visible floor instead of dropping to 0 or below; a non-finite loss becomes ``inf``.
    Never 0, negative or NaN.

    Parameters
    ----------
    history_loss : array_like of shape (epochs_run + 1,)
    optimum_loss : float
        :math:`L^*`, the closed form's loss.

    Returns
    -------
    ndarray of shape (epochs_run + 1,)
    """
    losses = np.asarray(history_loss, dtype=np.float64)
    start = float(losses[0]) if losses.size and math.isfinite(losses[0]) else 0.0
    scale = max(abs(float(optimum_loss)), abs(start)) or 1.0
    with np.errstate(invalid="ignore"):
        gap = np.maximum(losses - optimum_loss, GAP_FLOOR * scale)
    return np.where(np.isfinite(losses), gap, np.inf)


def loss_growth(history_loss) -> Growth | None:
    """The steady rise at the end of a loss history, or None when the loss is not growing.

    Steady means: the loss rose in each of the last :data:`GROWTH_EPOCHS` epochs
    or more, by at least :data:`GROWTH_FACTOR` over that stretch; its second
    half rose at least :data:`STEADY` times as fast (on a log scale) as its first;
    and it now stands above every loss of the twice-as-long stretch before the
    rise. The last two separate divergence (a constant or quickening rate, new
    highs) from a run climbing out of a swing toward a crest lower than the last.

    Parameters
    ----------
    history_loss : array_like of shape (epochs_run + 1,)

    Returns
    -------
    Growth or None
        Measured over the last ``min(stretch, REPORT_EPOCHS)`` epochs.
    """
    losses = np.asarray(history_loss, dtype=np.float64)
    if losses.size <= GROWTH_EPOCHS or not np.all(np.isfinite(losses[-GROWTH_EPOCHS - 1 :])):
        return None
    rises = np.diff(losses) > 0
    falls = np.flatnonzero(~rises)
    stretch = rises.size - (int(falls[-1]) + 1 if falls.size else 0)
    if stretch < GROWTH_EPOCHS or losses[-stretch - 1] <= 0:
        return None
    logs = np.log(losses[-stretch - 1 :])
    half = stretch // 2
    first, second = logs[half] - logs[0], logs[-1] - logs[-half - 1]
    if logs[-1] - logs[0] < math.log(GROWTH_FACTOR) or second < STEADY * first:
        return None
    # A swing of a converging run climbs back to a crest lower than the last one; a
    # diverging run passes every loss of the stretch before its rise (twice as long).
    begin = losses.size - 1 - stretch
    if losses[-1] <= np.max(losses[max(0, begin - 2 * stretch) : begin + 1]):
        return None
    shown = min(stretch, REPORT_EPOCHS)
    factor = float(losses[-1] / losses[-shown - 1])
    return Growth(epochs=shown, per_epoch=factor ** (1 / shown) - 1, factor=factor)


def verdict(
    spectrum: Spectrum,
    rule: str,
    learning_rate: float,
    hyperparameters=None,
    *,
    run: Run | None = None,
    batched: bool = False,
) -> Verdict:
    """What ``learning_rate`` does for ``rule`` on the loss of ``spectrum``, said once.

    Parameters
    ----------
    spectrum : Spectrum
        Of the loss in the coordinates the descent runs in (standardized or raw).
    rule : str
        A key of :data:`core.OPTIMIZERS`.
    learning_rate : float
        > 0; the starting rate when a schedule is used.
    hyperparameters : mapping or iterable of (name, value) pairs, optional
        The rule's (``{"beta": 0.9}``); the defaults for those missing.
    run : Run, optional
        A finished run: its history decides :attr:`Verdict.outcome`.
    batched : bool, default False
        Steps on batches of rows (mini-batch or stochastic), as a run with a per-update
        path always is. The limits are those of full-batch steps; the sentence then says
        that a batch's noisy gradient can still swing or diverge below them.

    Returns
    -------
    Verdict
    """
    learning_rate = positive_real("learning_rate", learning_rate)
    choice("optimizer", rule, tuple(OPTIMIZERS))
    params = {**OPTIMIZERS[rule], **dict(hyperparameters or {})}
    limit = rule_limit(spectrum, rule, params)
    if limit.rate is None:
        regime = "unknown"
    elif learning_rate >= limit.rate:
        regime = "diverges"
    elif learning_rate > limit.smooth:
        regime = "oscillates"
    else:
        regime = "smooth"
    # Full-batch steps at rates theory proves convergent cannot diverge, so a rise in
    # such a run is a swing, not a trend.
    proven = (
        run is not None
        and run.steps is None
        and limit.rate is not None
        and float(np.max(run.history.learning_rate, initial=learning_rate)) < limit.rate
    )
    outcome, growth, diverged_at = _outcome(run, trust_growth=not proven)
    name = _rule_name(rule, params)
    batched = batched or (run is not None and run.steps is not None)
    sentence = _theory_sentence(name, learning_rate, regime, limit, batched, rule)
    if outcome is not None:
        sentence += " " + _run_sentence(outcome, growth, diverged_at, regime)
    return Verdict(rule, name, learning_rate, regime, limit, outcome, growth, diverged_at, sentence)


def _outcome(run: Run | None, trust_growth: bool) -> tuple[str | None, Growth | None, int | None]:
    if run is None:
        return None, None, None
    if run.diverged:
        return "diverged", None, run.diverged_at
    growth = loss_growth(run.history.loss) if trust_growth else None
    return ("diverging" if growth else "converging"), growth, None


def _rule_name(rule: str, params: Mapping[str, float]) -> str:
    shown = {h.name: h.sign for h in RULES[rule].controls}
    parts = [f"{shown[k]} = {v:g}" for k, v in params.items() if k in shown]
    return RULE_NAMES[rule] + (f" ({', '.join(parts)})" if parts else "")


def _theory_sentence(
    name: str, rate: float, regime: str, limit: Limit, batched: bool, rule: str
) -> str:
    at = f"{name} at η = {rate:g}"
    full = " with full-batch steps" if batched else ""
    noisy = (
        " These steps take batches of rows, whose gradients are noisy: under that limit "
        "a run can still swing widely or diverge."
        if batched
        else ""
    )
    if regime == "unknown":
        return (
            f"{at}: no closed-form limit is known for this rule; "
            f"{RULES[rule].steps_words or 'its steps adapt to the gradients met'}. "
            "The run shows what it does."
        )
    limit_text = f"its limit {limit.formula} = {_number(limit.rate)}"
    if regime == "diverges":
        return (
            f"{at} diverges: at or above {limit_text}, each step overshoots the steepest "
            "direction by more than it corrects."
        )
    if regime == "oscillates":
        return (
            f"{at} converges{full}, overshooting and swinging back: between "
            f"{limit.smooth_formula} = {_number(limit.smooth)} and {limit_text}.{noisy}"
        )
    return (
        f"{at} converges smoothly{full}: below {limit.smooth_formula} = "
        f"{_number(limit.smooth)}, every step moves part of the way to the optimum without "
        f"overshooting.{noisy}"
    )


def _run_sentence(outcome: str, growth: Growth | None, diverged_at: int | None, regime: str):
    if outcome == "diverged":
        return f"The run diverged: its loss blew up at epoch {diverged_at:,}."
    if outcome == "diverging":
        return f"The run is diverging: {growth}."
    if regime == "diverges":
        return "The run has not blown up yet within its epochs."
    return "The run's loss is not growing."


def _number(value: float) -> str:
    return "∞" if math.isinf(value) else f"{value:.3g}"


def _percent(share: float) -> str:
    percent = 100 * share
    return f"{percent:.2g}%" if percent < 100 else f"{percent:,.0f}%"
