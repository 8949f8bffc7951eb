"""Data and runs several engine tests share."""

import numpy as np

from core import Settings, descend, ols, stability


def wavy_line_gap(epochs: int):
    """A line with a wave on it, run at half the stable limit: ``(spectrum, rate, loss gap)``.

    The gap is the run's loss above the least-squares loss, one value per epoch.
    """
    x = np.linspace(0.0, 2.0, 50)
    y = 2 * x + 1 + np.cos(9 * x)
    spectrum = stability(x).raw
    lr = 0.5 * spectrum.max_stable_lr
    run = descend(x, y, learning_rate=lr, epochs=epochs)
    return spectrum, lr, run.history.loss - ols(x, y).loss


#: Every setting away from its default: a record whose fields can all be told apart.
EVERY_FIELD = Settings(
    optimizer="momentum",
    optimizer_params={"beta": 0.5},
    learning_rate=0.02,
    epochs=25,
    batch_size=16,
    fit_intercept=True,
    standardize=True,
    l2=0.1,
    tol=1e-12,
    tol_on="running",
    seed=9,
    loss="half_mse",
    shuffle=False,
    schedule="exponential",
    schedule_params={"gamma": 0.97},
    init_coef=(0.25, -0.5),
    init_intercept=1.5,
)
