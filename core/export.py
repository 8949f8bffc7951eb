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

from core.descent import DIVERGENCE_FACTOR, Run
from core.optimizers import Optimizer, make_optimizer
from core.schedules import SCHEDULES, learning_rates
from core.validation import as_design

#: Most rows written into a reproduction script; larger data is read from
#: :data:`DATA_FILE_NAME` next to the script.
EMBED_MAX_ROWS = 5_000

#: The file a reproduction script of a large data set reads (see :func:`data_csv`).
DATA_FILE_NAME = "downhill_data.csv"

#: First characters that make a spreadsheet treat a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def history_csv(run: Run, feature_names: Sequence[str]) -> str:
    """The per-epoch record of ``run`` as CSV text, one row per epoch.

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
            *map(_number, h.coef[epoch]),
            _number(h.intercept[epoch]),
            *map(_number, h.grad_coef[epoch]),
            _number(h.grad_intercept[epoch]),
        ]
        for epoch in range(h.loss.shape[0])
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
        "settings": run.settings,
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

    The script spells out the loss, the standardization (when the run used
    it), the learning rate of every epoch, the run's update rule with its
    hyperparameters, the full-batch or mini-batch loop (reshuffled exactly as
    :func:`core.descend` does from the same seed), and the divergence and
    tolerance rules. It ends by printing ``epochs run: N``, ``stopped: <reason>``,
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
    s = run.settings
    rule = make_optimizer(s["optimizer"], **s["optimizer_params"])
    embed = X.shape[0] <= EMBED_MAX_ROWS
    full_batch = s["batch_size"] is None or s["batch_size"] >= X.shape[0]
    sections = [
        _script_preamble(s, rule.name, X.shape[0], embed, full_batch),
        _script_names(names, target_name, data_note),
        _script_data(X, y) if embed else _READ_DATA,
        _script_settings(s, full_batch),
        _SCALING if s["standardize"] else _NO_SCALING,
        _INTERCEPT_PARAMS if run.fit_intercept else _PLAIN_PARAMS,
        _script_schedule(s),
        _script_rule(rule),
        _START_AND_LIMIT,
        _script_loop(rule.name, s["tol"] is not None, full_batch),
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
Standardize: $standardize    intercept: $intercept
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
# Settings of the run. The loss it minimises is the mean squared error plus a
# ridge penalty on the weights in the data's own units:
#
#     L(w, b) = mean((X @ w + b - y) ** 2) + L2 * sum(w ** 2)
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
    return np.mean(error**2) + L2 * np.sum((theta[:d] / scale) ** 2)


# Divergence: the run stops once the loss is not a finite number (keeping the
# last finite parameters) or exceeds {DIVERGENCE_FACTOR:g} times the larger of the starting
# loss and the loss of the all-zero model, mean(y ** 2).
start_loss = loss(theta)
reference = max(start_loss, np.mean(y**2))
LIMIT = {DIVERGENCE_FACTOR!r} * (reference if reference > 0 else 1.0)
# A blowing-up run overflows on its way out; the rule above catches it.
np.seterr(over="ignore", invalid="ignore")
"""

_LOOP = string.Template("""
# The descent. The learning rate changes only between epochs.
kept, epochs_run, stopped = theta, 0, "max_epochs"
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

_FULL_BATCH_BODY = string.Template("""
# Full batch: every row, once per epoch.
prediction = A @ theta
error = prediction - y
grad = (2.0 / n) * (A.T @ error) + penalty * theta
$update
""")

_MINI_BATCH_BODY = string.Template("""
# Mini-batches: shuffle the rows, then walk through them BATCH_SIZE at a time
# (the last batch of an epoch may be smaller), one update per batch.
order = rng.permutation(n)
for start in range(0, n, BATCH_SIZE):
    rows = order[start : start + BATCH_SIZE]
    batch = A[rows]
    prediction = batch @ theta
    error = prediction - y[rows]
    grad = (2.0 / len(rows)) * (batch.T @ error) + penalty * theta
$update
""")

_TOL_CHECK = """
    # Converged: the loss moved by less than TOL during the epoch.
    if abs(value - previous) < TOL:
        stopped = "converged"
        break
    previous = value
"""

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

#: Per update rule: what it means, its state, and the update inside the loop.
_RULES = {
    "gd": (
        "Plain gradient descent: a step against the gradient, scaled by the rate.",
        "",
        "theta = theta - rate * grad",
    ),
    "momentum": (
        "Momentum: a velocity accumulates past gradients (decaying by BETA) and\n"
        "the step follows the velocity.",
        "velocity = np.zeros_like(theta)",
        "velocity = BETA * velocity + grad\ntheta = theta - rate * velocity",
    ),
    "nesterov": (
        "Nesterov momentum, in the form that needs the gradient at the current point\n"
        "only: the step looks one velocity update ahead.",
        "velocity = np.zeros_like(theta)",
        "velocity = BETA * velocity + grad\ntheta = theta - rate * (BETA * velocity + grad)",
    ),
    "adagrad": (
        "AdaGrad: each coordinate's step shrinks with the running sum of its squared\ngradients.",
        "squares = np.zeros_like(theta)",
        "squares = squares + grad * grad\ntheta = theta - rate * grad / (np.sqrt(squares) + EPS)",
    ),
    "rmsprop": (
        "RMSProp: each coordinate's step is divided by a moving average (decay RHO)\n"
        "of its squared gradients.",
        "squares = np.zeros_like(theta)",
        "squares = RHO * squares + (1.0 - RHO) * grad * grad\n"
        "theta = theta - rate * grad / (np.sqrt(squares) + EPS)",
    ),
    "adam": (
        "Adam: moving averages of the gradient (decay BETA1) and of its square\n"
        "(decay BETA2), corrected for starting at zero, set each step.",
        "mean = np.zeros_like(theta)\nsquare = np.zeros_like(theta)\nt = 0",
        "t += 1\n"
        "mean = BETA1 * mean + (1.0 - BETA1) * grad\n"
        "square = BETA2 * square + (1.0 - BETA2) * grad * grad\n"
        "mean_hat = mean / (1.0 - BETA1**t)\n"
        "square_hat = square / (1.0 - BETA2**t)\n"
        "theta = theta - rate * mean_hat / (np.sqrt(square_hat) + EPS)",
    ),
}

#: Per schedule: the rate of epoch e = 0, 1, ..., EPOCHS - 1 (as core.schedules has it).
_SCHEDULE_RATES = {
    "constant": "np.full(EPOCHS, LEARNING_RATE)",
    "step": "LEARNING_RATE * DROP ** np.floor(e / EVERY)",
    "exponential": "LEARNING_RATE * GAMMA**e",
    "inverse_time": "LEARNING_RATE / (1.0 + DECAY * e)",
    "cosine": "MIN_LR + 0.5 * (LEARNING_RATE - MIN_LR) * (1.0 + np.cos(np.pi * e / EPOCHS))",
}


def _join_sections(sections: Iterable[str]) -> str:
    """Sections one blank line apart, two around function definitions (as PEP 8 has it)."""
    text = ""
    for section in sections:
        if text:
            touches_def = section.startswith("def ") or text.splitlines()[-1].startswith(" ")
            text += "\n\n\n" if touches_def else "\n\n"
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
    imports = "import numpy as np"
    if not embed:
        imports = "import csv\nfrom pathlib import Path\n\n" + imports
    return _PREAMBLE.substitute(
        optimizer=optimizer,
        batches=batches,
        schedule=_known_schedule(settings["schedule"]),
        standardize="yes" if settings["standardize"] else "no",
        intercept="yes" if settings["fit_intercept"] else "no (b = 0)",
        data_source=_EMBEDDED_SOURCE if embed else _FILE_SOURCE.substitute(rows=f"{n_rows:,}"),
        imports=imports,
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


def _script_settings(settings: dict, full_batch: bool) -> str:
    extra = [f"FIT_INTERCEPT = {bool(settings['fit_intercept'])!r}"]
    if settings["tol"] is not None:
        extra.append(f"TOL = {float(settings['tol'])!r}")
    if not full_batch:
        extra += [
            f"BATCH_SIZE = {int(settings['batch_size'])!r}",
            f"SEED = {int(settings['seed'])!r}",
        ]
    return _SETTINGS.substitute(
        learning_rate=_number(settings["learning_rate"]),
        epochs=int(settings["epochs"]),
        l2=_number(settings["l2"]),
        init_coef=repr([float(v) for v in settings["init_coef"]]),
        init_intercept=_number(settings["init_intercept"]),
        extra="\n".join(extra),
    )


def _known_schedule(name: str) -> str:
    if name not in _SCHEDULE_RATES:
        raise ValueError(f"no reproduction is written for the schedule {name!r}.")
    return name


def _script_schedule(settings: dict) -> str:
    name = _known_schedule(settings["schedule"])
    params = {**SCHEDULES[name], **settings["schedule_params"]}
    # The engine's own check, so the script never carries a value it would refuse.
    learning_rates(name, settings["learning_rate"], 1, **params)
    constants = "".join(f"{key.upper()} = {_literal(value)}\n" for key, value in params.items())
    formula = _SCHEDULE_RATES[name]
    epochs = "e = np.arange(EPOCHS, dtype=np.float64)\n" if re.search(r"\be\b", formula) else ""
    return (
        f"# Learning-rate schedule: {name}. The rate of each epoch e = 0, 1, ..., EPOCHS - 1.\n"
        f"{constants}{epochs}rates = {formula}"
    )


def _script_rule(rule: Optimizer) -> str:
    meaning, state, _ = _RULES[rule.name]
    constants = "".join(f"{k.upper()} = {float(v)!r}\n" for k, v in rule.hyperparameters.items())
    return (
        textwrap.indent(meaning, "# ")
        + "\n"
        + constants
        + (state or "# It keeps no state between steps.")
    )


def _script_loop(optimizer: str, has_tol: bool, full_batch: bool) -> str:
    update = _RULES[optimizer][2]
    if full_batch:
        body = _FULL_BATCH_BODY.substitute(update=update)
        shuffle = ""
    else:
        body = _MINI_BATCH_BODY.substitute(update=textwrap.indent(update, "    "))
        shuffle = (
            "# Shuffling: one generator from the run's seed; each epoch draws a fresh\n"
            "# permutation of the rows.\n"
            "rng = np.random.default_rng(SEED)\n\n"
        )
    if has_tol:
        tol_start, tol_check = "previous = start_loss", _TOL_CHECK.strip("\n")
    else:
        tol_start, tol_check = "# No tolerance was set: only EPOCHS or divergence end the run.", ""
    loop = _LOOP.substitute(
        body=textwrap.indent(body.strip("\n"), "    "), tol_start=tol_start, tol_check=tol_check
    )
    return shuffle + loop.strip("\n")
