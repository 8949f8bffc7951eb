"""What a finished run can be taken away as: a CSV history, a JSON record, a script.

Every function here is pure: it takes a :class:`~core.descent.Run` (and the
data it was fitted on) and returns text; writing files is the caller's job.

Column names are user text and are treated as hostile throughout:

* in CSV files a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
  or a carriage return gets a leading ``'`` so a spreadsheet shows it instead
  of evaluating it (formula injection); numbers are written as numbers,
  untouched;
* in the reproduction script a name only ever appears as the ``repr()`` of a
  string, so no name can end a literal, start a statement or open a comment.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import importlib.metadata
import inspect
import io
import json
import math
import re
import string
import textwrap
import tomllib
from collections.abc import Iterable, Sequence
from numbers import Integral
from pathlib import Path

import numpy as np

from core import optimizers
from core.descent import DIVERGENCE_FACTOR, Run
from core.objective import QuadraticLoss
from core.optimizers import Optimizer, make_optimizer
from core.schedules import REGISTRY as SCHEDULE_REGISTRY
from core.schedules import Schedule, checked_parameters
from core.validation import as_design

#: Most rows written into a reproduction script; larger data is read from
#: :data:`DATA_FILE_NAME` next to the script.
EMBED_MAX_ROWS = 5_000

#: The file a reproduction script of a large data set reads (see :func:`data_csv`).
DATA_FILE_NAME = "downhill_data.csv"

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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
    names = _checked_names(feature_names, run.coef.shape[0])
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
            _number(h.learning_rate[epoch - 1]) if epoch else "",
            _number(h.loss[epoch]),
            *map(_number, h.coef[row]),
            _number(h.intercept[row]),
            *map(_number, h.grad_coef[row]),
            _number(h.grad_intercept[row]),
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
    names = _checked_names(feature_names, X.shape[1])
    header = [*names, _checked_text("target_name", target_name)]
    rows = ([*map(_number, row), _number(target)] for row, target in zip(X, y, strict=True))
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
    names = _checked_names(feature_names, run.coef.shape[0])
    if len(set(names)) != len(names):
        raise ValueError(f"feature_names must be distinct to key the coefficients; got {names}.")
    document = {
        "downhill_version": downhill_version(),
        "data": {
            "description": _checked_text("data_description", data_description),
            "features": names,
            "target": _checked_text("target_name", target_name),
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
    names = _checked_names(feature_names, run.coef.shape[0])
    if X.shape[1] != len(names):
        raise ValueError(f"X has {X.shape[1]} columns but the run fitted {len(names)}.")
    s = run.settings.to_dict()
    rule = make_optimizer(run.settings.optimizer, **run.settings.optimizer_kwargs)
    embed = X.shape[0] <= EMBED_MAX_ROWS
    full_batch = run.settings.full_batch(X.shape[0])
    # The convention's factor from the one place the engine keeps it.
    loss_factor = QuadraticLoss.from_data(X[:1], y[:1], convention=s["loss"]).data_factor
    sections = [
        _script_preamble(s, rule.name, X.shape[0], embed, full_batch),
        _script_names(names, target_name, data_note),
        _script_data(X, y) if embed else _READ_DATA,
        _script_settings(s, full_batch, loss_factor),
        _SCALING if s["standardize"] else _NO_SCALING,
        _INTERCEPT_PARAMS if run.fit_intercept else _PLAIN_PARAMS,
        _script_schedule(s),
        _script_rule(rule),
        _START_AND_LIMIT,
        _script_loop(s, full_batch),
        _REPORT_INTERCEPT if run.fit_intercept else _REPORT_PLAIN,
    ]
    return _join_sections(section.strip("\n") for section in sections)


@functools.cache
def downhill_version() -> str:
    """Downhill's version: from the installed package, else from ``pyproject.toml``."""
    try:
        return importlib.metadata.version("downhill")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        text = (Path(__file__).resolve().parents[1] / "pyproject.toml").read_text()
        return str(tomllib.loads(text)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def neutralise_cell(text: str) -> str:
    """``text`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


# --------------------------------------------------------------------------- helpers


def _checked_text(name: str, value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string; got {value!r}.")
    return value


def _checked_names(feature_names, n_features: int) -> list[str]:
    names = [_checked_text("every feature name", name) for name in feature_names]
    if len(names) != n_features:
        raise ValueError(
            f"feature_names must hold one name per coefficient ({n_features}); got {len(names)}."
        )
    return names


def _number(value) -> str:
    """Shortest text that reads back as the same float64."""
    return repr(float(value))


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    """CSV of a text header (neutralised) above rows of already formatted numbers."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([neutralise_cell(cell) for cell in header])
    writer.writerows(rows)
    return buffer.getvalue()


def _literal(value) -> str:
    """A whole number as an int literal, any other number as a float literal."""
    return repr(int(value)) if isinstance(value, Integral) else _number(value)


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


# ------------------------------------------------------------- reproduction script
#
# The script is assembled from the sections below. Only engine-validated
# settings are substituted into them as text; every user string goes through
# repr() and lands in a string literal of its own (see _script_names).

_PREAMBLE = string.Template('''
"""Reproduce one Downhill gradient-descent run, step by step, with NumPy alone.

Run it with ``python <this file>``. It prints the epochs run, why the run
stopped and the fitted parameters, which match what Downhill reported.

Update rule: $optimizer    batches: $batches    schedule: $schedule
Loss: $loss    standardize: $standardize    intercept: $intercept
$data_source
"""

$imports
''')

_EMBEDDED_SOURCE = "The data is written out below."

_FILE_SOURCE = string.Template(
    f"The data ($rows rows) is too large to write out here: this script reads\n"
    f"{DATA_FILE_NAME} from its own folder (one header row, then the features and\n"
    f"the target as comma-separated numbers). Download it next to this script."
)

_READ_DATA = f'''
def read_data(path):
    """Features ``(n, d)`` and target ``(n,)`` from a CSV file with one header row."""
    with open(path, newline="", encoding="utf-8") as file:
        rows = csv.reader(file)
        header = next(rows)
        if len(header) != len(FEATURES) + 1:
            raise SystemExit(f"{{path.name}} should have {{len(FEATURES) + 1}} columns.")
        table = np.array([[float(cell) for cell in row] for row in rows if row])
    return table[:, :-1], table[:, -1]


# The data: features first, then the target, from the file beside this script.
X, y = read_data(Path(__file__).with_name({DATA_FILE_NAME!r}))
n, d = X.shape
'''

_SETTINGS = string.Template("""
# Settings of the run. The loss it minimises is LOSS_FACTOR times the mean squared
# error plus a ridge penalty on the weights in the data's own units:
#
#     L(w, b) = LOSS_FACTOR * mean((X @ w + b - y) ** 2) + L2 * sum(w ** 2)
#
# LOSS_FACTOR is 1 for the mean squared error ("mse", 1/n) and 0.5 for half of it
# ("half_mse", 1/(2n)), whose gradient has no factor 2.
LOSS = $loss
LOSS_FACTOR = $loss_factor
LEARNING_RATE = $learning_rate
EPOCHS = $epochs
L2 = $l2
INIT_COEF = np.array($init_coef)
INIT_INTERCEPT = $init_intercept
$extra
""")

_SCALING = """
# Standardization: the descent runs on z = (x - shift) / scale, which gives every
# feature the same spread and the loss surface a rounder shape. With an intercept
# shift is the column mean and scale the standard deviation; without one nothing
# is shifted (the model could not absorb an offset) and scale is the root mean
# square. A column with no spread keeps scale 1.
column_mean = X.mean(axis=0)
shift = column_mean if FIT_INTERCEPT else np.zeros(d)
spread = np.sqrt(np.mean((X - shift) ** 2, axis=0))
# A spread that is only rounding noise on top of a constant counts as none.
scale = np.where((spread > 0) & (spread > 1e-12 * np.abs(column_mean)), spread, 1.0)
Z = (X - shift) / scale
"""

_NO_SCALING = """
# Standardization is off: the descent runs on the features as they are
# (shift 0, scale 1, kept so the formulas below read the same either way).
shift = np.zeros(d)
scale = np.ones(d)
Z = (X - shift) / scale
"""

_INTERCEPT_PARAMS = """
# Parameters: theta = (w_z[0], ..., w_z[d-1], b_z), the weights and intercept in
# the coordinates of Z. A column of ones in A carries the intercept, so the
# predictions are A @ theta. Back in the data's units w = w_z / scale and
# b = b_z - shift @ w; the penalty still acts on w, so on w_z it is
# L2 * sum((w_z / scale) ** 2), with gradient 2 * L2 * w_z / scale ** 2
# (the intercept is not penalised).
A = np.column_stack([Z, np.ones(n)])
penalty = 2.0 * L2 * np.append(1.0 / scale**2, 0.0)
theta = np.append(INIT_COEF * scale, INIT_INTERCEPT + INIT_COEF @ shift)


def to_data_units(theta):
    \"\"\"Weights and intercept in the units of X and y.\"\"\"
    w = theta[:d] / scale
    return w, theta[d] - w @ shift
"""

_PLAIN_PARAMS = """
# Parameters: theta = (w_z[0], ..., w_z[d-1]), the weights in the coordinates of
# Z; there is no intercept (b = 0), so the predictions are A @ theta with A = Z.
# Back in the data's units w = w_z / scale; the penalty still acts on w, so on
# w_z it is L2 * sum((w_z / scale) ** 2), with gradient 2 * L2 * w_z / scale ** 2.
A = Z
penalty = 2.0 * L2 * (1.0 / scale**2)
theta = INIT_COEF * scale


def to_data_units(theta):
    \"\"\"Weights and intercept in the units of X and y.\"\"\"
    return theta / scale, 0.0
"""

_START_AND_LIMIT = f"""
def loss(theta):
    \"\"\"The training loss L at theta (the same number in either coordinates).\"\"\"
    error = A @ theta - y
    return LOSS_FACTOR * np.mean(error**2) + L2 * np.sum((theta[:d] / scale) ** 2)


# Divergence: the run stops once the loss is not a finite number (keeping the
# last finite parameters) or exceeds {DIVERGENCE_FACTOR:g} times the larger of the starting
# loss and the loss of the all-zero model, LOSS_FACTOR * mean(y ** 2).
start_loss = loss(theta)
reference = max(start_loss, LOSS_FACTOR * np.mean(y**2))
LIMIT = {DIVERGENCE_FACTOR!r} * (reference if reference > 0 else 1.0)
# A blowing-up run overflows on its way out; the rule above catches it.
np.seterr(over="ignore", invalid="ignore")
"""

_LOOP = string.Template("""
# The descent. The learning rate changes only between epochs.
kept, epochs_run, stopped = theta, 0, "max_epochs"
state = rule.init(theta)
$tol_start
for epoch, rate in enumerate(rates, start=1):
$body

    value = loss(theta)
    if not (np.isfinite(value) and np.all(np.isfinite(theta))):
        stopped = "diverged"
        break
    kept, epochs_run = theta, epoch
    if value > LIMIT:
        stopped = "diverged"
        break
$tol_check
""")

_UPDATE = """
step, state = rule.update(grad, state, rate)
theta = theta + step
"""

_SHUFFLED = ("shuffle the rows", "order = rng.permutation(n)")
_IN_ORDER = ("take the rows in file order, never reshuffled", "order = np.arange(n)")

#: The loss of one batch before its update, added up over the epoch for tol_on "running".
_BATCH_LOSS = """
batch_losses += LOSS_FACTOR * (error @ error) / len(rows)
batch_losses += L2 * np.sum((theta[:d] / scale) ** 2)
"""

_TOL_CHECK = {
    "loss": (
        "previous = start_loss",
        """
    # Converged: the loss moved by less than TOL during the epoch.
    if abs(value - previous) < TOL:
        stopped = "converged"
        break
    previous = value
""",
    ),
    "running": (
        "# The first epoch has no running loss before it to compare with.\nprevious = np.nan",
        """
    # Converged: the epoch's mean of the per-batch losses, each taken before that
    # batch's update, moved by less than TOL since the epoch before.
    if abs(running - previous) < TOL:
        stopped = "converged"
        break
    previous = running
""",
    ),
}

_REPORT = """
w, b = to_data_units(kept)


def printable(name):
    \"\"\"A column name on one line: characters a terminal cannot show are escaped.\"\"\"
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in name)


print(f"epochs run: {epochs_run}")
print(f"stopped: {stopped}")
for name, value in zip(FEATURES, w):
    print(f"w[{printable(name)}] = {value:.12g}")
"""

_REPORT_INTERCEPT = _REPORT + 'print(f"b = {b:.12g}")\n'
_REPORT_PLAIN = _REPORT + 'print(f"b = {0.0:.12g}")\n'


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


def _script_preamble(
    settings: dict, optimizer: str, n_rows: int, embed: bool, full_batch: bool
) -> str:
    if full_batch:
        batches = "full batch"
    elif settings["batch_size"] == 1:
        batches = "stochastic (1 row)"
    else:
        batches = f"mini-batches of {settings['batch_size']} rows"
    if not full_batch and not settings["shuffle"]:
        batches += ", in file order"
    imports = "from typing import NamedTuple\n\nimport numpy as np"
    if not embed:
        imports = "import csv\nfrom pathlib import Path\n" + imports
    return _PREAMBLE.substitute(
        optimizer=optimizer,
        batches=batches,
        schedule=_known_schedule(settings["schedule"]).name,
        loss=settings["loss"],
        standardize="yes" if settings["standardize"] else "no",
        intercept="yes" if settings["fit_intercept"] else "no (b = 0)",
        data_source=_EMBEDDED_SOURCE if embed else _FILE_SOURCE.substitute(rows=f"{n_rows:,}"),
        imports="from __future__ import annotations\n\n" + imports,
    )


def _script_names(names: list[str], target_name: str, data_note: str) -> str:
    target = _checked_text("target_name", target_name)
    note = _checked_text("data_note", data_note)
    return (
        "# Column names, exactly as they were in the data, and a note on its source.\n"
        f"FEATURES = {names!r}\n"
        f"TARGET = {target!r}\n"
        f"DATA_NOTE = {note!r}"
    )


def _script_data(X: np.ndarray, y: np.ndarray) -> str:
    rows = "\n".join(f"        [{', '.join(map(_number, row))}]," for row in X)
    targets = "\n".join(f"        {_number(value)}," for value in y)
    return (
        "# The data: one row per sample, the features in the order of FEATURES.\n"
        f"X = np.array(\n    [\n{rows}\n    ]\n)\n"
        f"y = np.array(\n    [\n{targets}\n    ]\n)\n"
        "n, d = X.shape"
    )


def _script_settings(settings: dict, full_batch: bool, loss_factor: float) -> str:
    extra = [f"FIT_INTERCEPT = {bool(settings['fit_intercept'])!r}"]
    if settings["tol"] is not None:
        extra.append(f"TOL = {float(settings['tol'])!r}")
    if not full_batch:
        extra.append(f"BATCH_SIZE = {int(settings['batch_size'])!r}")
        if settings["shuffle"]:
            extra.append(f"SEED = {int(settings['seed'])!r}")
    return _SETTINGS.substitute(
        loss=repr(str(settings["loss"])),
        loss_factor=_number(loss_factor),
        learning_rate=_number(settings["learning_rate"]),
        epochs=int(settings["epochs"]),
        l2=_number(settings["l2"]),
        init_coef=repr([float(v) for v in settings["init_coef"]]),
        init_intercept=_number(settings["init_intercept"]),
        extra="\n".join(extra),
    )


def _known_schedule(name: str) -> Schedule:
    if name not in SCHEDULE_REGISTRY:
        raise ValueError(f"no reproduction is written for the schedule {name!r}.")
    return SCHEDULE_REGISTRY[name]


def _script_schedule(settings: dict) -> str:
    schedule = _known_schedule(settings["schedule"])
    # The engine's own check, so the script never carries a value it would refuse.
    params = checked_parameters(
        schedule.name, settings["learning_rate"], **settings["schedule_params"]
    )
    arguments = "".join(f", {key}={_literal(value)}" for key, value in params.items())
    return (
        f"# Learning-rate schedule: {schedule.name}. What follows is Downhill's own code\n"
        "# (core/schedules.py), copied unchanged: the rate of each epoch\n"
        "# e = 0, 1, ..., EPOCHS - 1, from the starting rate and the epoch budget.\n"
        f"{_schedule_formula(schedule.name)}\n\n\n"
        "e = np.arange(EPOCHS, dtype=np.float64)\n"
        f"rates = {schedule.rates.__name__}(LEARNING_RATE, e, EPOCHS{arguments})"
    )


def _script_rule(rule: Optimizer) -> str:
    arguments = ", ".join(f"{key}={float(value)!r}" for key, value in rule.hyperparameters.items())
    return (
        f"# Update rule: {rule.name}. What follows is Downhill's own code (core/optimizers.py),\n"
        "# copied unchanged: a rule is a pair of pure functions, init(params) -> state and\n"
        "# update(grad, state, learning_rate) -> (step, new state); the loop adds the step.\n"
        f"{_rule_source(rule.name)}\n\n\n"
        f"rule = {optimizers.RULES[rule.name].make.__name__}({arguments})"
    )


def _script_loop(settings: dict, full_batch: bool) -> str:
    running = settings["tol"] is not None and settings["tol_on"] == "running"
    update = _UPDATE.strip("\n")
    if full_batch:
        lines = ["# Full batch: every row, once per epoch."]
        if running:
            lines.append("# With one batch an epoch, its running loss is the loss before the step.")
            lines.append("running = loss(theta)")
        lines += [
            "prediction = A @ theta",
            "error = prediction - y",
            "grad = (2.0 * LOSS_FACTOR / n) * (A.T @ error) + penalty * theta",
            update,
        ]
        preface = ""
    else:
        note, order = _SHUFFLED if settings["shuffle"] else _IN_ORDER
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
            lines.append(textwrap.indent(_BATCH_LOSS.strip("\n"), "    "))
        lines += [
            "    grad = (2.0 * LOSS_FACTOR / len(rows)) * (batch.T @ error) + penalty * theta",
            textwrap.indent(update, "    "),
        ]
        if running:
            lines.append("running = batch_losses / len(range(0, n, BATCH_SIZE))")
        preface = (
            "# Shuffling: one generator from the run's seed; each epoch draws a fresh\n"
            "# permutation of the rows.\n"
            "rng = np.random.default_rng(SEED)\n\n"
            if settings["shuffle"]
            else ""
        )
    if settings["tol"] is None:
        tol_start, tol_check = "# No tolerance was set: only EPOCHS or divergence end the run.", ""
    else:
        tol_start, tol_check = _TOL_CHECK[settings["tol_on"]]
    loop = _LOOP.substitute(
        body=textwrap.indent("\n".join(lines), "    "),
        tol_start=tol_start,
        tol_check=tol_check.strip("\n"),
    )
    return preface + loop.strip("\n")


# -------------------------------------------------- the engine's rules, as the script reads them
#
# The script's update rules and schedules are not a second copy kept by hand: they are
# read from the engine's own code, so a rule or schedule added there reaches the script
# (or, if it cannot be read this way, the export refuses it and the tests say so).


def _state_classes() -> list[type]:
    """The NamedTuple states of :mod:`core.optimizers`, in the order they are defined."""
    classes = [
        value
        for value in vars(optimizers).values()
        if isinstance(value, type)
        and issubclass(value, tuple)
        and hasattr(value, "_fields")
        and value.__module__ == optimizers.__name__
        and value is not Optimizer
    ]
    return sorted(classes, key=lambda cls: inspect.getsourcelines(cls)[1])


@functools.cache
def _rule_source(name: str) -> str:
    """The source of the rule ``name``: :class:`Optimizer`, the states it uses, its factory."""
    source = inspect.getsource(optimizers.RULES[name].make)
    states = [cls for cls in _state_classes() if re.search(rf"\b{cls.__name__}\b", source)]
    parts = [inspect.getsource(Optimizer), *map(inspect.getsource, states), source]
    return "\n\n\n".join(part.strip("\n") for part in parts)


@functools.cache
def _schedule_formula(name: str) -> str:
    """The source of the schedule ``name``'s function in :mod:`core.schedules`."""
    return inspect.getsource(SCHEDULE_REGISTRY[name].rates).strip("\n")
