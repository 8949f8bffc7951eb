"""A finished run as a standalone Python script, needing only NumPy, that repeats it.

The script is assembled from the fixed sections in :mod:`core.export.templates`,
filled in from the run's :class:`~core.settings.Settings`, with the engine's own
update rule and schedule copied in by :mod:`core.export.engine_source`. Column
names are user text: in the script a name only ever appears as the ``repr()`` of
a string, so no name can end a literal, start a statement or open a comment.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from numbers import Integral

import numpy as np

from core.descent import Run
from core.export.engine_source import (
    known_schedule,
    rule_factory_name,
    rule_source,
    schedule_source,
)
from core.export.templates import (
    BATCH_LOSS,
    DATA_FILE_NAME,
    EMBEDDED_SOURCE,
    FILE_SOURCE,
    IN_ORDER,
    INTERCEPT_PARAMS,
    LOOP,
    NO_SCALING,
    NO_TOLERANCE,
    PLAIN_PARAMS,
    PREAMBLE,
    READ_DATA,
    REPORT_INTERCEPT,
    REPORT_PLAIN,
    RESHUFFLING,
    SCALING,
    SETTINGS,
    SHUFFLED,
    START_AND_LIMIT,
    TOL_CHECK,
    UPDATE,
)
from core.export.text import checked_names, checked_text, number
from core.objective import QuadraticLoss
from core.optimizers import Optimizer, make_optimizer
from core.schedules import checked_parameters
from core.settings import Settings
from core.validation import as_design

__all__ = ["DATA_FILE_NAME", "EMBED_MAX_ROWS", "reproduction_script"]

#: Most rows written into a reproduction script; larger data is read from
#: :data:`DATA_FILE_NAME` next to the script.
EMBED_MAX_ROWS = 5_000


def reproduction_script(
    run: Run,
    X,
    y,
    *,
    feature_names: Sequence[str],
    target_name: str,
    data_note: str = "",
) -> str:
    """A standalone Python script, needing only NumPy, that repeats ``run`` step by step.

    The script spells out the loss in the run's convention (MSE or ½·MSE), the
    standardization (when the run used it), the learning rate of every epoch,
    the run's update rule with its hyperparameters, the full-batch or
    mini-batch loop (reshuffled exactly as :func:`core.descend` does from the
    same seed, or in file order), and the divergence and tolerance rules (on
    the loss, or on the epoch's running mean of per-batch losses). The update
    rule is the engine's own code from :mod:`core.optimizers`, copied by
    :func:`inspect.getsource`, and so is the schedule's own function from
    :mod:`core.schedules`, so neither is a second copy to keep
    in step. It ends by printing ``epochs run: N``, ``stopped: <reason>``,
    one ``w[<feature>] = <value>`` line per coefficient and ``b = <value>``;
    these agree with ``run`` to within floating-point rounding (the script
    sums over rows where the engine uses sufficient statistics). AdaGrad,
    RMSProp and Adam divide the gradient by its own running size, so once a
    run sits at the optimum, where the gradient is mostly rounding, they
    magnify those last-bit differences and the two can part in later digits.

    Data of up to :data:`EMBED_MAX_ROWS` rows is written into the script;
    larger data is read from :data:`DATA_FILE_NAME` in the script's folder,
    which :func:`data_csv` produces.

    Parameters
    ----------
    run : Run
    X : array_like of shape (n_samples, n_features)
        The data ``run`` was fitted on.
    y : array_like of shape (n_samples,)
    feature_names : sequence of str, length n_features
    target_name : str
    data_note : str
        Where the data came from; kept in the script as a string.

    Returns
    -------
    str
        Python source.

    Raises
    ------
    ValueError
        For data or names that do not fit ``run``, or settings the engine
        would not accept.
    """
    X, y = as_design(X, y)
    names = checked_names(feature_names, run.coef.shape[0])
    if X.shape[1] != len(names):
        raise ValueError(f"X has {X.shape[1]} columns but the run fitted {len(names)}.")
    settings = run.settings
    n_rows = X.shape[0]
    rule = make_optimizer(settings.optimizer, **settings.optimizer_kwargs)
    embed = n_rows <= EMBED_MAX_ROWS
    # The convention's factor from the one place the engine keeps it.
    loss_factor = QuadraticLoss.from_data(X[:1], y[:1], convention=settings.loss).data_factor
    sections = [
        _script_preamble(settings, rule.name, n_rows, embed),
        _script_names(names, target_name, data_note),
        _script_data(X, y) if embed else READ_DATA,
        _script_settings(settings, n_rows, loss_factor),
        SCALING if settings.standardize else NO_SCALING,
        INTERCEPT_PARAMS if run.fit_intercept else PLAIN_PARAMS,
        _script_schedule(settings),
        _script_rule(rule),
        START_AND_LIMIT,
        _script_loop(settings, n_rows),
        REPORT_INTERCEPT if run.fit_intercept else REPORT_PLAIN,
    ]
    return _join_sections(section.strip("\n") for section in sections)


def _join_sections(sections: Iterable[str]) -> str:
    """Sections one blank line apart, two around function definitions (as PEP 8 has it)."""
    text = ""
    for section in sections:
        if text:
            first = next(line for line in section.splitlines() if not line.startswith("#"))
            after_def = text.splitlines()[-1].startswith(" ")
            text += "\n\n\n" if after_def or first.startswith(("def ", "class ")) else "\n\n"
        text += section
    return text + "\n"


def _literal(value) -> str:
    """A whole number as an int literal, any other number as a float literal."""
    return repr(int(value)) if isinstance(value, Integral) else number(value)


def _batches(settings: Settings, n_rows: int) -> str:
    """How the run took its ``n_rows`` rows, as the script's docstring says it."""
    if settings.full_batch(n_rows):
        return "full batch"
    if settings.batch_size == 1:
        batches = "stochastic (1 row)"
    else:
        batches = f"mini-batches of {settings.batch_size} rows"
    return batches if settings.shuffle else batches + ", in file order"


def _script_preamble(settings: Settings, optimizer: str, n_rows: int, embed: bool) -> str:
    imports = "from typing import NamedTuple\n\nimport numpy as np"
    if not embed:
        imports = "import csv\nfrom pathlib import Path\n" + imports
    return PREAMBLE.substitute(
        optimizer=optimizer,
        batches=_batches(settings, n_rows),
        schedule=known_schedule(settings.schedule).name,
        loss=settings.loss,
        standardize="yes" if settings.standardize else "no",
        intercept="yes" if settings.fit_intercept else "no (b = 0)",
        data_source=EMBEDDED_SOURCE if embed else FILE_SOURCE.substitute(rows=f"{n_rows:,}"),
        imports="from __future__ import annotations\n\n" + imports,
    )


def _script_names(names: list[str], target_name: str, data_note: str) -> str:
    target = checked_text("target_name", target_name)
    note = checked_text("data_note", data_note)
    return (
        "# Column names, exactly as they were in the data, and a note on its source.\n"
        f"FEATURES = {names!r}\n"
        f"TARGET = {target!r}\n"
        f"DATA_NOTE = {note!r}"
    )


def _script_data(X: np.ndarray, y: np.ndarray) -> str:
    rows = "\n".join(f"        [{', '.join(map(number, row))}]," for row in X)
    targets = "\n".join(f"        {number(value)}," for value in y)
    return (
        "# The data: one row per sample, the features in the order of FEATURES.\n"
        f"X = np.array(\n    [\n{rows}\n    ]\n)\n"
        f"y = np.array(\n    [\n{targets}\n    ]\n)\n"
        "n, d = X.shape"
    )


def _script_settings(settings: Settings, n_rows: int, loss_factor: float) -> str:
    extra = [f"FIT_INTERCEPT = {bool(settings.fit_intercept)!r}"]
    if settings.tol is not None:
        extra.append(f"TOL = {float(settings.tol)!r}")
    if not settings.full_batch(n_rows):
        extra.append(f"BATCH_SIZE = {int(settings.batch_size)!r}")
        if settings.shuffle:
            extra.append(f"SEED = {int(settings.seed)!r}")
    return SETTINGS.substitute(
        loss=repr(str(settings.loss)),
        loss_factor=number(loss_factor),
        learning_rate=number(settings.learning_rate),
        epochs=int(settings.epochs),
        l2=number(settings.l2),
        init_coef=repr([float(v) for v in settings.init_coef]),
        init_intercept=number(settings.init_intercept),
        extra="\n".join(extra),
    )


def _script_schedule(settings: Settings) -> str:
    schedule = known_schedule(settings.schedule)
    # The engine's own check, so the script never carries a value it would refuse.
    params = checked_parameters(schedule.name, settings.learning_rate, **settings.schedule_kwargs)
    arguments = "".join(f", {key}={_literal(value)}" for key, value in params.items())
    return (
        f"# Learning-rate schedule: {schedule.name}. What follows is Downhill's own code\n"
        "# (core/schedules.py), copied unchanged: the rate of each epoch\n"
        "# e = 0, 1, ..., EPOCHS - 1, from the starting rate and the epoch budget.\n"
        f"{schedule_source(schedule.name)}\n\n\n"
        "e = np.arange(EPOCHS, dtype=np.float64)\n"
        f"rates = {schedule.rates.__name__}(LEARNING_RATE, e, EPOCHS{arguments})"
    )


def _script_rule(rule: Optimizer) -> str:
    arguments = ", ".join(f"{key}={float(value)!r}" for key, value in rule.hyperparameters.items())
    return (
        f"# Update rule: {rule.name}. What follows is Downhill's own code (core/optimizers.py),\n"
        "# copied unchanged: a rule is a pair of pure functions, init(params) -> state and\n"
        "# update(grad, state, learning_rate) -> (step, new state); the loop adds the step.\n"
        f"{rule_source(rule.name)}\n\n\n"
        f"rule = {rule_factory_name(rule.name)}({arguments})"
    )


def _script_loop(settings: Settings, n_rows: int) -> str:
    running = settings.tol is not None and settings.tol_on == "running"
    if settings.full_batch(n_rows):
        body, preface = _full_batch_body(running), ""
    else:
        body = _mini_batch_body(settings.shuffle, running)
        preface = RESHUFFLING if settings.shuffle else ""
    if settings.tol is None:
        tol_start, tol_check = NO_TOLERANCE, ""
    else:
        tol_start, tol_check = TOL_CHECK[settings.tol_on]
    loop = LOOP.substitute(
        body=textwrap.indent(body, "    "),
        tol_start=tol_start,
        tol_check=tol_check.strip("\n"),
    )
    return preface + loop.strip("\n")


def _full_batch_body(running: bool) -> str:
    """One epoch of full-batch descent: one gradient of every row, one update."""
    lines = ["# Full batch: every row, once per epoch."]
    if running:
        lines.append("# With one batch an epoch, its running loss is the loss before the step.")
        lines.append("running = loss(theta)")
    lines += [
        "prediction = A @ theta",
        "error = prediction - y",
        "grad = (2.0 * LOSS_FACTOR / n) * (A.T @ error) + penalty * theta",
        UPDATE.strip("\n"),
    ]
    return "\n".join(lines)


def _mini_batch_body(shuffle: bool, running: bool) -> str:
    """One epoch of mini-batch descent: the rows in batches, one update per batch."""
    note, order = SHUFFLED if shuffle else IN_ORDER
    lines = [
        f"# Mini-batches: {note}, then walk through them BATCH_SIZE",
        "# at a time (the last batch of an epoch may be smaller), one update per batch.",
        order,
    ]
    if running:
        lines.append("batch_losses = 0.0")
    lines += [
        "for start in range(0, n, BATCH_SIZE):",
        "    rows = order[start : start + BATCH_SIZE]",
        "    batch = A[rows]",
        "    prediction = batch @ theta",
        "    error = prediction - y[rows]",
    ]
    if running:
        lines.append(textwrap.indent(BATCH_LOSS.strip("\n"), "    "))
    lines += [
        "    grad = (2.0 * LOSS_FACTOR / len(rows)) * (batch.T @ error) + penalty * theta",
        textwrap.indent(UPDATE.strip("\n"), "    "),
    ]
    if running:
        lines.append("running = batch_losses / len(range(0, n, BATCH_SIZE))")
    return "\n".join(lines)
