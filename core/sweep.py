"""Many learning rates at once: the runs a learning-rate scrubber switches between.

Every update rule here is elementwise or a matrix product, so ``k`` full-batch
runs at ``k`` rates advance together as one ``(k, n_params)`` state, and a whole
ladder of rates costs little more than one run. Each run is the one
:func:`core.descend` makes at that rate: the same history, stop reason and
epoch counts. A rate that blows up stops on its own, keeping its finite epochs,
while the others go on. Mini-batch runs fall back to one run per rate.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from core.descent import MAX_HISTORY_POINTS, DivergenceWarning, Run, prepare
from core.settings import Settings
from core.validation import positive_real


def sweep(
    X,
    y,
    learning_rates,
    settings: Settings | None = None,
    *,
    max_path_points: int = 2000,
    max_history_points: int = MAX_HISTORY_POINTS,
    progress: Callable[[int, int], None] | None = None,
    **overrides,
) -> tuple[Run, ...]:
    """:func:`core.descend` at every rate of ``learning_rates``, in one pass.

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
    y : array_like of shape (n_samples,)
    learning_rates : sequence of float
        The starting learning rates, each > 0 (any order, repeats allowed).
    settings : Settings, optional
        The settings every run shares (their ``learning_rate`` is not used).
    max_path_points, max_history_points : int
        As in :func:`core.descend`.
    progress : callable, optional
        Called as ``progress(epochs_done, epochs)`` as the furthest run advances.
    **overrides
        Fields of :class:`~core.settings.Settings` to change, by name (not
        ``learning_rate``).

    Returns
    -------
    tuple of Run
        One per rate, in the order given; ``Run.settings.learning_rate`` is the
        run's rate and ``Run.seconds`` its share of the sweep's time.

    Raises
    ------
    ValueError
        For an empty list of rates, a rate that is not > 0, or any setting
        :func:`core.descend` refuses.
    TypeError
        For a keyword that is not a setting, or ``learning_rate``.

    Warns
    -----
    DivergenceWarning
        Once, naming how many rates blew up and the smallest of them.
    """
    if "learning_rate" in overrides:
        raise TypeError("sweep() takes its rates as learning_rates, not learning_rate")
    settings = (settings or Settings()).replace(**overrides)
    rates = [
        positive_real(f"learning_rates[{i}]", rate)
        for i, rate in enumerate(np.asarray(learning_rates, dtype=object).reshape(-1))
    ]
    if not rates:
        raise ValueError("learning_rates must hold at least one rate; got none.")
    setup = prepare(
        X,
        y,
        settings,
        rates,
        max_path_points=max_path_points,
        max_history_points=max_history_points,
    )
    runs = tuple(setup.runs(progress))
    blown = [rate for rate, run in zip(rates, runs, strict=True) if run.diverged]
    if blown:
        warnings.warn(
            f"sweep: {len(blown)} of {len(rates)} learning rates diverged, the smallest "
            f"{min(blown):g}; their coef and intercept are the last finite values, not fits.",
            DivergenceWarning,
            stacklevel=2,
        )
    return runs
