"""What a tutorial's article printed, where a run shows each number, and reading it there.

Each number an article prints names where a run shows it with a small record
(:class:`Coef`, :class:`Intercept`, :class:`LossAt`, :class:`Prediction`,
:class:`HeldOutR2`, :class:`EpochsRun`); :func:`shown` reads that number from a
:class:`~core.descent.Run`::

    for printed in article.numbers:
        value = shown(printed.where, run, X_test=X_test, y_test=y_test)
        agrees(value, printed.code)

A learner may fit other features than the article did: a weight then follows its
feature by name (``features`` and ``article_features``), and reads NaN when the
run does not fit that feature. NumPy and the standard library only.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from core.descent import History, Run
from core.metrics import predict, regression_metrics

#: Significant digits to which a run counts as giving the article's code's number.
AGREE_DIGITS = 6


@dataclass(frozen=True)
class Coef:
    """The weight of the article's ``feature``-th feature (from 0).

    Attributes
    ----------
    feature : int
    epoch : int or None
        After this epoch (0: the start); None for the run's last.
    """

    feature: int
    epoch: int | None = None


@dataclass(frozen=True)
class Intercept:
    """The intercept after ``epoch`` (0: the start), or at the run's end when None."""

    epoch: int | None = None


@dataclass(frozen=True)
class LossAt:
    """The training loss after ``epoch`` (0: the start), in the run's loss convention."""

    epoch: int


@dataclass(frozen=True)
class Prediction:
    """The final line's prediction at ``x`` (data with one feature)."""

    x: float


@dataclass(frozen=True)
class HeldOutR2:
    """R² of the final line on the held-out rows."""


@dataclass(frozen=True)
class EpochsRun:
    """How many epochs the run took before it stopped."""


#: Where a run shows one printed number.
Where = Coef | Intercept | LossAt | Prediction | HeldOutR2 | EpochsRun


@dataclass(frozen=True)
class Printed:
    """One number of a tutorial: as its article prints it, and as its own code gives it.

    Attributes
    ----------
    quantity : str
        What it is, for example ``"slope"`` or ``"loss at step 0"``.
    article : str or None
        As printed, digits untouched (``"0.60"``); None where the article prints none.
    code : float
        What the article's own code gives, which Downhill's run of the preset
        reproduces (tests check both to at least 6 significant digits).
    where : Where
        Where a run shows it, read by :func:`shown`.
    """

    quantity: str
    article: str | None
    code: float
    where: Where


@dataclass(frozen=True)
class Article:
    """What a tutorial's article printed beside what its code computes, and why they differ.

    Attributes
    ----------
    title : str
        The tutorial, as a reader would name it.
    numbers : tuple of Printed
    differences : str
        One or two sentences a learner can read beside the numbers: where article and
        code part and why (not converged, an arithmetic slip, unseeded data...).
    """

    title: str
    numbers: tuple[Printed, ...]
    differences: str


def shown(
    where: Where,
    run: Run,
    *,
    features: Sequence[str] | None = None,
    article_features: Sequence[str] | None = None,
    X_test: np.ndarray | None = None,
    y_test: np.ndarray | None = None,
) -> float:
    """The number ``where`` names, read from ``run``; NaN where the run does not show it.

    Parameters
    ----------
    where : Where
    run : Run
    features : sequence of str, optional
        The names of the run's columns, in its order.
    article_features : sequence of str, optional
        The names of the features the article fits, in its order. With both names
        given, :class:`Coef` reads the column of the same name (NaN when the run
        does not fit it); without them, the run's column of the same position.
    X_test : ndarray of shape (n_test, n_features), optional
    y_test : ndarray of shape (n_test,), optional
        The held-out rows :class:`HeldOutR2` is measured on (NaN without any).

    Returns
    -------
    float
        NaN also for an epoch past the run's end, or one whose parameters a long
        run did not keep (see :class:`~core.descent.History`).

    Raises
    ------
    ValueError
        For a ``where`` that is none of the records of :data:`Where`.
    """
    match where:
        case Coef(feature=j, epoch=epoch):
            row = _row(run.history, epoch)
            column = _column(j, run.coef.shape[0], features, article_features)
            if row is None or column is None:
                return math.nan
            return float(run.history.coef[row, column])
        case Intercept(epoch=epoch):
            row = _row(run.history, epoch)
            return math.nan if row is None else float(run.history.intercept[row])
        case LossAt(epoch=epoch):
            return float(run.history.loss[epoch]) if epoch <= run.epochs_run else math.nan
        case Prediction(x=x):
            return float(predict([[x]], run.coef, run.intercept)[0])
        case HeldOutR2():
            if y_test is None or not len(y_test):
                return math.nan
            return regression_metrics(y_test, predict(X_test, run.coef, run.intercept)).r2
        case EpochsRun():
            return float(run.epochs_run)
    raise ValueError(f"a run shows no {where!r}")


def _row(history: History, epoch: int | None) -> int | None:
    """The history's row of ``epoch`` (None: the last); None when it was not kept."""
    if epoch is None:
        return -1
    try:
        return int(history.rows([epoch])[0])
    except KeyError:
        return None


def _column(
    j: int, n_fitted: int, features: Sequence[str] | None, article: Sequence[str] | None
) -> int | None:
    """The run's column of the article's ``j``-th feature, or None when it is not fitted."""
    if features is None or article is None:
        return j if j < n_fitted else None
    if j >= len(article) or article[j] not in features:
        return None
    return list(features).index(article[j])


def agrees(value: float, reference: float, digits: int = AGREE_DIGITS) -> bool:
    """True when ``value`` equals ``reference`` to ``digits`` significant digits."""
    scale = max(abs(reference), 1e-300)
    return math.isfinite(value) and abs(value - reference) <= 0.5 * 10 ** (1 - digits) * scale
