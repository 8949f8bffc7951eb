"""Command line: ``python -m core fit data.csv --target y [options]``.

Prints the descent's final parameters beside the closed-form answer, R², MSE,
the epochs run and why the run stopped (``--json``: the same as one object).
Bad files and arguments print one clear line on stderr and exit with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from core.descent import descend
from core.metrics import predict, regression_metrics
from core.ols import ols
from core.optimizers import OPTIMIZERS
from core.schedules import SCHEDULES


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, no usage dump."""

    def error(self, message: str):
        raise _UsageError(message)


class _UsageError(Exception):
    """A problem with what the user typed or the file they gave."""


def build_parser() -> argparse.ArgumentParser:
    """The ``fit`` command and its options."""
    parser = _Parser(prog="python -m core", description="Fit a line by gradient descent.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    fit = commands.add_parser("fit", help="fit a CSV file's target from its features")
    fit.add_argument("csv", type=Path, help="CSV file (comma, semicolon, tab or spaces)")
    fit.add_argument("--target", required=True, help="column to predict")
    fit.add_argument("--features", help="comma-separated feature columns (default: all others)")
    fit.add_argument("--optimizer", default="gd", choices=sorted(OPTIMIZERS))
    fit.add_argument("--lr", type=float, default=0.01, help="learning rate (default 0.01)")
    fit.add_argument("--epochs", type=int, default=1000)
    fit.add_argument("--batch-size", type=int, default=None, help="default: full batch")
    fit.add_argument("--schedule", default="constant", choices=sorted(SCHEDULES))
    fit.add_argument("--l2", type=float, default=0.0, help="ridge strength")
    fit.add_argument("--tol", type=float, default=None, help="stop when the loss settles")
    fit.add_argument("--seed", type=int, default=0)
    fit.add_argument("--standardize", action="store_true", help="descend on z-scored features")
    fit.add_argument("--no-intercept", action="store_true", help="fit a line through 0")
    fit.add_argument("--solver", default="gd", choices=["gd", "ols"])
    fit.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _load(args) -> tuple[np.ndarray, np.ndarray, list[str]]:
    from core.data import DataError, read_csv_bytes  # pandas only when a file is read

    try:
        raw = args.csv.read_bytes()
    except OSError as error:
        raise _UsageError(f"cannot read {args.csv}: {error.strerror or error}") from None
    try:
        table = read_csv_bytes(raw)
        features = args.features.split(",") if args.features else None
        if features is None:
            features = [c for c in table.columns if c != args.target]
        X, y = table.xy(args.target, [f.strip() for f in features])
    except (DataError, ValueError) as error:
        raise _UsageError(str(error)) from None
    return X, y, [f.strip() for f in features]


def _progress(done: int, total: int) -> None:
    print(f"\repoch {done:,}/{total:,}", end="" if done < total else "\n", file=sys.stderr)


def fit_command(args) -> dict:
    """Run the fit described by ``args`` and return the report as plain values."""
    X, y, features = _load(args)
    fit_intercept = not args.no_intercept
    closed = ols(X, y, fit_intercept=fit_intercept, l2=args.l2)
    report = {
        "file": str(args.csv),
        "target": args.target,
        "features": features,
        "rows": len(y),
        "closed_form": {"coef": closed.coef.tolist(), "intercept": closed.intercept},
    }
    if args.solver == "ols":
        coef, intercept = closed.coef, closed.intercept
        report.update(solver="ols", epochs_run=0, stop_reason="closed_form")
    else:
        long_run = args.epochs * (1 if args.batch_size is None else len(y) // args.batch_size)
        run = descend(
            X,
            y,
            optimizer=args.optimizer,
            learning_rate=args.lr,
            epochs=args.epochs,
            batch_size=args.batch_size,
            fit_intercept=fit_intercept,
            standardize=args.standardize,
            l2=args.l2,
            tol=args.tol,
            seed=args.seed,
            schedule=args.schedule,
            progress=_progress if long_run >= 100_000 and not args.json else None,
        )
        coef, intercept = run.coef, run.intercept
        report.update(
            solver="gd",
            settings=run.settings,
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
