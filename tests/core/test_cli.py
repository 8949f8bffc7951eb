"""The command line, run as a person would: a subprocess, files on disk."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import ols

ROOT = Path(__file__).parents[2]


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "core", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def csv_file(tmp_path):
    x = np.linspace(0, 2, 50)
    y = 3 * x - 1 + 0.1 * np.sin(11 * x)
    path = tmp_path / "line.csv"
    path.write_text("x;y\n" + "\n".join(f"{a:.6f};{b:.6f}" for a, b in zip(x, y, strict=True)))
    return path


def test_json_report_matches_the_closed_form(csv_file):
    result = run_cli("fit", csv_file, "--target", "y", "--lr", "0.2", "--epochs", "3000", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    data = np.loadtxt(csv_file, delimiter=";", skiprows=1)
    fit = ols(data[:, :1], data[:, 1])
    assert report["coef"][0] == pytest.approx(fit.coef[0], rel=1e-6)
    assert report["intercept"] == pytest.approx(fit.intercept, rel=1e-6)
    assert report["closed_form"]["coef"][0] == pytest.approx(fit.coef[0])
    assert report["stop_reason"] == "max_epochs"
    assert report["epochs_run"] == 3000
    assert report["r2"] > 0.99
    assert set(report) >= {"mse", "rmse", "mae", "features", "settings"}


def test_text_report_names_the_parameters(csv_file):
    result = run_cli("fit", csv_file, "--target", "y", "--optimizer", "adam", "--lr", "0.05")
    assert result.returncode == 0, result.stderr
    assert "closed form" in result.stdout
    assert "(intercept)" in result.stdout
    assert "R²" in result.stdout and "stopped: max_epochs" in result.stdout


def test_ols_solver(csv_file):
    result = run_cli("fit", csv_file, "--target", "y", "--solver", "ols", "--json")
    report = json.loads(result.stdout)
    assert report["coef"] == report["closed_form"]["coef"]


def test_divergence_is_explained(csv_file):
    result = run_cli("fit", csv_file, "--target", "y", "--lr", "50")
    assert "diverged at epoch" in result.stdout


def test_long_runs_show_progress_on_stderr(csv_file):
    result = run_cli("fit", csv_file, "--target", "y", "--epochs", "100000", "--lr", "0.1")
    assert result.returncode == 0
    assert "epoch 100,000/100,000" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fit", "missing.csv", "--target", "y"], "cannot read missing.csv"),
        (["fit", "{csv}", "--target", "nope"], "no column named 'nope'"),
        (["fit", "{csv}", "--target", "y", "--features", "z"], "no column named 'z'"),
        (["fit", "{csv}", "--target", "y", "--lr", "abc"], "invalid float value"),
        (["fit", "{csv}", "--target", "y", "--lr", "-1"], "learning_rate must be > 0"),
        (["fit", "{csv}", "--target", "y", "--optimizer", "sgdx"], "invalid choice"),
        (["fit", "{csv}"], "required: --target"),
        (["fit", "{binary}", "--target", "y"], ""),
    ],
)
def test_bad_input_prints_one_line_and_fails(csv_file, tmp_path, args, message):
    binary = tmp_path / "junk.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    args = [a.format(csv=csv_file, binary=binary) for a in args]
    result = run_cli(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert message in lines[0]
