"""Race scoring, predictions and worked steps against hand-worked cases."""

import math

import numpy as np
import pytest

from core import Spectrum, descend, ols, stability
from core.analysis import (
    distance_to_optimum,
    epochs_to_stay,
    epochs_to_tolerance,
    momentum_beta,
    momentum_suggestion,
    predicted_loss_gap,
    race_winner,
    tolerance_level,
)
from tests.core.helpers import wavy_line_gap

X5 = np.arange(1.0, 6.0)[:, None]
Y5 = np.array([2.0, 4.0, 5.0, 4.0, 5.0])


def spectrum_of(*eigenvalues: float) -> Spectrum:
    eig = np.array(sorted(eigenvalues))
    low, high = float(eig[0]), float(eig[-1])
    condition = high / low if low > 0 else math.inf
    return Spectrum(eig, low, high, condition, 2 / high, 2 / (low + high))


def test_epochs_to_tolerance_counts_from_the_start():
    losses = [10.0, 5.0, 2.0, 1.01, 1.0005, 1.0]
    assert epochs_to_tolerance(losses, 1.0, 1e-3) == 4
    assert epochs_to_tolerance(losses, 1.0, 0.02) == 3
    assert epochs_to_tolerance(losses, 1.0, 10.0) == 0
    assert epochs_to_tolerance(losses[:4], 1.0, 1e-3) is None


def test_epochs_to_tolerance_on_a_perfect_fit_uses_the_starting_loss():
    assert epochs_to_tolerance([8.0, 0.1, 0.007, 0.0], 0.0, 1e-3) == 2


def test_epochs_to_tolerance_rejects_a_negative_tolerance():
    with pytest.raises(ValueError, match="rel_tol"):
        epochs_to_tolerance([1.0], 1.0, -1.0)


def test_a_run_that_touches_the_band_leaves_and_returns_stays_only_from_its_return():
    # Band 1.001: touched at 3, outside at 4 and 5, inside from 6 to the end.
    losses = [10.0, 5.0, 2.0, 1.0005, 1.2, 1.01, 1.0008, 1.0001, 1.0]
    assert epochs_to_tolerance(losses, 1.0, 1e-3) == 3
    assert epochs_to_stay(losses, 1.0, 1e-3) == 6
    # Wide enough to hold every epoch from the first touch: the touch is the stay.
    assert epochs_to_stay(losses, 1.0, 0.25) == 3


def test_a_run_that_ends_outside_the_band_has_not_stayed():
    assert epochs_to_stay([10.0, 1.0, 1.0, 3.0], 1.0, 1e-3) is None
    assert epochs_to_stay([10.0, 1.0, 1.0, np.nan], 1.0, 1e-3) is None
    assert epochs_to_stay([10.0, 1.0, np.inf, 1.0], 1.0, 1e-3) == 3
    assert epochs_to_stay([10.0, 5.0], 1.0, 1e-3) is None
    assert epochs_to_stay([], 1.0, 1e-3) is None


def test_epochs_to_stay_counts_from_the_start_and_on_a_perfect_fit():
    assert epochs_to_stay([1.0, 1.0], 1.0, 1e-3) == 0
    assert epochs_to_stay([8.0, 0.1, 0.007, 0.009, 0.0], 0.0, 1e-3) == 4
    with pytest.raises(ValueError, match="rel_tol"):
        epochs_to_stay([1.0], 1.0, -1.0)


def test_distance_to_optimum_is_euclidean_over_all_parameters():
    run = descend(X5, Y5, learning_rate=0.01, epochs=1)
    fit = ols(X5, Y5)  # w = 0.6, b = 2.2
    expected = math.hypot(0.264 - 0.6, 0.08 - 2.2)
    assert distance_to_optimum(run, fit) == pytest.approx(expected)
    no_b = descend(X5, Y5, learning_rate=0.01, epochs=1, fit_intercept=False)
    assert distance_to_optimum(no_b, ols(X5, Y5, fit_intercept=False)) == pytest.approx(
        abs(no_b.coef[0] - ols(X5, Y5, fit_intercept=False).coef[0])
    )


def test_predicted_loss_gap_squares_the_contraction():
    np.testing.assert_allclose(predicted_loss_gap(8.0, 0.5, [0, 1, 2]), [8.0, 2.0, 0.5])
    assert np.all(predicted_loss_gap(0.0, 3.0, [0, 10_000]) == 0.0)
    grown = predicted_loss_gap(1.0, 3.0, [10_000])
    assert np.isinf(grown[0]) and not np.isnan(grown[0])


def test_predicted_gap_matches_a_real_run():
    spectrum, lr, gap = wavy_line_gap(epochs=200)
    predicted = predicted_loss_gap(gap[40], spectrum.contraction(lr), [20])[0]
    assert gap[60] == pytest.approx(predicted, rel=1e-2)


def test_momentum_suggestion_hand_worked():
    # λ = 1 and 4: κ = 4, √κ = 2, β* = (1/3)² = 1/9, η* = (2 / (2 + 1))² = 4/9.
    beta, rate, factor = momentum_suggestion(spectrum_of(1.0, 4.0))
    assert beta == pytest.approx(1 / 9)
    assert rate == pytest.approx(4 / 9)
    assert factor == pytest.approx(1 / 3)
    assert momentum_beta(spectrum_of(1.0, 4.0), 4 / 9) == pytest.approx(1 / 9)


def test_momentum_beta_for_a_smaller_rate_keeps_every_direction_shrinking():
    # η = 1/4: 1 - √(η·1) = 1/2 beats √(η·4) - 1 = 0, so β = 1/4.
    assert momentum_beta(spectrum_of(1.0, 4.0), 0.25) == pytest.approx(0.25)
    assert momentum_beta(spectrum_of(1.0, 4.0), 1.0) is None  # ηλmax = 4: nothing converges


def test_momentum_suggestion_converges_at_the_promised_rate():
    x = np.linspace(-1.0, 3.0, 40)
    y = 1.5 * x - 2 + np.sin(5 * x)
    spectrum = stability(x).raw
    beta, rate, factor = momentum_suggestion(spectrum)
    run = descend(
        x, y, optimizer="momentum", optimizer_params={"beta": beta}, learning_rate=rate, epochs=80
    )
    gap = run.history.loss - ols(x, y).loss
    # Early epochs: the gap reaches round-off by epoch 25. The optimum is critically
    # damped, so the measured rate carries a slowly fading polynomial factor.
    measured = (gap[15] / gap[5]) ** (1 / 10)
    assert measured < spectrum.contraction(spectrum.best_lr) ** 2
    assert factor**2 < measured < 1.3 * factor**2


def test_no_momentum_suggestion_on_a_flat_direction():
    assert momentum_suggestion(spectrum_of(0.0, 4.0)) is None
    assert momentum_beta(spectrum_of(0.0, 4.0), 0.1) is None


def test_race_winner_fewest_epochs_then_lowest_loss():
    assert race_winner([30, 12, None], [1.0, 1.0, 0.5], [False, False, False]) == 1
    assert race_winner([12, 12], [1.2, 1.1], [False, False]) == 1
    assert race_winner([None, None], [3.0, 2.0], [False, False]) == 1
    assert race_winner([None, 5], [3.0, 0.1], [False, True]) == 0
    assert race_winner([None], [1e9], [True]) is None


def test_tolerance_level_is_relative_to_the_optimum():
    assert tolerance_level([9.0], 2.0, 0.5) == 3.0
    assert tolerance_level([9.0], 0.0, 0.5) == 4.5
