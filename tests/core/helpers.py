"""Data and runs several engine tests share."""

import numpy as np

from core import descend, ols, stability


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
