"""Each tutorial preset against its article's own code, transcribed as printed.

The loops below are written the way the tutorials write them (plain Python and
NumPy, the articles' variable names, the articles' order of operations), and are
the independent reference: the preset run through :func:`core.descend` with the
preset's own settings, through ``python -m core fit --preset KEY --json`` and
through the exported reproduction script must each give the same numbers.
"""

# The articles call NumPy's legacy global generator; transcribing them means calling it too.
# ruff: noqa: NPY002

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from core import DivergenceWarning, descend, ols
from core.articles import agrees, shown
from core.data import PRESETS, preset
from core.data.bundled_datasets import BUNDLED_DIR
from core.data.presets import TUTORIAL_3_FEATURES_SEED
from core.export import reproduction_script

ROOT = Path(__file__).parents[2]

#: The presets that reproduce a tutorial (those with an article), in menu order.
TUTORIALS = tuple(key for key, example in PRESETS.items() if example.article)

#: Agreement asked of the engine with each tutorial's loop (the issue asks for 6
#: significant digits; the engine's sufficient statistics sum in another order).
RTOL = 1e-10


@pytest.fixture
def global_numpy_random():
    """Let a transcription seed NumPy's global generator, and put it back afterwards."""
    state = np.random.get_state()
    yield
    np.random.set_state(state)


# ------------------------------------------------------------ the articles' code


def five_points_article():
    """x = 1..5, y = 2, 4, 5, 4, 5; m = b = 0; 1,000 epochs at 0.01."""
    x = np.array([1, 2, 3, 4, 5])
    y = np.array([2, 4, 5, 4, 5])
    m, b = 0.0, 0.0
    learning_rate = 0.01
    epochs = 1000
    n = len(x)
    losses, steps = [], []
    for _ in range(epochs):
        y_pred = m * x + b
        losses.append(np.mean((y - y_pred) ** 2))
        dm = (-2 / n) * np.sum(x * (y - y_pred))
        db = (-2 / n) * np.sum(y - y_pred)
        m = m - learning_rate * dm
        b = b - learning_rate * db
        steps.append((m, b))
    return {"m": m, "b": b, "prediction": m * 6 + b, "loss0": losses[0], "step1": steps[0]}


def four_hundred_points_article():
    """np.random.seed(43); ½·MSE without the factor 2; a = 5e-4; 100,000 iterations."""
    np.random.seed(43)
    x = np.linspace(0, 100, 400)
    y = 3.5 * x + 10 + np.random.normal(0, 25, 400)
    indices = np.random.permutation(400)
    train, test = indices[:320], indices[320:]
    x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
    w1, w2 = 0.0, 0.0
    a = 5e-4
    for _ in range(100_000):
        error = w1 * x_train + w2 - y_train
        w1 -= a * np.mean(error * x_train)
        w2 -= a * np.mean(error)
    y_hat = w1 * x_test + w2
    r2 = 1 - np.sum((y_test - y_hat) ** 2) / np.sum((y_test - np.mean(y_test)) ** 2)
    return {"w1": w1, "w2": w2, "r2": r2}


def three_features_article(seed):
    """One update per row, rows in file order, stop when the epoch's mean loss settles."""
    np.random.seed(seed)  # the article leaves this out: its data differs on every run
    X = np.random.rand(1000, 3)
    y = 1.5 * X[:, 0] + 3.8 * X[:, 1] + 4.7 * X[:, 2] + 8.9 + np.random.randn(1000)
    X_train, y_train, X_test, y_test = X[:900], y[:900], X[900:], y[900:]
    w = np.ones(3)
    b = 0.0
    lr = 0.01
    previous_loss = None
    iterations = 0
    for _ in range(1000):
        iterations += 1
        losses = []
        for xi, yi in zip(X_train, y_train, strict=True):
            y_hat = np.dot(xi, w) + b
            losses.append((y_hat - yi) ** 2)
            w = w - lr * 2 * (y_hat - yi) * xi
            b = b - lr * 2 * (y_hat - yi)
        loss = np.mean(losses)
        if previous_loss is not None and abs(previous_loss - loss) < 1e-10:
            break
        previous_loss = loss
    y_pred = X_test @ w + b
    r2 = 1 - np.sum((y_test - y_pred) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
    return {"iterations": iterations, "w": w, "b": b, "r2": r2}


def temperatures_article(min_temp, max_temp, learning_rate, tolerance=1e-10, max_epochs=10_000):
    """Gradient descent with a tolerance stop and a divergence check that warns."""
    m, b = 0.0, 0.0
    n = len(min_temp)
    cost = start_cost = np.mean((max_temp - (m * min_temp + b)) ** 2)
    for epoch in range(1, max_epochs + 1):
        predicted = m * min_temp + b
        dm = (-2 / n) * np.sum(min_temp * (max_temp - predicted))
        db = (-2 / n) * np.sum(max_temp - predicted)
        m, b = m - learning_rate * dm, b - learning_rate * db
        new_cost = np.mean((max_temp - (m * min_temp + b)) ** 2)
        if not np.isfinite(new_cost) or new_cost > 1e6 * start_cost:
            warnings.warn("gradient descent is diverging: lower the learning rate", stacklevel=2)
            return {"m": m, "b": b, "epochs": epoch, "diverged": True}
        if abs(cost - new_cost) < tolerance:
            return {"m": m, "b": b, "epochs": epoch, "diverged": False}
        cost = new_cost
    return {"m": m, "b": b, "epochs": max_epochs, "diverged": False}


# --------------------------------------------------------------- Downhill's ways


def rate_and_tol(run):
    """A preset's learning rate and tolerance."""
    return run.settings.learning_rate, run.settings.tol


def run_preset(key, **overrides):
    """The preset through the engine with its own settings; (run, X_test, y_test)."""
    settings = PRESETS[key].run
    X, y = preset(key).xy()
    X_train, y_train, X_test, y_test = settings.split(X, y)
    run = descend(X_train, y_train, settings.settings, **overrides)
    return run, X_train, y_train, X_test, y_test


def held_out_r2(run, X_test, y_test):
    prediction = X_test @ run.coef + run.intercept
    return 1 - np.sum((y_test - prediction) ** 2) / np.sum((y_test - y_test.mean()) ** 2)


def cli_report(key, *options):
    result = subprocess.run(
        [sys.executable, "-m", "core", "fit", "--preset", key, "--json", *options],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def script_output(tmp_path, key):
    """Run the exported reproduction script of the preset's run; (run, printed numbers)."""
    run, X_train, y_train, _, _ = run_preset(key)
    data = preset(key)
    script = reproduction_script(
        run, X_train, y_train, feature_names=data.features, target_name=data.target
    )
    path = tmp_path / "reproduce.py"
    path.write_text(script, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(path)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    values = [float(line.rsplit(" = ", 1)[1]) for line in lines[2:]]
    return run, {
        "epochs_run": int(lines[0].removeprefix("epochs run: ")),
        "stopped": lines[1].removeprefix("stopped: "),
        "values": np.array(values),
    }


def close(a, b, rtol=RTOL):
    np.testing.assert_allclose(a, b, rtol=rtol, atol=0)


def article_code(key):
    return {row.quantity: row.code for row in PRESETS[key].article.numbers}


# ------------------------------------------------------------------- five points


def test_five_points_article_code_gives_the_issue_numbers():
    # The numbers the tutorial's code actually prints (not the article's 0.60, 1.20, 4.8).
    article = five_points_article()
    assert (round(article["m"], 7), round(article["b"], 7)) == (0.6176946, 2.1361168)
    assert round(article["prediction"], 7) == 5.8422845
    assert article["loss0"] == pytest.approx(17.2, abs=1e-12)
    assert article["step1"] == pytest.approx((0.264, 0.080), abs=1e-12)


def test_five_points_preset_fits_all_five_points_like_the_article():
    settings = PRESETS["tutorial_5_points"].run
    assert settings.train_rows is None and settings.test_rows == ()
    run, X_train, _, X_test, _ = run_preset("tutorial_5_points")
    assert X_train.shape == (5, 1) and X_test.shape == (0, 1)
    article = five_points_article()
    close(run.coef[0], article["m"])
    close(run.intercept, article["b"])
    close(run.coef[0] * 6 + run.intercept, article["prediction"])
    assert (run.epochs_run, run.stop_reason) == (1000, "max_epochs")
    # The first-iterations table: the true step 0 loss and step 1 parameters.
    assert run.history.loss[0] == pytest.approx(17.2, rel=1e-12)
    assert run.history.coef[1, 0] == pytest.approx(0.264, rel=1e-12)
    assert run.history.intercept[1] == pytest.approx(0.080, rel=1e-12)
    # Least squares, which 1,000 epochs have not reached, is the caption's 0.6x + 2.2.
    fit = ols(X_train, preset("tutorial_5_points").xy()[1])
    close([fit.coef[0], fit.intercept], [0.6, 2.2], rtol=1e-12)


def test_five_points_through_the_cli():
    report = cli_report("tutorial_5_points")
    article = five_points_article()
    close(report["coef"][0], article["m"])
    close(report["intercept"], article["b"])
    assert (report["epochs_run"], report["stop_reason"]) == (1000, "max_epochs")
    assert report["rows"] == 5 and "test_r2" not in report
    assert report["settings"]["learning_rate"] == 0.01 and report["settings"]["loss"] == "mse"


def test_five_points_first_step_through_the_cli_with_an_override():
    report = cli_report("tutorial_5_points", "--epochs", "1")
    assert report["coef"][0] == pytest.approx(0.264, rel=1e-12)
    assert report["intercept"] == pytest.approx(0.080, rel=1e-12)
    assert report["settings"]["epochs"] == 1


# -------------------------------------------------------------------- 400 points


@pytest.fixture(scope="module")
def four_hundred():
    state = np.random.get_state()
    try:
        return four_hundred_points_article()
    finally:
        np.random.set_state(state)


def test_400_points_article_code_gives_the_issue_numbers(four_hundred):
    assert round(four_hundred["w1"], 7) == 3.4803360
    assert round(four_hundred["w2"], 7) == 9.5651007
    assert round(four_hundred["r2"], 7) == 0.9488336


def test_400_points_preset_draws_the_articles_numbers_without_touching_global_state(
    global_numpy_random,
):
    np.random.seed(1)
    before = np.random.get_state()[1].copy()
    X, y = preset("tutorial_400_points").xy()
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    np.random.seed(43)
    x = np.linspace(0, 100, 400)
    np.testing.assert_array_equal(X[:, 0], x)
    np.testing.assert_array_equal(y, 3.5 * x + 10 + np.random.normal(0, 25, 400))
    indices = np.random.permutation(400)
    settings = PRESETS["tutorial_400_points"].run
    assert settings.train_rows == tuple(indices[:320].tolist())
    assert settings.test_rows == tuple(indices[320:].tolist())


def test_400_points_preset_runs_the_article_loop(four_hundred):
    settings = PRESETS["tutorial_400_points"].run
    assert (settings.settings.loss, settings.settings.learning_rate, settings.settings.epochs) == (
        "half_mse",
        5e-4,
        100_000,
    )
    run, _, _, X_test, y_test = run_preset("tutorial_400_points")
    close(run.coef[0], four_hundred["w1"])
    close(run.intercept, four_hundred["w2"])
    close(held_out_r2(run, X_test, y_test), four_hundred["r2"])


def test_400_points_through_the_cli(four_hundred):
    report = cli_report("tutorial_400_points")
    close(report["coef"][0], four_hundred["w1"])
    close(report["intercept"], four_hundred["w2"])
    close(report["test_r2"], four_hundred["r2"])
    assert report["rows"] == 320 and report["test_rows"] == 80
    assert report["settings"]["loss"] == "half_mse" and report["epochs_run"] == 100_000


def test_400_points_rate_means_half_as_much_under_mse(four_hundred):
    # ½·MSE at 5e-4 is MSE at 2.5e-4: the same path, a different convention.
    run, *_ = run_preset("tutorial_400_points", loss="mse", learning_rate=2.5e-4)
    close(run.coef[0], four_hundred["w1"], rtol=1e-9)
    close(run.intercept, four_hundred["w2"], rtol=1e-9)


# ---------------------------------------------------------------- three features


@pytest.fixture(scope="module")
def three_features():
    state = np.random.get_state()
    try:
        return three_features_article(TUTORIAL_3_FEATURES_SEED)
    finally:
        np.random.set_state(state)


def test_three_features_preset_is_the_articles_data_with_a_fixed_seed(global_numpy_random):
    np.random.seed(TUTORIAL_3_FEATURES_SEED)
    X = np.random.rand(1000, 3)
    y = 1.5 * X[:, 0] + 3.8 * X[:, 1] + 4.7 * X[:, 2] + 8.9 + np.random.randn(1000)
    data = preset("tutorial_3_features_sgd")
    np.testing.assert_array_equal(data.xy()[0], X)
    np.testing.assert_array_equal(data.xy()[1], y)
    settings = PRESETS["tutorial_3_features_sgd"].run
    assert settings.train_rows == tuple(range(900)) and settings.test_rows == tuple(
        range(900, 1000)
    )
    run_settings = settings.settings
    assert (run_settings.batch_size, run_settings.shuffle, run_settings.tol_on) == (
        1,
        False,
        "running",
    )


def test_three_features_stops_after_the_same_epochs_as_the_article_loop(three_features):
    # Seed 0: the loop settles into a fixed cycle and stops after 22 epochs.
    assert three_features["iterations"] == 22
    run, _, _, X_test, y_test = run_preset("tutorial_3_features_sgd")
    assert (run.epochs_run, run.stop_reason) == (22, "converged")
    close(run.coef, three_features["w"], rtol=1e-9)
    close(run.intercept, three_features["b"], rtol=1e-9)
    close(held_out_r2(run, X_test, y_test), three_features["r2"], rtol=1e-9)


def test_three_features_reshuffled_is_another_run(three_features):
    run, *_ = run_preset("tutorial_3_features_sgd", shuffle=True)
    assert not np.allclose(run.coef, three_features["w"], rtol=1e-6)


def test_three_features_through_the_cli(three_features):
    report = cli_report("tutorial_3_features_sgd")
    assert (report["epochs_run"], report["stop_reason"]) == (22, "converged")
    close(report["coef"], three_features["w"], rtol=1e-9)
    close(report["intercept"], three_features["b"], rtol=1e-9)
    close(report["test_r2"], three_features["r2"], rtol=1e-9)
    assert report["settings"]["shuffle"] is False and report["settings"]["tol_on"] == "running"


# ------------------------------------------------------------------ temperatures


@pytest.fixture(scope="module")
def temperatures():
    X, y = preset("tutorial_temperatures").xy()
    return X[:, 0], y


def test_temperatures_are_noaa_seattle_min_and_max(temperatures):
    data = preset("tutorial_temperatures")
    assert (data.target, data.features) == ("temp_max", ["temp_min"])
    min_temp, max_temp = temperatures
    assert min_temp.shape == (1461,)
    assert (min_temp[0], max_temp[0]) == (5.0, 12.8)  # 2012-01-01 in the file
    assert np.all(max_temp >= min_temp)


def test_temperatures_converge_by_tolerance_like_the_article_loop(temperatures):
    min_temp, max_temp = temperatures
    settings = PRESETS["tutorial_temperatures"].run
    article = temperatures_article(
        min_temp, max_temp, settings.settings.learning_rate, settings.settings.tol
    )
    assert not article["diverged"]
    run, *_ = run_preset("tutorial_temperatures")
    assert run.stop_reason == "converged" and run.epochs_run == article["epochs"]
    close(run.coef[0], article["m"])
    close(run.intercept, article["b"])
    # Within 4 digits of least squares, computed independently.
    design = np.column_stack([min_temp, np.ones_like(min_temp)])
    exact = np.linalg.lstsq(design, max_temp, rcond=None)[0]
    close([run.coef[0], run.intercept], exact, rtol=1e-4)


def test_temperatures_too_large_a_rate_diverges_and_warns(temperatures):
    min_temp, max_temp = temperatures
    with pytest.warns(UserWarning, match="diverging"):
        article = temperatures_article(min_temp, max_temp, 0.011)
    assert article["diverged"]
    with pytest.warns(DivergenceWarning, match="diverged at epoch"):
        run, *_ = run_preset("tutorial_temperatures", learning_rate=0.011)
    assert run.stop_reason == "diverged"


def test_temperatures_through_the_cli(temperatures):
    min_temp, max_temp = temperatures
    settings = PRESETS["tutorial_temperatures"].run
    article = temperatures_article(
        min_temp, max_temp, settings.settings.learning_rate, settings.settings.tol
    )
    report = cli_report("tutorial_temperatures")
    assert (report["stop_reason"], report["epochs_run"]) == ("converged", article["epochs"])
    close(report["coef"][0], article["m"])
    close(report["intercept"], article["b"])
    diverged = cli_report("tutorial_temperatures", "--lr", "0.011")
    assert diverged["stop_reason"] == "diverged"


# ---------------------------------------------------------------------- Anscombe


def test_anscombe_shows_four_sets_with_the_same_line():
    data = preset("anscombe")
    groups = data.group_rows()
    assert list(groups) == ["I", "II", "III", "IV"] and data.group_column == "series"
    X, y = data.xy()
    for rows in groups.values():
        assert len(rows) == 11
        design = np.column_stack([X[rows, 0], np.ones(11)])
        slope, intercept = np.linalg.lstsq(design, y[rows], rcond=None)[0]
        assert slope == pytest.approx(0.500, abs=1e-3)
        assert intercept == pytest.approx(3.00, abs=5e-3)
    raw = (BUNDLED_DIR / "anscombe.csv").read_text().splitlines()[1:]
    assert [line.split(",")[0] for line in raw] == data.groups.tolist()


def test_anscombe_fits_set_one_to_least_squares():
    data = preset("anscombe")
    settings = PRESETS["anscombe"].run
    assert settings.train_rows == tuple(data.group_rows()["I"].tolist())
    run, X_train, y_train, _, _ = run_preset("anscombe")
    assert run.stop_reason == "converged"
    exact = np.linalg.lstsq(np.column_stack([X_train[:, 0], np.ones(11)]), y_train, rcond=None)[0]
    close([run.coef[0], run.intercept], exact, rtol=1e-3)


# ------------------------------------------------- the article beside the run


def test_every_tutorial_carries_its_settings_and_its_article():
    assert TUTORIALS
    for key in TUTORIALS:
        assert PRESETS[key].run is not None
        article = PRESETS[key].article
        assert article.title and article.differences and article.numbers
    assert PRESETS["clear_bowl"].article is None


@pytest.mark.parametrize("key", TUTORIALS)
def test_every_number_an_article_printed_is_read_off_the_preset_run(key):
    run, _, _, X_test, y_test = run_preset(key)
    for printed in PRESETS[key].article.numbers:
        value = shown(printed.where, run, X_test=X_test, y_test=y_test)
        assert agrees(value, printed.code), (printed.quantity, value, printed.code)


def test_five_points_article_record_holds_the_printed_and_true_numbers():
    article = five_points_article()
    code = article_code("tutorial_5_points")
    printed = {row.quantity: row.article for row in PRESETS["tutorial_5_points"].article.numbers}
    assert printed["slope m"] == "0.60" and printed["loss at step 0"] == "12.80"
    close(code["slope m"], article["m"])
    close(code["intercept b"], article["b"])
    close(code["prediction at x = 6"], article["prediction"])
    close(code["loss at step 0"], article["loss0"])
    close([code["m after step 1"], code["b after step 1"]], article["step1"])


def test_400_points_article_record(four_hundred):
    code = article_code("tutorial_400_points")
    close(
        [code["w1 (slope)"], code["w2 (intercept)"], code["test R²"]], list(four_hundred.values())
    )


def test_three_features_article_record(three_features):
    code = article_code("tutorial_3_features_sgd")
    assert code["epochs until the mean loss settled"] == three_features["iterations"]
    close([code["w1"], code["w2"], code["w3"]], three_features["w"], rtol=1e-9)
    close([code["b"], code["test R²"]], [three_features["b"], three_features["r2"]], rtol=1e-9)


def test_temperatures_article_record(temperatures):
    settings = PRESETS["tutorial_temperatures"].run
    article = temperatures_article(
        *temperatures, settings.settings.learning_rate, settings.settings.tol
    )
    code = article_code("tutorial_temperatures")
    assert code["epochs until the loss settled"] == article["epochs"]
    close([code["slope"], code["intercept"]], [article["m"], article["b"]])


# ------------------------------------------------------- the exported scripts


@pytest.mark.parametrize("key", [*TUTORIALS, "anscombe"])
def test_exported_script_of_each_tutorial_reproduces_it(tmp_path, key):
    run, printed = script_output(tmp_path, key)
    assert printed["epochs_run"] == run.epochs_run
    assert printed["stopped"] == run.stop_reason
    close(printed["values"], np.append(run.coef, run.intercept), rtol=1e-9)
