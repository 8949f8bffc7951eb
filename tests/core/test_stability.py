"""Stability figures against a hand-worked Hessian."""

import math

import numpy as np
import pytest

from core import stability
from tests.core.helpers import wavy_line_gap


def test_hand_worked_spectrum():
    # x = 1..5: H = 2·[[mean(x²), mean(x)], [mean(x), 1]] = 2·[[11, 3], [3, 1]].
    x = np.arange(1.0, 6.0)
    eig = np.linalg.eigvalsh(2 * np.array([[11.0, 3.0], [3.0, 1.0]]))
    raw = stability(x).raw
    np.testing.assert_allclose(raw.eigenvalues, eig)
    assert raw.max_stable_lr == pytest.approx(2 / eig[1])
    assert raw.best_lr == pytest.approx(2 / (eig[0] + eig[1]))
    assert raw.condition == pytest.approx(eig[1] / eig[0])
    # Standardized: H = 2·I, so every rate below 1 converges and 0.5 is best.
    std = stability(x).standardized
    np.testing.assert_allclose(std.eigenvalues, [2.0, 2.0])
    assert std.max_stable_lr == pytest.approx(1.0)
    assert std.best_lr == pytest.approx(0.5)
    assert std.condition == pytest.approx(1.0)


def test_l2_adds_curvature():
    x = np.arange(1.0, 6.0)
    assert stability(x, l2=1.0).raw.lambda_max > stability(x).raw.lambda_max


def test_regimes():
    spectrum = stability(np.arange(1.0, 6.0)).raw
    limit = spectrum.max_stable_lr
    assert spectrum.regime(0.4 * limit) == "smooth"
    assert spectrum.regime(0.7 * limit) == "oscillates"
    assert spectrum.regime(limit) == "diverges"


def test_predicted_contraction_matches_measured_loss_decay():
    spectrum, lr, gap = wavy_line_gap(epochs=400)
    measured = (gap[60] / gap[40]) ** (1 / 20)
    assert measured == pytest.approx(spectrum.contraction(lr) ** 2, rel=1e-3)
    assert spectrum.epochs_to_shrink(lr, 1e6) == pytest.approx(
        math.log(1e6) / (-2 * math.log(spectrum.contraction(lr)))
    )


def test_flat_direction_gives_infinite_condition_not_nan():
    X = np.column_stack([np.arange(6.0), np.full(6, 3.0)])
    raw = stability(X).raw
    assert raw.lambda_min == 0.0
    assert math.isinf(raw.condition)
    assert math.isfinite(raw.max_stable_lr)


def test_all_zero_features():
    spectrum = stability(np.zeros((5, 1)), fit_intercept=False).raw
    assert spectrum.max_stable_lr == math.inf
    assert spectrum.regime(10.0) == "smooth"


def test_half_mse_doubles_every_rate_limit():
    # x = 1..5 under ½·MSE: H = [[11, 3], [3, 1]], half of the MSE Hessian.
    x = np.arange(1.0, 6.0)
    eig = np.linalg.eigvalsh(np.array([[11.0, 3.0], [3.0, 1.0]]))
    half = stability(x, loss="half_mse")
    np.testing.assert_allclose(half.raw.eigenvalues, eig)
    assert half.raw.max_stable_lr == pytest.approx(2 / eig[1])
    assert half.raw.best_lr == pytest.approx(2 / (eig[0] + eig[1]))
    assert half.standardized.max_stable_lr == pytest.approx(2.0)
    with pytest.raises(ValueError, match="loss must be one of"):
        stability(x, loss="l1")
