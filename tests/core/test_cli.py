"""The command line, run as a person would: a subprocess, files on disk."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from core import Settings, descend, ols
from core.data import PRESETS, preset

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
        (["fit"], "give a CSV file or --preset KEY"),
        (["fit", "{csv}", "--preset", "tutorial_5_points"], "give a CSV file or --preset KEY"),
        (["fit", "--preset", "nope"], "Unknown preset 'nope'; choose one of: clear_bowl"),
        (["fit", "--preset", "anscombe", "--target", "z"], "no column named 'z'"),
        (["fit", "{csv}", "--target", "y", "--loss", "l1"], "invalid choice"),
        (["fit", "{csv}", "--target", "y", "--tol-on", "x"], "invalid choice"),
        (["fit", "{csv}", "--target", "y", "--in-order", "--shuffle"], "not allowed with"),
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


def test_loss_convention_option_halves_the_gradient(csv_file):
    mse = json.loads(run_cli("fit", csv_file, "--target", "y", "--lr", "0.1", "--json").stdout)
    half = run_cli("fit", csv_file, "--target", "y", "--lr", "0.2", "--loss", "half_mse", "--json")
    half = json.loads(half.stdout)
    assert half["settings"]["loss"] == "half_mse" and mse["settings"]["loss"] == "mse"
    np.testing.assert_allclose(half["coef"], mse["coef"], rtol=1e-12)
    assert half["final_loss"] == pytest.approx(mse["final_loss"] / 2, rel=1e-9)


def test_in_order_and_running_tolerance_options_reach_the_engine(csv_file):
    options = ["--batch-size", "1", "--lr", "0.05", "--tol", "1e-12", "--epochs", "500"]
    result = run_cli(
        "fit", csv_file, "--target", "y", *options, "--in-order", "--tol-on", "running", "--json"
    )
    report = json.loads(result.stdout)
    data = np.loadtxt(csv_file, delimiter=";", skiprows=1)
    run = descend(
        data[:, :1],
        data[:, 1],
        batch_size=1,
        learning_rate=0.05,
        tol=1e-12,
        epochs=500,
        shuffle=False,
        tol_on="running",
    )
    assert report["settings"]["shuffle"] is False and report["settings"]["tol_on"] == "running"
    assert (report["epochs_run"], report["stop_reason"]) == (run.epochs_run, run.stop_reason)
    assert report["coef"] == run.coef.tolist() and report["intercept"] == run.intercept


def test_preset_runs_with_its_own_settings_unless_told_otherwise():
    report = json.loads(run_cli("fit", "--preset", "tutorial_3_features_sgd", "--json").stdout)
    own = PRESETS["tutorial_3_features_sgd"].run
    assert report["preset"] == "tutorial_3_features_sgd" and "file" not in report
    assert report["settings"]["init_coef"] == [1.0, 1.0, 1.0]
    assert report["settings"]["batch_size"] == 1 and report["settings"]["shuffle"] is False
    assert report["rows"] == len(own.train_rows) and report["test_rows"] == len(own.test_rows)
    assert set(report) >= {"coef", "intercept", "epochs_run", "stop_reason", "settings", "test_r2"}

    told = run_cli(
        "fit", "--preset", "tutorial_3_features_sgd", "--shuffle", "--epochs", "3", "--json"
    )
    told = json.loads(told.stdout)
    assert told["settings"]["shuffle"] is True and told["epochs_run"] == 3
    assert told["settings"]["init_coef"] == [1.0, 1.0, 1.0]  # the rest still the preset's


def test_an_example_that_is_not_a_tutorial_runs_every_row_on_the_defaults():
    report = json.loads(run_cli("fit", "--preset", "clear_bowl", "--json").stdout)
    X, y = preset("clear_bowl").xy()
    run = descend(X, y, Settings())
    assert report["rows"] == 100 and "test_r2" not in report
    assert report["settings"]["learning_rate"] == Settings().learning_rate
    assert report["epochs_run"] == run.epochs_run
    assert report["coef"] == run.coef.tolist() and report["intercept"] == run.intercept


def test_preset_target_and_features_can_be_changed():
    result = run_cli("fit", "--preset", "tutorial_temperatures", "--features", "wind", "--json")
    report = json.loads(result.stdout)
    assert (report["target"], report["features"]) == ("temp_max", ["wind"])
    X, y = preset("tutorial_temperatures").table.xy("temp_max", ["wind"])
    fit = ols(X, y)
    assert report["closed_form"]["coef"] == pytest.approx(fit.coef.tolist(), rel=1e-12)


def test_text_report_of_a_preset_gives_its_test_r2():
    result = run_cli("fit", "--preset", "tutorial_400_points")
    assert result.returncode == 0, result.stderr
    assert "test R² 0.948834 on 80 held-out rows" in result.stdout


def test_a_row_missing_only_a_column_not_fitted_is_still_fitted(tmp_path):
    rows = [f"{100 + 3 * i},{20 + i},{'' if i % 10 == 3 else i % 4 + 1}" for i in range(40)]
    path = tmp_path / "wohnungen.csv"
    path.write_text("Preis,Fläche,Zimmer\n" + "\n".join(rows) + "\n", encoding="utf-8")
    fitted = ["--target", "Preis", "--solver", "ols", "--json"]
    result = run_cli("fit", path, *fitted, "--features", "Fläche")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"] == 40
    result = run_cli("fit", path, *fitted, "--features", "Fläche,Zimmer")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["rows"] == 36


def test_the_default_features_leave_out_a_row_identifier(tmp_path):
    rows = [f"{i + 1},{0.1 * i:.1f},{3 * 0.1 * i + 1:.2f}" for i in range(20)]
    path = tmp_path / "ids.csv"
    path.write_text("#ID,x,y\n" + "\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("fit", path, "--target", "y", "--solver", "ols", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["features"] == ["x"]
