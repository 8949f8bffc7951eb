"""The fixed text of a reproducing script, the sections :mod:`core.export.script` fills in.

Only engine-validated settings are substituted into these as text; every user
string goes through ``repr()`` and lands in a string literal of its own (see
:func:`core.export.script.reproduction_script`).
"""

from __future__ import annotations

import string

from core.descent import DIVERGENCE_FACTOR

#: The file a reproduction script of a large data set reads (see
#: :func:`core.export.records.data_csv`).
DATA_FILE_NAME = "downhill_data.csv"

#: The script's docstring and imports.
PREAMBLE = string.Template('''
"""Reproduce one Downhill gradient-descent run, step by step, with NumPy alone.

Run it with ``python <this file>``. It prints the epochs run, why the run
stopped and the fitted parameters, which match what Downhill reported.

Update rule: $optimizer    batches: $batches    schedule: $schedule
Loss: $loss    standardize: $standardize    intercept: $intercept
$data_source
"""

$imports
''')

#: The docstring's word on data written into the script.
EMBEDDED_SOURCE = "The data is written out below."

#: The docstring's word on data read from :data:`DATA_FILE_NAME`.
FILE_SOURCE = string.Template(
    f"The data ($rows rows) is too large to write out here: this script reads\n"
    f"{DATA_FILE_NAME} from its own folder (one header row, then the features and\n"
    f"the target as comma-separated numbers). Download it next to this script."
)

#: The data section of a script that reads :data:`DATA_FILE_NAME`.
READ_DATA = f'''
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

#: The run's settings as constants, with the loss they define.
SETTINGS = string.Template("""
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

#: The coordinates the descent runs in when the run standardized.
SCALING = """
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

#: The coordinates the descent runs in when it did not.
NO_SCALING = """
# Standardization is off: the descent runs on the features as they are
# (shift 0, scale 1, kept so the formulas below read the same either way).
shift = np.zeros(d)
scale = np.ones(d)
Z = (X - shift) / scale
"""

#: The parameter vector and its way back to the data's units, with an intercept.
INTERCEPT_PARAMS = """
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

#: The same without an intercept (b = 0).
PLAIN_PARAMS = """
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

#: The loss function, the starting loss and the divergence limit.
START_AND_LIMIT = f"""
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

#: The epoch loop, around one epoch's body and the tolerance test.
LOOP = string.Template("""
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

#: One step of the update rule.
UPDATE = """
step, state = rule.update(grad, state, rate)
theta = theta + step
"""

#: How a mini-batch epoch orders its rows: (words, code), reshuffled or in file order.
SHUFFLED = ("shuffle the rows", "order = rng.permutation(n)")
IN_ORDER = ("take the rows in file order, never reshuffled", "order = np.arange(n)")

#: The loss of one batch before its update, added up over the epoch for tol_on "running".
BATCH_LOSS = """
batch_losses += LOSS_FACTOR * (error @ error) / len(rows)
batch_losses += L2 * np.sum((theta[:d] / scale) ** 2)
"""

#: For each ``tol_on``: the loop's preface and its convergence test.
TOL_CHECK = {
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

#: What every script prints at the end; the intercept's line follows.
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

#: The closing report with a fitted intercept, and without one.
REPORT_INTERCEPT = _REPORT + 'print(f"b = {b:.12g}")\n'
REPORT_PLAIN = _REPORT + 'print(f"b = {0.0:.12g}")\n'

#: Before the loop of a reshuffling mini-batch run: where its permutations come from.
RESHUFFLING = (
    "# Shuffling: one generator from the run's seed; each epoch draws a fresh\n"
    "# permutation of the rows.\n"
    "rng = np.random.default_rng(SEED)\n\n"
)

#: The loop's preface when no tolerance was set.
NO_TOLERANCE = "# No tolerance was set: only EPOCHS or divergence end the run."
