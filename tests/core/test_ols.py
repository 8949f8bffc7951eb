"""The closed form against NIST's certified results and an independent ridge formula."""

import re
from pathlib import Path

import numpy as np
import pytest

from core import ols

NIST = Path(__file__).parents[1] / "data" / "nist"

# Model of each dataset: the polynomial degree in x, or "columns" for Longley's six predictors.
MODELS = {
    "Norris": 1,
    "Pontius": 2,
    "NoInt1": 1,
    "NoInt2": 1,
    "Filip": 10,
    "Longley": "columns",
    "Wampler1": 5,
    "Wampler2": 5,
    "Wampler3": 5,
    "Wampler4": 5,
    "Wampler5": 5,
}


def read_nist(name):
    """Return (X, y, certified coefficients B0, B1, ... in file order, has_intercept)."""
    lines = (NIST / f"{name}.dat").read_text().splitlines()
    certified = {}
    for line in lines:
        match = re.match(r"\s+B(\d+)\s+(\S+)\s+\S+", line)
        if match:
            certified[int(match.group(1))] = float(match.group(2))
    start = max(i for i, line in enumerate(lines) if line.startswith("Data:")) + 1
    rows = np.array([[float(v) for v in line.split()] for line in lines[start:] if line.strip()])
    y = rows[:, 0]
    model = MODELS[name]
    if model == "columns":
        X = rows[:, 1:]
    else:
        X = np.column_stack([rows[:, 1] ** k for k in range(1, model + 1)])
    has_intercept = not name.startswith("NoInt")
    return X, y, [certified[k] for k in sorted(certified)], has_intercept


def correct_digits(estimate, certified):
    if estimate == certified:
        return 15.0
    return -np.log10(abs(estimate - certified) / abs(certified))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_at_least_seven_correct_digits_on_every_certified_coefficient(name):
    X, y, certified, has_intercept = read_nist(name)
    fit = ols(X, y, fit_intercept=has_intercept)
    estimates = ([fit.intercept] if has_intercept else []) + list(fit.coef)
    assert len(estimates) == len(certified)
    digits = [correct_digits(e, c) for e, c in zip(estimates, certified, strict=True)]
    assert min(digits) >= 7.0, f"{name}: correct digits per coefficient {np.round(digits, 1)}"


def test_naive_normal_equations_fail_where_ols_succeeds():
    # Guards the test above: Filip really is hard, so passing it means something.
    X, y, certified, _ = read_nist("Filip")
    A = np.column_stack([np.ones(len(y)), X])
    naive = np.linalg.solve(A.T @ A, A.T @ y)
    assert correct_digits(naive[-1], certified[-1]) < 3


def test_large_offsets_like_calendar_years():
    rng = np.random.default_rng(1)
    years = rng.integers(1950, 2025, size=300).astype(float)
    month = rng.uniform(1, 12, size=300)
    X = np.column_stack([years, years + month * 1e-3])
    coef = np.array([0.02, 3.0])
    y = X @ coef - 40.0
    fit = ols(X, y)
    np.testing.assert_allclose(fit.coef, coef, rtol=1e-7)
    assert fit.intercept == pytest.approx(-40.0, rel=1e-7)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_ridge_matches_the_penalised_normal_equations(fit_intercept):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(80, 3))
    y = X @ [1.0, -1.0, 2.0] + 0.5 + rng.normal(size=80)
    l2 = 0.4
    n = len(y)
    if fit_intercept:
        Xc, yc = X - X.mean(0), y - y.mean()
        coef = np.linalg.solve(Xc.T @ Xc / n + l2 * np.eye(3), Xc.T @ yc / n)
        intercept = y.mean() - X.mean(0) @ coef
    else:
        coef = np.linalg.solve(X.T @ X / n + l2 * np.eye(3), X.T @ y / n)
        intercept = 0.0
    fit = ols(X, y, fit_intercept=fit_intercept, l2=l2)
    np.testing.assert_allclose(fit.coef, coef, rtol=1e-10)
    assert fit.intercept == pytest.approx(intercept, rel=1e-10, abs=1e-12)
    residual = X @ coef + intercept - y
    assert fit.loss == pytest.approx(np.mean(residual**2) + l2 * coef @ coef)


def test_hand_worked_five_points():
    # x = 1..5, y = 2, 4, 5, 4, 5: slope = Sxy/Sxx = 6/10, intercept = 4 - 0.6 * 3.
    fit = ols(np.arange(1.0, 6.0), np.array([2.0, 4.0, 5.0, 4.0, 5.0]))
    assert fit.coef[0] == pytest.approx(0.6)
    assert fit.intercept == pytest.approx(2.2)
    assert fit.loss == pytest.approx(np.mean((0.6 * np.arange(1, 6) + 2.2 - [2, 4, 5, 4, 5]) ** 2))


def test_collinear_columns_give_the_minimum_norm_answer():
    x = np.arange(10.0)
    X = np.column_stack([x, 2 * x])
    fit = ols(X, 3 * x + 1)
    assert fit.rank == 1
    np.testing.assert_allclose(X @ fit.coef + fit.intercept, 3 * x + 1, atol=1e-9)
    np.testing.assert_allclose(fit.coef, [0.6, 1.2], rtol=1e-9)


def test_constant_column_does_not_break_the_fit():
    x = np.arange(10.0)
    X = np.column_stack([x, np.full(10, 7.0)])
    fit = ols(X, 2 * x)
    assert np.all(np.isfinite(fit.coef))
    np.testing.assert_allclose(X @ fit.coef + fit.intercept, 2 * x, atol=1e-9)


@pytest.mark.parametrize(
    ("X", "y", "message"),
    [
        (np.ones((3, 1)), np.ones(4), "3 rows but y has 4"),
        (np.array([[1.0], [np.nan], [2.0]]), np.ones(3), "missing or infinite"),
        (np.array([[1.0], [1e200], [2.0]]), np.ones(3), "overflow"),
        (np.ones((1, 1)), np.ones(1), "at least 2 rows"),
    ],
)
def test_bad_data_gets_a_clear_message(X, y, message):
    with pytest.raises(ValueError, match=message):
        ols(X, y)


def test_negative_l2_is_refused():
    with pytest.raises(ValueError, match="l2 must be >= 0"):
        ols(np.arange(5.0), np.arange(5.0), l2=-1.0)
