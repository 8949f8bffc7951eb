"""The generator's x range, from the two ends people type."""

from ui.specs import GeneratorSpec, x_range


def test_x_range_orders_the_ends_and_widens_an_empty_range_by_hand():
    assert x_range(0, 10) == (0.0, 10.0)
    assert x_range(10, 0) == (0.0, 10.0)
    assert x_range(5, 5) == (5.0, 6.0)
    assert x_range(-2.5, -2.5) == (-2.5, -1.5)


def test_the_generator_draws_from_that_range():
    state = {
        "gen_features": 1,
        "gen_rows": 50,
        "gen_coef": "2",
        "gen_intercept": 1.0,
        "gen_noise": 1.0,
        "gen_x_min": 7.0,
        "gen_x_max": 7.0,
        "gen_outliers": 0.0,
        "gen_seed": 0,
    }
    assert GeneratorSpec.from_state(state).x_range == (7.0, 8.0)
