"""One verdict per rule and rate, the loss gap for log axes, and rates checked by running them."""

import numpy as np
import pytest

from core import DivergenceWarning, descend, ols, stability, train_test_split
from core.advice import (
    EXTREME_CONDITION,
    converged,
    fitting_rate,
    opening_rate,
    rate_advice,
    safe_rate,
    working_rate,
)
from core.data import BUNDLED, PRESETS, bundled, generate, preset
from core.stability import Spectrum
from core.verdict import GAP_FLOOR, loss_gap, loss_growth, rule_limit, verdict

# The rate control's stops, passed in as the pages will: core never imports the interface.
from ui.settings import LEARNING_RATES as LADDER

#: A ladder small enough to work by hand.
HAND = (0.1, 0.5, 0.7, 1.0, 10.0)


def spectrum_of(eigenvalues) -> Spectrum:
    """A spectrum worked by hand from its eigenvalues."""
    eig = np.sort(np.asarray(eigenvalues, dtype=np.float64))
    low, high = float(eig[0]), float(eig[-1])
    return Spectrum(eig, low, high, high / low, 2 / high, 2 / (low + high))


def training_rows(dataset):
    """The rows the page trains on: the default 20 % test share, split with seed 0."""
    X, y = dataset.xy()
    train, _ = train_test_split(len(y), 0.2, 0)
    return X[train], y[train]


# ---- limits worked by hand -------------------------------------------------------------


def test_hand_worked_limits():
    s = spectrum_of([0.5, 4.0])  # 2/λmax = 0.5, 1/λmax = 0.25
    gd = rule_limit(s, "gd")
    assert (gd.rate, gd.smooth, gd.formula) == (0.5, 0.25, "2/λmax")
    heavy = rule_limit(s, "momentum", {"beta": 0.25})  # 2·1.25/4, (1 − 0.5)²/4
    assert heavy.rate == pytest.approx(0.625) and heavy.smooth == pytest.approx(0.0625)
    nag = rule_limit(s, "nesterov", {"beta": 0.5})  # 2·1.5/(2·4), (0.5/1.5)²/4
    assert nag.rate == pytest.approx(0.375) and nag.smooth == pytest.approx(1 / 36)
    assert rule_limit(s, "adam").rate is None


@pytest.mark.parametrize(
    ("rate", "regime"), [(0.2, "smooth"), (0.25, "smooth"), (0.3, "oscillates"), (0.5, "diverges")]
)
def test_plain_descent_regimes_by_hand(rate, regime):
    assert verdict(spectrum_of([0.5, 4.0]), "gd", rate).regime == regime


def test_momentum_at_beta_zero_is_plain_descent():
    s = spectrum_of([1.0, 3.0])
    for rule in ("momentum", "nesterov"):
        mine, plain = rule_limit(s, rule, {"beta": 0.0}), rule_limit(s, "gd")
        assert (mine.rate, mine.smooth) == pytest.approx((plain.rate, plain.smooth))


def _blows_up(X, y, rule, rate, beta, epochs=4000):
    """True when the engine stopped the run because its loss blew up."""
    run = descend(
        X, y, optimizer=rule, learning_rate=rate, epochs=epochs, optimizer_params={"beta": beta}
    )
    return run.diverged


@pytest.mark.parametrize("rule", ["momentum", "nesterov"])
@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_momentum_limits_hold_when_run(rule, beta):
    X, y = preset("clear_bowl").xy()
    limit = rule_limit(stability(X).raw, rule, {"beta": beta}).rate
    assert not _blows_up(X, y, rule, 0.98 * limit, beta)
    with pytest.warns(DivergenceWarning, match="diverged at epoch"):
        assert _blows_up(X, y, rule, 1.02 * limit, beta)


def test_the_sentence_names_the_rule_and_its_limit():
    s = spectrum_of([0.5, 4.0])
    text = verdict(s, "gd", 0.05).sentence
    assert text.startswith("Plain gradient descent at η = 0.05 converges smoothly")
    assert "1/λmax = 0.25" in text
    text = verdict(s, "momentum", 0.7, {"beta": 0.9}).sentence
    assert "Heavy-ball momentum (β = 0.9)" in text and "2(1+β)/λmax = 0.95" in text
    adam = verdict(s, "adam", 0.05)
    assert adam.regime == "unknown" and "no closed-form limit" in adam.sentence
    assert adam.limit.rate is None and not adam.diverges


# ---- what a run shows ------------------------------------------------------------------


def test_rate_one_on_the_clear_bowl_is_diverging_though_every_epoch_ran():
    X, y = training_rows(preset("clear_bowl"))
    s = stability(X).raw
    assert s.max_stable_lr == pytest.approx(0.996, abs=5e-4)
    run = descend(X, y, learning_rate=1.0, epochs=300)
    assert run.stop_reason == "max_epochs"  # the engine's 10⁶ stop never fired
    v = verdict(s, "gd", 1.0, run=run)
    assert v.outcome == "diverging" and v.diverges
    # Each epoch the unstable direction grows by (ηλmax − 1)², written out from the spectrum.
    expected = (s.lambda_max - 1.0) ** 2 - 1.0
    assert v.growth.epochs == 50
    assert v.growth.per_epoch == pytest.approx(expected, rel=0.1)
    assert "The run is diverging: the loss grew" in v.sentence
    assert "an epoch over the last 50 epochs" in v.sentence


def test_growth_by_hand():
    flat = np.full(40, 2.0)
    rising = np.concatenate([flat, 2.0 * 1.01 ** np.arange(1, 31)])
    g = loss_growth(rising)
    assert g.epochs == 30 and g.per_epoch == pytest.approx(0.01)
    assert g.factor == pytest.approx(1.01**30)
    assert str(g).startswith("the loss grew 1% an epoch over the last 30 epochs")
    assert loss_growth(rising[:45]) is None  # five rises are not yet a trend
    assert loss_growth(np.geomspace(10, 1, 50)) is None
    # A swing climbing back toward a crest lower than the one before it is not a trend.
    t = np.arange(200)
    swing = 1.0 + 0.97**t * np.cos(0.1 * t) ** 2
    assert loss_growth(swing[:150]) is None


def test_no_stable_run_is_called_diverging():
    for key in PRESETS:
        X, y = preset(key).xy()
        s = stability(X).raw
        for rule, params in [("gd", {}), ("momentum", {"beta": 0.9}), ("nesterov", {"beta": 0.9})]:
            limit = rule_limit(s, rule, params).rate
            for share in (0.05, 0.5, 0.95):
                run = descend(
                    X,
                    y,
                    optimizer=rule,
                    learning_rate=share * limit,
                    epochs=300,
                    optimizer_params=params,
                )
                assert loss_growth(run.history.loss) is None
                assert verdict(s, rule, share * limit, params, run=run).outcome == "converging"


def test_a_diverged_run_says_when():
    X, y = preset("clear_bowl").xy()
    with pytest.warns(DivergenceWarning, match="diverged at epoch"):
        run = descend(X, y, learning_rate=3.0, epochs=300)
    v = verdict(stability(X).raw, "gd", 3.0, run=run)
    assert v.outcome == "diverged" and f"epoch {run.diverged_at}" in v.sentence


def test_batched_steps_are_not_promised_the_full_batch_limit():
    """Stochastic steps at 0.9 on the clear bowl blow up, under the full-batch limit 0.996.

    The verdict keeps the full-batch regime, says it is for full batches, and the run
    (which carries a per-update path) is enough to make it say so.
    """
    X, y = training_rows(preset("clear_bowl"))
    s = stability(X).raw
    assert s.max_stable_lr > 0.9
    with pytest.warns(DivergenceWarning):
        run = descend(X, y, learning_rate=0.9, epochs=50, batch_size=1, seed=0)
    assert run.diverged and run.steps is not None
    v = verdict(s, "gd", 0.9, run=run)
    assert v.regime == "oscillates" and v.diverges
    assert "converges with full-batch steps" in v.sentence
    assert "noisy: under that limit a run can still swing widely or diverge" in v.sentence
    assert v.sentence.endswith(f"blew up at epoch {run.diverged_at}.")
    # Before any run: the same caveat, asked for; full batch says nothing of it.
    assert verdict(s, "gd", 0.9, batched=True).sentence == v.sentence.rsplit(" The run", 1)[0]
    assert "full-batch" not in verdict(s, "gd", 0.9).sentence


# ---- the loss gap on a log axis --------------------------------------------------------


def test_loss_gap_is_safe_for_log_axes():
    gap = loss_gap([5.0, 1.0, 0.061, 0.061, 0.0609999, np.inf, np.nan], 0.061)
    np.testing.assert_allclose(gap[:2], [4.939, 0.939])
    assert gap[2] == gap[3] == gap[4] == pytest.approx(GAP_FLOOR * 5.0)
    assert np.all(gap > 0) and not np.any(np.isnan(gap)) and np.isinf(gap[5:]).all()
    # A perfect fit (L* = 0) floors relative to the start; all zeros floor at a tiny 1e-14.
    assert loss_gap([4.0, 0.0], 0.0)[1] == pytest.approx(4e-14)
    assert loss_gap([0.0, 0.0], 0.0).min() > 0


# ---- rates to suggest ------------------------------------------------------------------


def test_safe_rate_snaps_down_and_stays_strictly_below_the_limit():
    assert safe_rate(0.66, 0.99, HAND) == 0.5
    assert safe_rate(1.0, 1.0, HAND) == 0.7  # 1.0 is the limit itself
    assert safe_rate(1.0, 0.05, HAND) is None  # the limit is below the ladder (engel raw)
    assert safe_rate(100.0, None, HAND) == 10.0


def test_fitting_rate_on_a_hand_worked_spectrum():
    s = spectrum_of([2 / 3, 2.0])  # best 2/(λmin+λmax) = 0.75, limit 1
    fit = fitting_rate(s, "gd", HAND)
    assert fit.rate == 0.7 and not fit.standardize and "0.75" in fit.reason
    assert fitting_rate(s, "nesterov", HAND, {"beta": 0.9}).rate == 0.5  # limit 0.679
    assert fitting_rate(s, "adam", HAND).rate is None


def _all_datasets():
    data = [preset(k) for k in PRESETS] + [bundled(k) for k in BUNDLED]
    # The generator's defaults in the sidebar: 200 rows of y = 2x + 1 + N(0, 1), x in [0, 10].
    data.append(generate(n_rows=200, coef=(2.0,), intercept=1.0, noise=1.0, x_range=(0, 10)))
    return data


@pytest.mark.parametrize("dataset", _all_datasets(), ids=[*PRESETS, *BUNDLED, "generated"])
def test_the_opening_rate_converges_when_run(dataset):
    X, y = training_rows(dataset)
    st = stability(X)
    fit = fitting_rate(st.raw, "gd", LADDER, standardized=st.standardized)
    assert fit.standardize == (st.raw.condition > EXTREME_CONDITION)
    run = descend(X, y, learning_rate=fit.rate, epochs=300, standardize=fit.standardize)
    assert not run.diverged and loss_growth(run.history.loss) is None
    assert run.history.loss[-1] < run.history.loss[0]


@pytest.mark.parametrize("dataset", _all_datasets(), ids=[*PRESETS, *BUNDLED, "generated"])
@pytest.mark.parametrize("rule", ["gd", "momentum", "adam"])
def test_the_advised_rate_converges_when_run(dataset, rule):
    X, y = training_rows(dataset)
    advice = rate_advice(X, y, LADDER, optimizer=rule, epochs=300)
    assert advice.rate in LADDER
    run = descend(
        X, y, optimizer=rule, learning_rate=advice.rate, epochs=300, standardize=advice.standardize
    )
    optimum = ols(X, y).loss
    assert run.history.loss[-1] <= 1.01 * optimum  # within 1 %, written out
    assert converged(run, optimum)


def test_engel_gets_the_standardize_advice():
    X, y = training_rows(bundled("engel"))
    st = stability(X)
    # Stops below the raw limit exist (7e-7 < 7.6e-7), but none moves the flat direction.
    assert any(rate < st.raw.max_stable_lr for rate in LADDER)
    assert working_rate(X, y, LADDER, epochs=300) is None
    advice = rate_advice(X, y, LADDER, epochs=300)
    assert advice.standardize and "Standardize" in advice.reason
    assert f"κ = {st.raw.condition:.2g}" in advice.reason
    fit = fitting_rate(st.raw, "gd", LADDER, standardized=st.standardized)
    assert fit.standardize and "κ = 6e+06" in fit.reason


def test_working_rate_is_the_largest_stop_that_converges():
    X, y = training_rows(preset("clear_bowl"))
    rate = working_rate(X, y, LADDER, epochs=300)
    assert rate == 0.7
    # The next stop up (1.0) is above the limit 0.996 and is never offered.
    optimum = ols(X, y).loss
    assert not converged(descend(X, y, learning_rate=1.0, epochs=300), optimum)


def test_working_rate_follows_the_half_mse_convention():
    # Half the loss, half the curvature: the best rate doubles from 0.741 to 1.48 (limit
    # 1.99), so the stop under it is 1.0 instead of the 0.7 of the "mse" convention.
    X, y = training_rows(preset("clear_bowl"))
    assert working_rate(X, y, LADDER, epochs=300, loss="half_mse") == 1.0


@pytest.mark.parametrize("dataset", _all_datasets(), ids=[*PRESETS, *BUNDLED, "generated"])
def test_the_opening_rate_arrives_within_the_epochs(dataset):
    """New data opens on a run that reaches the optimum: standardized where raw features crawl."""
    X, y = training_rows(dataset)
    st = stability(X)
    opening = opening_rate(st.raw, "gd", LADDER, 300, standardized=st.standardized)
    run = descend(X, y, learning_rate=opening.rate, epochs=300, standardize=opening.standardize)
    optimum = ols(X, y).loss
    assert run.history.loss[-1] <= 1.01 * optimum, (opening, run.history.loss[-1], optimum)


def test_raw_features_that_crawl_open_standardized():
    X, _ = training_rows(bundled("statecrime"))
    st = stability(X)
    assert st.raw.condition < EXTREME_CONDITION  # not extreme, yet no stop arrives raw
    opening = opening_rate(st.raw, "gd", LADDER, 300, standardized=st.standardized)
    assert opening.standardize
    assert "no rate on the control closes the loss gap a million-fold within 300" in opening.reason


def test_adagrads_sentence_says_its_steps_shrink_and_adams_that_they_stay_about_eta():
    """Regression: AdaGrad was said to take steps about η long whatever the curvature."""
    s = stability(np.arange(1.0, 6.0)).raw
    adagrad = verdict(s, "adagrad", 0.05).sentence
    assert "sum of all past squared gradients" in adagrad and "shrink" in adagrad
    assert "about η long" not in adagrad
    for rule in ("rmsprop", "adam"):
        assert "about η long" in verdict(s, rule, 0.05).sentence
