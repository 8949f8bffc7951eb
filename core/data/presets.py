"""Named example datasets, each chosen to show one behaviour of gradient descent.

:data:`PRESETS` holds one :class:`Preset` record per example, in menu order: its
key (a stable identifier used in URLs; change a description freely, never a key),
name, description and data, and for a tutorial how it runs and what its article
printed.

Tutorial presets reproduce a from-scratch tutorial's run exactly: its data (the
same legacy ``np.random`` calls in the same order, on a private ``RandomState`` so
global state is untouched; a fixed seed where the article has none), and, in
:attr:`Preset.run`, its rate, loss convention, start, batch size, row order,
stopping rule and train/test rows. To show one faithfully::

    data, run = preset(key), PRESETS[key].run
    X_train, y_train, X_test, y_test = run.split(*data.xy())
    result = descend(X_train, y_train, run.settings)

then report R² on ``X_test, y_test`` when ``run.test_rows`` is not empty, and set
:attr:`Preset.article` (what the article printed, what its code gives, and why they
differ; :func:`core.articles.shown` reads each number off ``result``) beside the
numbers. ``anscombe`` is grouped data: ``Dataset.groups`` names the set of each
row, ``Dataset.group_rows()`` gives each set's rows, and a chart draws one panel per
set on shared axes with the same fitted line on each.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from core.articles import (
    Article,
    Coef,
    EpochsRun,
    HeldOutR2,
    Intercept,
    LossAt,
    Prediction,
    Printed,
)
from core.data.bundled_datasets import BUNDLED_DIR, bundled
from core.data.csv_reader import read_csv_bytes
from core.data.dataset import Dataset, from_columns
from core.data.generators import generate
from core.settings import Settings

DEFAULT_PRESET = "clear_bowl"

#: Seed of the legacy generator that draws the three-feature tutorial's data, which its
#: article leaves unseeded.
TUTORIAL_3_FEATURES_SEED = 0

#: Correlation between the two features of ``correlated``; the loss valley's long axis
#: is :math:`\sqrt{(1+\rho)/(1-\rho)} \approx 8` times its short one.
CORRELATION = 0.97


def _clear_bowl() -> Dataset:
    # With x uniform on [-1, 1] the MSE Hessian 2·[[mean x², mean x], [mean x, 1]] has
    # eigenvalues near 2/3 and 2 (condition number ~3): plain descent at learning rate
    # 0.1 reaches the least-squares answer to 1e-9 in 300 epochs, and to 1e-3 in about
    # 200 epochs at 0.05, with standardisation off.
    return generate(n_rows=100, coef=(2.0,), intercept=1.0, noise=0.25, x_range=(-1.0, 1.0))


def _tutorial_5_points() -> Dataset:
    x = np.arange(1.0, 6.0)
    y = np.array([2.0, 4.0, 5.0, 4.0, 5.0])
    return from_columns("", "", x[:, np.newaxis], y)


def _tutorial_400_points_stream() -> tuple[Dataset, np.ndarray]:
    # The article's own calls, in its order, on a private legacy generator: the same
    # numbers as np.random.seed(43) followed by the same calls, global state untouched.
    legacy = np.random.RandomState(43)
    x = np.linspace(0, 100, 400)
    y = 3.5 * x + 10 + legacy.normal(0, 25, 400)
    order = legacy.permutation(400)
    data = from_columns("", "", x[:, np.newaxis], y, true_coef=np.array([3.5]), true_intercept=10)
    return data, order


def _tutorial_400_points() -> Dataset:
    return _tutorial_400_points_stream()[0]


def _tutorial_3_features_sgd() -> Dataset:
    # The article draws unseeded data; seed 0 of the legacy generator, its calls in its order.
    legacy = np.random.RandomState(TUTORIAL_3_FEATURES_SEED)
    X = legacy.rand(1000, 3)
    y = 1.5 * X[:, 0] + 3.8 * X[:, 1] + 4.7 * X[:, 2] + 8.9 + legacy.randn(1000)
    return from_columns("", "", X, y, true_coef=np.array([1.5, 3.8, 4.7]), true_intercept=8.9)


def _tutorial_temperatures() -> Dataset:
    return bundled("seattle_weather")


def _anscombe() -> Dataset:
    raw = (BUNDLED_DIR / "anscombe.csv").read_bytes()
    table = read_csv_bytes(raw)
    series = [row["series"] for row in csv.DictReader(io.StringIO(raw.decode("utf-8")))]
    return Dataset("", "", table, "y", ["x"], groups=np.array(series), group_column="series")


def _badly_scaled() -> Dataset:
    return generate(
        n_rows=400, coef=(3.5,), intercept=10.0, noise=25.0, x_range=(0.0, 100.0), seed=42
    )


def _three_features() -> Dataset:
    return generate(
        n_rows=1000,
        n_features=3,
        coef=(1.5, 3.8, 4.7),
        intercept=8.9,
        noise=1.0,
        x_range=(0.0, 1.0),
        seed=3,
    )


def _correlated() -> Dataset:
    rng = np.random.default_rng(7)
    x1 = rng.standard_normal(200)
    x2 = CORRELATION * x1 + math.sqrt(1.0 - CORRELATION**2) * rng.standard_normal(200)
    coef = np.array([1.0, 2.0])
    X = np.column_stack([x1, x2])
    y = X @ coef + 3.0 + rng.normal(0.0, 0.5, size=200)
    return from_columns("", "", X, y, true_coef=coef, true_intercept=3.0)


@dataclass(frozen=True)
class PresetRun:
    """How a preset is meant to be run: its tutorial's settings and rows.

    Frozen and hashable, so it can key a cache. :attr:`settings` is what
    :func:`core.descend` takes; :meth:`split` picks the rows to fit and the rows
    to test from the preset's ``(X, y)``.

    Attributes
    ----------
    settings : Settings
        The run's settings (:class:`core.settings.Settings`): Downhill's defaults
        where the tutorial says nothing.
    train_rows : tuple of int or None
        Rows fitted, in the order the descent walks them; None for every row.
    test_rows : tuple of int
        Rows held out to report R² on (empty: no test split).
    """

    settings: Settings = field(default_factory=Settings)
    train_rows: tuple[int, ...] | None = None
    test_rows: tuple[int, ...] = ()

    def split(
        self, X: np.ndarray, y: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The rows to fit and the rows to test.

        Parameters
        ----------
        X : ndarray of shape (n_rows, n_features)
        y : ndarray of shape (n_rows,)

        Returns
        -------
        X_train : ndarray of shape (len(train_rows), n_features)
            Every row, in file order, when ``train_rows`` is None.
        y_train : ndarray of shape (len(train_rows),)
        X_test : ndarray of shape (len(test_rows), n_features)
        y_test : ndarray of shape (len(test_rows),)
        """
        train = slice(None) if self.train_rows is None else list(self.train_rows)
        test = list(self.test_rows)
        return X[train], y[train], X[test], y[test]


def _tutorial_400_points_run() -> PresetRun:
    order = _tutorial_400_points_stream()[1]
    return PresetRun(
        Settings(learning_rate=5e-4, epochs=100_000, loss="half_mse"),
        train_rows=tuple(order[:320].tolist()),
        test_rows=tuple(order[320:].tolist()),
    )


@dataclass(frozen=True)
class Preset:
    """One example: what people see, how its data is made, how it runs, what it reproduces.

    Attributes
    ----------
    key : str
        Stable identifier used in URLs and on the command line.
    name : str
        The name people see in menus (and as the dataset's name).
    description : str
        One line.
    build : callable
        Makes its :class:`~core.data.dataset.Dataset`, the same on every call.
    run : PresetRun or None
        The settings and rows its tutorial runs with; None for an example that opens
        as any other data does (the app fits a rate to it, the CLI takes
        :class:`~core.settings.Settings`' defaults).
    article : Article or None
        What its tutorial's article printed beside its code's numbers; None for an
        example that is not a tutorial. An example with an article has a run.
    """

    key: str
    name: str
    description: str
    build: Callable[[], Dataset]
    run: PresetRun | None = None
    article: Article | None = None


#: Preset key -> its record, in menu order (the default first).
PRESETS: dict[str, Preset] = {
    example.key: example
    for example in (
        Preset(
            "clear_bowl",
            "Clear bowl",
            "100 points near y = 2x + 1, x in [-1, 1]: a round bowl that plain descent "
            "crosses in a few hundred steps.",
            _clear_bowl,
        ),
        Preset(
            "tutorial_5_points",
            "Tutorial: five points",
            "The classic tutorial example: x = 1…5, y = 2, 4, 5, 4, 5 (best line y = 0.6x + 2.2).",
            _tutorial_5_points,
            PresetRun(Settings(learning_rate=0.01, epochs=1000)),
            Article(
                "Linear regression with gradient descent on five points",
                (
                    Printed("slope m", "0.60", 0.6176946148762643, Coef(0)),
                    Printed("intercept b", "1.20", 2.136116825825789, Intercept()),
                    Printed("prediction at x = 6", "4.8", 5.842284515083374, Prediction(6.0)),
                    Printed("loss at step 0", "12.80", 17.2, LossAt(0)),
                    Printed("m after step 1", "0.040", 0.264, Coef(0, epoch=1)),
                    Printed("b after step 1", "0.240", 0.08, Intercept(epoch=1)),
                ),
                "After 1,000 epochs at rate 0.01 the run has not reached the least-squares "
                "line 0.6x + 2.2 (prediction 5.8): the article prints the slope of the answer, "
                "not of its run, and an intercept neither gives. Its first-iterations table has "
                "an arithmetic slip: at m = b = 0 the loss is mean(y²) = 17.2, and its own "
                "gradient formula moves (m, b) to (0.264, 0.080), not (0.040, 0.240).",
            ),
        ),
        Preset(
            "tutorial_400_points",
            "Tutorial: 400 points from scratch",
            "np.random.seed(43); y = 3.5x + 10 + N(0, 25²) on 400 points of [0, 100]; 320 "
            "shuffled rows to fit, 80 to test; ½·MSE at rate 5e-4 for 100,000 steps.",
            _tutorial_400_points,
            _tutorial_400_points_run(),
            Article(
                "Linear regression from scratch on 400 points",
                (
                    Printed("w1 (slope)", "3.48", 3.4803359746856657, Coef(0)),
                    Printed("w2 (intercept)", "9.57", 9.56510069987049, Intercept()),
                    Printed("test R²", "0.95", 0.9488336497730218, HeldOutR2()),
                ),
                "None beyond rounding: the article prints two decimals. Its update has no "
                "factor 2 (½·MSE), so its rate 5e-4 is 2.5e-4 in Downhill's MSE convention; "
                "after 100,000 steps the intercept is still 2.4e-5 short of least squares "
                "(9.5651247).",
            ),
        ),
        Preset(
            "tutorial_3_features_sgd",
            "Tutorial: three features, one row at a time",
            "1,000 rows of y = 1.5x1 + 3.8x2 + 4.7x3 + 8.9 + N(0, 1); one update per row over "
            "the first 900 in file order until the epoch's mean loss settles; 100 to test.",
            _tutorial_3_features_sgd,
            PresetRun(
                Settings(
                    learning_rate=0.01,
                    epochs=1000,
                    batch_size=1,
                    shuffle=False,
                    tol=1e-10,
                    tol_on="running",
                    init_coef=1.0,
                ),
                train_rows=tuple(range(900)),
                test_rows=tuple(range(900, 1000)),
            ),
            Article(
                "Stochastic gradient descent with three features",
                (
                    Printed("epochs until the mean loss settled", "20", 22.0, EpochsRun()),
                    Printed("w1", "1.57", 1.31778230788045, Coef(0)),
                    Printed("w2", "3.81", 3.520572103659461, Coef(1)),
                    Printed("w3", "4.87", 4.5503589844411945, Coef(2)),
                    Printed("b", "8.80", 9.016005417502285, Intercept()),
                    Printed("test R²", "0.81", 0.7212292097736839, HeldOutR2()),
                ),
                f"The article draws its data unseeded, so every reader gets other numbers; "
                f"here the legacy generator is seeded with {TUTORIAL_3_FEATURES_SEED}. With the "
                f"rows in file order and a constant rate the path settles into the same cycle "
                f"every epoch, which is when the mean per-row loss stops changing.",
            ),
        ),
        Preset(
            "tutorial_temperatures",
            "Tutorial: maximum from minimum temperature",
            "NOAA's Seattle daily record, 2012–2015: the day's maximum against its minimum "
            "(°C), fitted until the loss settles.",
            _tutorial_temperatures,
            # 2/λmax of this data is 0.01067: 0.01 converges and 0.011 diverges. A tolerance
            # of 1e-10 stops it after 1,918 epochs within 4 digits of least squares; much
            # smaller ones reach the rounding of the loss itself, where the stopping epoch
            # stops being a property of the data (another summation order stops a few
            # epochs apart).
            PresetRun(Settings(learning_rate=0.01, epochs=10_000, tol=1e-10)),
            Article(
                "Predicting the maximum temperature from the minimum",
                (
                    Printed("epochs until the loss settled", None, 1918.0, EpochsRun()),
                    Printed("slope", None, 1.2813382500599078, Coef(0)),
                    Printed("intercept", None, 5.887506540703097, Intercept()),
                ),
                "The article draws its fitted line over another station's records and prints "
                "no numbers; here it is NOAA's Seattle record. At rate 0.01 the loss settles (it "
                "moves by less than 1e-10 in an epoch) with the line within 4 digits of least "
                "squares, 1.28132x + 5.88769; above 2/λmax ≈ 0.01067, at 0.011 say, the run "
                "diverges and Downhill warns.",
            ),
        ),
        Preset(
            "anscombe",
            "Anscombe's quartet",
            "Four sets of 11 points with the same least-squares line, y ≈ 3.00 + 0.500x, and "
            "very different shapes: look at the scatter before trusting a fit.",
            _anscombe,
            # Set I only (rows 0–10); 2/λmax = 0.01088, and at 0.01 the loss settles to 1e-10
            # after 4,022 epochs.
            PresetRun(
                Settings(learning_rate=0.01, epochs=10_000, tol=1e-10),
                train_rows=tuple(range(11)),
            ),
        ),
        Preset(
            "badly_scaled",
            "Badly scaled",
            "400 points of y = 3.5x + 10 + N(0, 25²), x in [0, 100]: the slope's scale dwarfs "
            "the intercept's, so unscaled descent crawls.",
            _badly_scaled,
            # Raw features on purpose, to show the crawl its description promises: 1.5e-4 is
            # just below 1/λmax (no overshoot), and the intercept's direction barely moves.
            PresetRun(Settings(learning_rate=1.5e-4, epochs=300)),
        ),
        Preset(
            "three_features",
            "Three features",
            "1,000 rows of y = 1.5x1 + 3.8x2 + 4.7x3 + 8.9 + N(0, 1), each x uniform in [0, 1].",
            _three_features,
        ),
        Preset(
            "correlated",
            "Correlated features",
            f"200 rows of y = x1 + 2x2 + 3 + N(0, 0.5²), x1 and x2 standard normal with "
            f"correlation {CORRELATION}: a long, narrow valley.",
            _correlated,
        ),
    )
}

#: Preset key -> the name people see in menus (and as the dataset's name).
PRESET_NAMES: dict[str, str] = {key: example.name for key, example in PRESETS.items()}


def preset(key: str) -> Dataset:
    """Build the example dataset named ``key``.

    Parameters
    ----------
    key : str
        One of :data:`PRESETS`.

    Returns
    -------
    Dataset
        The same data on every call.

    Raises
    ------
    ValueError
        If ``key`` is not a preset.
    """
    if key not in PRESETS:
        raise ValueError(f"Unknown preset {key!r}; choose one of: {', '.join(PRESETS)}.")
    example = PRESETS[key]
    return replace(example.build(), name=example.name, description=example.description)
