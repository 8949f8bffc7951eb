r"""Rates to suggest: one rule for a safe rate, and fixes checked by running them.

**The rule for a safe rate to suggest** (:func:`safe_rate`, used by everything
here): the largest stop of the rate control's ladder that is at most the rule's
target rate and *strictly* below its divergence limit (:func:`core.verdict.rule_limit`).
The target is plain descent's fastest constant rate
:math:`\eta^* = 2/(\lambda_{\min} + \lambda_{\max})`, for every rule with a limit:
heavy ball and Nesterov at a fixed :math:`\beta` shrink the error by about
:math:`\sqrt\beta` per epoch over a wide band of rates, so they have no sharper
single best, and :math:`\eta^*` sits inside that band for all but extreme
:math:`\kappa`. Snapping *down* keeps the promise the limit makes; snapping to
the nearest stop could land on or above it (engel's raw limit, 7.6e-7, is below
a ladder starting at 1e-6, and the nearest stop would diverge).

:func:`fitting_rate` applies the rule to a spectrum (the rate to open on when
the data change); :func:`working_rate` goes further and *runs* the candidates,
returning only a rate the engine has seen converge on these data with these
settings; :func:`rate_advice` adds the standardizing fallback with its reason.
The ladder is passed in (the control's stops), so the engine never imports the
user interface.
"""

from __future__ import annotations

import math
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from core import words
from core.analysis import tolerance_level
from core.budget import Budget, Work
from core.descent import DivergenceWarning, Run
from core.objective import QuadraticLoss, Scaling
from core.ols import ols
from core.settings import Settings
from core.stability import Spectrum
from core.sweep import sweep
from core.validation import as_design
from core.verdict import RULE_NAMES, Limit, loss_growth, rule_limit

#: Raw condition numbers above this make standardizing the default: the flattest
#: direction would need about this many times more epochs than the steepest.
EXTREME_CONDITION = 1e4

#: A run has converged when its final loss is within this share of the optimum loss.
ARRIVED = 0.01

#: Mini-batch rates tried at most by :func:`working_rate`: every third stop from the safe one down.
MINI_BATCH_CANDIDATES = 6

#: The advice search may take this many times the time the budget allows one call.
SEARCH_BUDGETS = 3


@dataclass(frozen=True)
class Fitting:
    """The rate to open on for some data, and whether to standardize first.

    Attributes
    ----------
    rate : float or None
        A stop of the ladder (see :func:`safe_rate`), for the standardized features when
        ``standardize``; None when the rule has no closed-form limit or no stop is safe.
    standardize : bool
        Recommend descending on standardized features.
    reason : str
        One line saying why this rate (and why standardizing, when recommended).
    """

    rate: float | None
    standardize: bool
    reason: str


@dataclass(frozen=True)
class Advice:
    """A fix that has been run and seen to converge, or what to do instead.

    Attributes
    ----------
    rate : float or None
        A stop of the ladder that converged when run (with ``standardize``);
        None when none did, even standardized.
    standardize : bool
        The fix includes switching to standardized features.
    reason : str
        One or two sentences for the page.
    """

    rate: float | None
    standardize: bool
    reason: str


def safe_rate(target: float, limit: float | None, ladder: Sequence[float]) -> float | None:
    """The largest stop of ``ladder`` at most ``target`` and strictly below ``limit``.

    The one rule for a safe rate to suggest (see the module notes).

    Parameters
    ----------
    target : float
        The rate wanted (for instance :math:`2/(\\lambda_{\\min}+\\lambda_{\\max})`).
    limit : float or None
        Rates at or above it diverge; None for no limit.
    ladder : sequence of float
        The rates the control offers.

    Returns
    -------
    float or None
        None when every stop is at or above the limit, or above the target.
    """
    cap = math.inf if limit is None else limit
    fitting = [float(r) for r in ladder if r <= target and r < cap]
    return max(fitting) if fitting else None


def fitting_rate(
    spectrum: Spectrum,
    rule: str,
    ladder: Sequence[float],
    hyperparameters=None,
    *,
    standardized: Spectrum | None = None,
) -> Fitting:
    """The rate to open on for data with this spectrum, by :func:`safe_rate`.

    Parameters
    ----------
    spectrum : Spectrum
        Of the loss on the raw features.
    rule : str
        A key of :data:`core.OPTIMIZERS`.
    ladder : sequence of float
        The control's stops.
    hyperparameters : mapping or iterable of pairs, optional
    standardized : Spectrum, optional
        Of the standardized features; when given, standardizing is recommended
        (and the rate is for it) where the raw condition number exceeds
        :data:`EXTREME_CONDITION` or no stop is below the raw limit.

    Returns
    -------
    Fitting
    """
    limit = rule_limit(spectrum, rule, hyperparameters)
    extreme = spectrum.condition > EXTREME_CONDITION
    raw_rate = _rule_rate(spectrum, limit, ladder)
    no_stop = limit.rate is not None and raw_rate is None
    standardize = standardized is not None and (extreme or no_stop)
    kappa = f"raw features give κ = {spectrum.condition:.2g}"
    if standardize:
        why = (
            f"{kappa}, so the flattest direction would need about that many times the "
            "epochs of the steepest"
            if extreme
            else f"no rate on the control is below the raw limit {_limit_text(limit)}"
        )
        why = f"Standardize the features: {why}; standardized, κ = {standardized.condition:.2g}."
    if limit.rate is None:
        text = f"{RULE_NAMES[rule]} has no closed-form rate; run a few to find one."
        return Fitting(None, standardize, f"{why} {text}" if standardize else text)
    if standardize:
        std_limit = rule_limit(standardized, rule, hyperparameters)
        return Fitting(_rule_rate(standardized, std_limit, ladder), True, why)
    if raw_rate is None:
        return Fitting(None, False, f"No rate on the control is below {_limit_text(limit)}.")
    return Fitting(
        raw_rate,
        False,
        f"η = {raw_rate:g}: the largest stop at most the best constant rate "
        f"2/(λmin+λmax) = {spectrum.best_lr:.3g} and below {_limit_text(limit)}.",
    )


#: The loss gap a run should close by, within its epochs, at the rate it opens on.
OPENING_SHRINK = 1e6


def opening_rate(
    spectrum: Spectrum,
    rule: str,
    ladder: Sequence[float],
    epochs: int,
    hyperparameters=None,
    *,
    standardized: Spectrum | None = None,
) -> Fitting:
    r"""The rate a view opens on: slow enough to watch, fast enough to arrive.

    For plain descent, the *smallest* stop at which the loss gap shrinks by
    :data:`OPENING_SHRINK` within ``epochs`` (the error along the flattest
    direction shrinks by :math:`|1-\eta\lambda_{\min}|` an epoch), so the path
    moves visibly and still reaches the optimum; when no stop does that, the
    safe rate of :func:`fitting_rate`. Other rules get :func:`fitting_rate`'s
    answer. Standardizing is recommended as :func:`fitting_rate` does, and also
    when no stop arrives on the raw features but one does on standardized ones.

    Parameters
    ----------
    spectrum, rule, ladder, hyperparameters, standardized
        As for :func:`fitting_rate`.
    epochs : int
        The run's epoch budget.

    Returns
    -------
    Fitting
    """
    fitting = fitting_rate(spectrum, rule, ladder, hyperparameters, standardized=standardized)
    if rule != "gd" or fitting.rate is None:
        return fitting
    used = standardized if fitting.standardize else spectrum
    arriving = _arriving(used, fitting.rate, ladder, epochs)
    if not arriving and not fitting.standardize and standardized is not None:
        # Raw features crawl at every safe stop; standardized ones may arrive.
        scaled = fitting_rate(standardized, rule, ladder, hyperparameters)
        arriving = _arriving(standardized, scaled.rate, ladder, epochs)
        if arriving:
            return Fitting(
                min(arriving),
                True,
                f"Standardize the features: on the raw features (κ = "
                f"{spectrum.condition:.2g}) no rate on the control closes the loss gap a "
                f"million-fold within {words.epochs(epochs)}; standardized, κ = "
                f"{standardized.condition:.2g}, and η = {min(arriving):g} does.",
            )
    if not arriving or min(arriving) == fitting.rate:
        return fitting
    rate = min(arriving)
    reason = (
        f"η = {rate:g}: the smallest stop at which the loss gap shrinks a million-fold "
        f"within {words.epochs(epochs)}, so the descent can be watched; the fastest safe rate "
        f"is {fitting.rate:g}."
    )
    if fitting.standardize:
        reason = f"{fitting.reason} {reason}"
    return Fitting(rate, fitting.standardize, reason)


def _arriving(spectrum: Spectrum, top: float | None, ladder, epochs: int) -> list[float]:
    """The stops up to ``top`` at which plain descent closes the gap within ``epochs``."""
    if top is None:
        return []
    return [
        float(r)
        for r in ladder
        if r <= top and spectrum.epochs_to_shrink(r, OPENING_SHRINK) <= epochs
    ]


def _rule_rate(spectrum: Spectrum, limit: Limit, ladder) -> float | None:
    if limit.rate is None:
        return None
    return safe_rate(min(spectrum.best_lr, limit.rate), limit.rate, ladder)


def _limit_text(limit: Limit) -> str:
    return f"the limit {limit.formula} = {limit.rate:.3g}"


def converged(run: Run, optimum_loss: float, rel_tol: float = ARRIVED) -> bool:
    r"""True when ``run`` did not diverge, is not diverging, and ends near the optimum.

    Near means a final loss at most :func:`core.analysis.tolerance_level`:
    :math:`L^*(1 + \text{rel\_tol})`, or ``rel_tol`` of the starting loss for a perfect fit.
    """
    if run.diverged or loss_growth(run.history.loss) is not None:
        return False
    level = tolerance_level(run.history.loss, optimum_loss, rel_tol)
    return bool(run.history.loss[-1] <= level)


def working_rate(
    X,
    y,
    ladder: Sequence[float],
    settings: Settings | None = None,
    *,
    budget: Budget | None = None,
    **overrides,
) -> float | None:
    """The largest safe stop of ``ladder`` that the engine has run and seen converge here.

    Candidates are the stops from :func:`safe_rate` downward for rules with a
    limit (every stop from the top for AdaGrad, RMSProp and Adam); each is run
    with :func:`core.sweep` on ``(X, y)`` with ``settings``, and the largest
    that :func:`converged` is returned. Full batch, the whole ladder costs a few
    single runs; mini-batch settings cost a pass over the rows per epoch and
    candidate, so only :data:`MINI_BATCH_CANDIDATES` are tried, every third stop from the
    safe one down.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    ladder : sequence of float
        The control's stops.
    budget : Budget, optional
        Limits the search: candidates are run a chunk at a time, largest first,
        each chunk within the budget's memory, and only as many as its time
        allows; the search stops at the first that converges, keeping no
        candidate's history. None runs every candidate in one sweep.
    settings : Settings, optional
        The run as the page would make it (its ``learning_rate`` is not used).
    **overrides
        Fields of :class:`~core.settings.Settings` to change, by name.

    Returns
    -------
    float or None
        None when no candidate converges within the epochs given.
    """
    X, y = as_design(X, y)
    settings = (settings or Settings()).replace(**overrides)
    spectrum = _spectrum(X, y, settings)
    limit = rule_limit(spectrum, settings.optimizer, settings.optimizer_kwargs)
    top = math.inf if limit.rate is None else _rule_rate(spectrum, limit, ladder)
    if top is None:
        return None
    optimum = ols(X, y, fit_intercept=settings.fit_intercept, l2=settings.l2, loss=settings.loss)
    candidates = sorted((float(r) for r in ladder if r <= top), reverse=True)
    if settings.batch_size is not None:
        # Each mini-batch candidate costs a pass over the rows per epoch, and noisy steps
        # may need rates well below the full-batch limit: try a few, spread over decades.
        candidates = candidates[::3][:MINI_BATCH_CANDIDATES]
    optimum_loss = float(optimum.loss)
    one = Work.of(settings, *X.shape)
    started = time.perf_counter()
    with warnings.catch_warnings():
        # A candidate that blows up is an answer here (not this rate), not a mistake.
        warnings.simplefilter("ignore", DivergenceWarning)
        for chunk in _chunks(candidates, one, budget):
            if budget is not None and _out_of_time(started, one, len(chunk), budget):
                break
            runs = sweep(X, y, chunk, settings)
            for rate, run in zip(chunk, runs, strict=True):
                if converged(run, optimum_loss):
                    return rate
    return None


def _out_of_time(started: float, one: Work, rates: int, budget: Budget) -> bool:
    """True when ``rates`` more trials would take the search past its time."""
    spent = time.perf_counter() - started
    return spent + replace(one, rates=rates).seconds > SEARCH_BUDGETS * budget.seconds


def _chunks(candidates: list[float], one: Work, budget: Budget | None) -> list[list[float]]:
    """The candidates in the sweeps that run them: one sweep, or chunks within ``budget``.

    Each chunk fits the budget of one call; the search stops starting chunks
    once the time spent and the next chunk's estimate would pass
    :data:`SEARCH_BUDGETS` calls' time (runs that blow up or converge early
    leave room for more).
    """
    if budget is None:
        return [candidates] if candidates else []
    if not budget.fits(one):
        return []
    size = budget.most_rates(replace(one, rates=len(candidates)))
    return [candidates[i : i + size] for i in range(0, len(candidates), size)]


def _spectrum(X, y, settings: Settings) -> Spectrum:
    """The spectrum of the loss :func:`core.descend` would descend with ``settings``."""
    loss = QuadraticLoss.from_data(
        X, y, l2=settings.l2, fit_intercept=settings.fit_intercept, convention=settings.loss
    )
    return Spectrum.of(loss.rescaled(Scaling.standardizing(loss)) if settings.standardize else loss)


def rate_advice(
    X,
    y,
    ladder: Sequence[float],
    settings: Settings | None = None,
    *,
    budget: Budget | None = None,
    **overrides,
) -> Advice:
    """A rate that converged when run here; failing that, standardizing and a rate that works then.

    Parameters
    ----------
    X, y, ladder, settings, budget, **overrides
        As for :func:`working_rate`.

    Returns
    -------
    Advice
        The reason names the condition number when standardizing is the fix.
    """
    X, y = as_design(X, y)
    settings = (settings or Settings()).replace(**overrides)
    one = Work.of(settings, *X.shape)
    if budget is not None and not budget.fits(one):
        return Advice(
            None,
            False,
            f"No rate was tried on this data: one trial run would need {budget.need(one)}, "
            "more than this server allows for one run. Lower the epochs, or use fewer "
            "features or larger batches, and a fix will be searched for.",
        )
    rate = working_rate(X, y, ladder, settings, budget=budget)
    epochs = settings.epochs
    if rate is not None:
        return Advice(
            rate,
            False,
            f"η = {rate:g} was run on this data for {words.epochs(epochs)} and converged.",
        )
    if settings.batch_size is not None:
        return Advice(
            None,
            False,
            f"None of the rates tried came within {ARRIVED:.0%} of the optimum's loss in "
            f"{words.epochs(epochs)}: steps on a few rows at a time are noisy, and a rate small "
            "enough to settle them needs more epochs. Lower the rate and raise the epochs, or use "
            "larger batches.",
        )
    if settings.standardize:
        return Advice(
            None, False, f"No rate on the control converged within {words.epochs(epochs)}."
        )
    raw = _spectrum(X, y, settings.replace(standardize=False))
    std_rate = working_rate(X, y, ladder, settings.replace(standardize=True), budget=budget)
    kappa = (
        "the loss is flat in one direction"
        if not np.isfinite(raw.condition)
        else f"κ = {raw.condition:.2g}"
    )
    then = (
        f" Standardized, η = {std_rate:g} was run and converged."
        if std_rate is not None
        else " Even standardized, no rate on the control converged."
    )
    return Advice(
        std_rate,
        True,
        f"No rate on the control converges on the raw features within {words.epochs(epochs)}: "
        f"{kappa}, so a rate small enough for the steepest direction barely moves the "
        f"flattest. Standardize the features.{then}",
    )
