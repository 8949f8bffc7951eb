"""A finished run as records: its history and data as CSV, its settings and results as JSON.

Column names are user text: in CSV files a text cell that starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` so a
spreadsheet shows it instead of evaluating it (formula injection); numbers are
written as numbers, untouched.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import importlib.metadata
import io
import json
import math
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from core.descent import Run
from core.export.text import checked_names, checked_text, number
from core.validation import as_design

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

#: The project file :func:`downhill_version` reads when the package is not installed.
_PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def history_csv(run: Run, feature_names: Sequence[str]) -> str:
    """The per-epoch record of ``run`` as CSV text, one row per kept epoch.

    Every epoch, unless the run kept a thinned history (:class:`core.History`):
    then the epochs it kept.

    Columns: ``epoch``, ``learning_rate`` (empty for epoch 0, the starting
    point), ``loss``, ``w_<feature>`` for every coefficient, ``b``, then the
    full-data gradient ``dL/dw_<feature>`` and ``dL/db``. Numbers keep every
    digit (shortest round-trip form).

    Parameters
    ----------
    run : Run
    feature_names : sequence of str, length n_features

    Returns
    -------
    str
        CSV with a header row, ``\\n`` line ends, cells quoted where needed and
        header cells neutralised against formula injection.

    Raises
    ------
    ValueError
        When the number of names differs from the number of coefficients.
    """
    names = checked_names(feature_names, run.coef.shape[0])
    h = run.history
    header = [
        "epoch",
        "learning_rate",
        "loss",
        *(f"w_{name}" for name in names),
        "b",
        *(f"dL/dw_{name}" for name in names),
        "dL/db",
    ]
    rows = (
        [
            str(epoch),
            number(h.learning_rate[epoch - 1]) if epoch else "",
            number(h.loss[epoch]),
            *map(number, h.coef[row]),
            number(h.intercept[row]),
            *map(number, h.grad_coef[row]),
            number(h.grad_intercept[row]),
        ]
        for row, epoch in enumerate(h.epoch.tolist())
    )
    return _csv_text(header, rows)


def data_csv(X, y, feature_names: Sequence[str], target_name: str) -> str:
    """The data as CSV text for a reproduction script to read: features, then the target.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    feature_names : sequence of str, length n_features
    target_name : str

    Returns
    -------
    str
        CSV with one header row (neutralised against formula injection) and
        every value in shortest round-trip form, so reading it back with
        ``float`` gives the same numbers bit for bit.

    Raises
    ------
    ValueError
        For data :func:`core.descend` would refuse, or names that do not fit it.
    """
    X, y = as_design(X, y)
    names = checked_names(feature_names, X.shape[1])
    header = [*names, checked_text("target_name", target_name)]
    rows = ([*map(number, row), number(target)] for row, target in zip(X, y, strict=True))
    return _csv_text(header, rows)


def run_json(
    run: Run,
    *,
    feature_names: Sequence[str],
    target_name: str,
    closed_form=None,
    data_description: str = "",
    metrics=None,
) -> str:
    """A JSON record of ``run``: its settings, its results and what they are compared with.

    Parameters
    ----------
    run : Run
    feature_names : sequence of str, length n_features
        Keys of the coefficient objects; must be distinct.
    target_name : str
    closed_form : object with ``coef``, ``intercept`` and ``loss``, optional
        The exact optimum (a :class:`~core.ols.Fit`), recorded as ``"closed_form"``.
    data_description : str
        Free text about the data (file name, generator settings).
    metrics : dict or dataclass, optional
        Passed through as ``"metrics"`` (a :class:`~core.metrics.Metrics` works too).

    Returns
    -------
    str
        One JSON object with ``settings``, ``results``, ``data``,
        ``downhill_version`` and, when given, ``closed_form`` and ``metrics``.
        Non-finite numbers become ``null``, so any JSON parser reads it.

    Raises
    ------
    ValueError
        When the names do not fit the run or repeat.
    """
    names = checked_names(feature_names, run.coef.shape[0])
    if len(set(names)) != len(names):
        raise ValueError(f"feature_names must be distinct to key the coefficients; got {names}.")
    document = {
        "downhill_version": downhill_version(),
        "data": {
            "description": checked_text("data_description", data_description),
            "features": names,
            "target": checked_text("target_name", target_name),
        },
        "settings": run.settings.to_dict(),
        "results": {
            "coef": dict(zip(names, run.coef, strict=True)),
            "intercept": run.intercept,
            "stop_reason": run.stop_reason,
            "epochs_run": run.epochs_run,
            "diverged_at": run.diverged_at,
            "final_loss": run.history.loss[-1],
            "seconds": run.seconds,
        },
    }
    if closed_form is not None:
        document["closed_form"] = {
            "coef": dict(zip(names, np.asarray(closed_form.coef), strict=True)),
            "intercept": closed_form.intercept,
            "loss": closed_form.loss,
        }
    if metrics is not None:
        document["metrics"] = metrics
    return json.dumps(_plain(document), indent=2, ensure_ascii=False, allow_nan=False)


@functools.cache
def downhill_version() -> str:
    """Downhill's version: from the installed package, else from ``pyproject.toml``."""
    try:
        return importlib.metadata.version("downhill")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        return str(tomllib.loads(_PYPROJECT.read_text())["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def neutralise_cell(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    """CSV of a text header (neutralised) above rows of already formatted numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(cell) for cell in header])
    writer.writerows(rows)
    return buffer.getvalue()


def _plain(value):
    """``value`` as plain JSON types, with non-finite numbers as None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value
