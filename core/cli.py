"""Command line: ``python -m core fit data.csv --target y [options]`` or
``python -m core fit --preset KEY [options]``.

Prints the descent's final parameters beside the closed-form answer, R², MSE,
the epochs run and why the run stopped (``--json``: the same as one object).
A preset runs with its own settings (a tutorial's rate, loss convention, row
order, stopping rule and start; see :attr:`core.data.Preset.run`) on its
own training rows, and reports ``test_r2`` on its test rows when it has them;
any option given on the command line overrides the preset's value.
Bad files and arguments print one clear line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

import numpy as np

from core.data import PRESETS, DataError, PresetRun, default_features, preset, read_csv_bytes
from core.descent import DivergenceWarning, descend
from core.metrics import predict, regression_metrics
from core.objective import LOSSES
from core.ols import ols
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES
from core.settings import TOL_ON, Settings


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, no usage dump."""

    def error(self, message: str):
        raise _UsageError(message)


class _UsageError(Exception):
    """A problem with what the user typed or the file they gave."""


#: Command-line option -> the :class:`~core.settings.Settings` field it overrides.
_RUN_OPTIONS = {
    "optimizer": "optimizer",
    "lr": "learning_rate",
    "epochs": "epochs",
    "batch_size": "batch_size",
    "loss": "loss",
    "shuffle": "shuffle",
    "tol": "tol",
    "tol_on": "tol_on",
    "seed": "seed",
    "standardize": "standardize",
    "fit_intercept": "fit_intercept",
    "l2": "l2",
    "schedule": "schedule",
}


def build_parser() -> argparse.ArgumentParser:
    """The ``fit`` command and its options.

    Run options default to None, meaning "not given": the preset's value (or
    Downhill's default for a CSV file, shown in the help) is used instead.
    """
    defaults = Settings()
    parser = _Parser(prog="python -m core", description="Fit a line by gradient descent.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    fit = commands.add_parser("fit", help="fit a CSV file's target, or a preset, by descent")
    fit.add_argument("csv", type=Path, nargs="?", help="CSV file (comma, semicolon, tab, spaces)")
    fit.add_argument("--preset", help="a preset instead of a file, run with its own settings")
    fit.add_argument("--target", help="column to predict (required with a CSV file)")
    fit.add_argument(
        "--features",
        help="comma-separated feature columns (default: all others but row identifiers)",
    )
    fit.add_argument("--optimizer", choices=sorted(OPTIMIZERS), help="default gd")
    fit.add_argument("--lr", type=float, help=f"learning rate (default {defaults.learning_rate})")
    fit.add_argument("--epochs", type=int, help=f"epoch budget (default {defaults.epochs:,})")
    fit.add_argument("--batch-size", type=int, help="default: full batch")
    fit.add_argument("--loss", choices=LOSSES, help="mse (1/n, default) or half_mse (1/(2n))")
    order = fit.add_mutually_exclusive_group()
    order.add_argument(
        "--in-order",
        dest="shuffle",
        action="store_const",
        const=False,
        help="mini-batches take the rows in file order every epoch",
    )
    order.add_argument(
        "--shuffle",
        dest="shuffle",
        action="store_const",
        const=True,
        help="mini-batches reshuffle the rows every epoch (default)",
    )
    fit.add_argument("--schedule", choices=sorted(SCHEDULES), help="default constant")
    fit.add_argument("--l2", type=float, help="ridge strength (default 0)")
    fit.add_argument("--tol", type=float, help="stop when the loss settles")
    fit.add_argument(
        "--tol-on",
        choices=TOL_ON,
        help="what --tol watches: the loss after each epoch (default) or the "
        "epoch's running mean of per-batch losses",
    )
    fit.add_argument("--seed", type=int, help="seed of the reshuffling (default 0)")
    fit.add_argument(
        "--standardize",
        action="store_const",
        const=True,
        help="descend on z-scored features",
    )
    fit.add_argument(
        "--no-intercept",
        dest="fit_intercept",
        action="store_const",
        const=False,
        help="fit a line through 0",
    )
    fit.add_argument("--solver", default="gd", choices=["gd", "ols"])
    fit.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


class _Problem:
    """The rows to fit and test, their names and the run settings, from a file or a preset."""

    def __init__(self, args):
        if (args.csv is None) == (args.preset is None):
            raise _UsageError("give a CSV file or --preset KEY (one of them)")
        if args.preset is not None:
            data = preset(args.preset)
            self.source, run = {"preset": args.preset}, PRESETS[args.preset].run or PresetRun()
            table, target = data.table, args.target or data.target
            features = data.features if target == data.target else None
        else:
            if args.target is None:
                raise _UsageError("the following arguments are required: --target")
            self.source, run = {"file": str(args.csv)}, PresetRun()
            table, target, features = _read_table(args.csv), args.target, None
        if args.features:
            features = [f.strip() for f in args.features.split(",")]
        if features is None:
            features = default_features(table, target)
        try:
            X, y = table.xy(target, features)
        except DataError as error:
            raise _UsageError(str(error)) from None
        given = {
            field: getattr(args, option)
            for option, field in _RUN_OPTIONS.items()
            if getattr(args, option) is not None
        }
        self.settings = run.settings.replace(**given)
        self.target, self.features = target, features
        self.X, self.y, self.X_test, self.y_test = run.split(X, y)


def _read_table(path: Path):
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise _UsageError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        return read_csv_bytes(raw)
    except (DataError, ValueError) as error:
        raise _UsageError(str(error)) from None


def _progress(done: int, total: int) -> None:
    print(f"\repoch {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr)


def fit_command(args) -> dict:
    """Run the fit described by ``args`` and return the report as plain values."""
    problem = _Problem(args)
    X, y, settings = problem.X, problem.y, problem.settings
    closed = ols(X, y, fit_intercept=settings.fit_intercept, l2=settings.l2, loss=settings.loss)
    report = {
        **problem.source,
        "target": problem.target,
        "features": problem.features,
        "rows": len(y),
        "closed_form": {"coef": closed.coef.tolist(), "intercept": closed.intercept},
    }
    if args.solver == "ols":
        coef, intercept = closed.coef, closed.intercept
        report.update(solver="ols", epochs_run=0, stop_reason="closed_form")
    else:
        long_run = settings.updates(len(y)) >= 100_000
        with warnings.catch_warnings():
            # The report says it plainly (stop_reason, and advice in the text form).
            warnings.simplefilter("ignore", DivergenceWarning)
            run = descend(
                X, y, settings, progress=_progress if long_run and not args.json else None
            )
        coef, intercept = run.coef, run.intercept
        report.update(
            solver="gd",
            settings=run.settings.to_dict(),
            epochs_run=run.epochs_run,
            stop_reason=run.stop_reason,
            diverged_at=run.diverged_at,
            final_loss=float(run.history.loss[-1]),
        )
    metrics = regression_metrics(y, predict(X, coef, intercept))
    report.update(
        coef=np.asarray(coef).tolist(),
        intercept=float(intercept),
        r2=metrics.r2,
        mse=metrics.mse,
        rmse=metrics.rmse,
        mae=metrics.mae,
    )
    if len(problem.y_test):
        test = regression_metrics(problem.y_test, predict(problem.X_test, coef, intercept))
        report.update(test_rows=len(problem.y_test), test_r2=test.r2)
    return report


def format_report(report: dict) -> str:
    """The report as aligned text for a terminal."""
    names = [*report["features"], "(intercept)"]
    ours = [*report["coef"], report["intercept"]]
    closed = [*report["closed_form"]["coef"], report["closed_form"]["intercept"]]
    width = max(len(name) for name in names)
    lines = [
        f"{report['target']} ~ {' + '.join(report['features'])}   ({report['rows']:,} rows)",
        f"{'parameter':<{width}}  {report['solver']:>16}  {'closed form':>16}",
    ]
    lines += [
        f"{n:<{width}}  {a:>16.8g}  {b:>16.8g}" for n, a, b in zip(names, ours, closed, strict=True)
    ]
    lines.append(f"R² {report['r2']:.6g}   MSE {report['mse']:.6g}   RMSE {report['rmse']:.6g}")
    if "test_r2" in report:
        lines.append(f"test R² {report['test_r2']:.6g} on {report['test_rows']:,} held-out rows")
    stop = report["stop_reason"]
    if stop == "diverged":
        stop += f" at epoch {report['diverged_at']} (lower --lr or add --standardize)"
    lines.append(f"epochs run {report['epochs_run']:,}, stopped: {stop}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit status."""
    try:
        args = build_parser().parse_args(argv)
        report = fit_command(args)
    except (_UsageError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    print(json.dumps(report) if args.json else format_report(report))
    return 0
