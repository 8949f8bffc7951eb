"""What new data opens with: a tutorial's own settings, or a rate that fits the data.

When people pick other data, the learning rate they had was chosen for the old
data and would often diverge on the new. So a tutorial preset opens with its
article's settings, and any other data with :func:`core.advice.opening_rate`,
standardized where the raw condition number is extreme. A shared link that sets
these settings is taken as it is. No streamlit import: functions take the session
state as a mapping.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from core import Stability
from core.advice import opening_rate
from core.data import PRESET_RUNS, PresetRun
from ui.settings import LEARNING_RATES, OPTIMIZER_KEYS
from ui.specs import DataSpec

#: The settings a new choice of data may set (a link that sets any of them is obeyed).
OPENED_KEYS = (
    "learning_rate",
    "standardize",
    "epochs",
    "loss",
    "optimizer",
    "batch_mode",
    "batch_size",
    "shuffle",
    "tol",
    "tol_on",
    "init_weight",
    "init_bias",
    "seed",
)


def preset_run(spec: DataSpec) -> PresetRun | None:
    """The settings a preset is meant to run with; None for other data."""
    return PRESET_RUNS.get(spec.name) if spec.source == "preset" else None


def preset_state(run: PresetRun) -> dict[str, Any]:
    """The sidebar's settings that run a preset as its tutorial did.

    Raises
    ------
    ValueError
        When the tutorial starts its weights at different values (the sidebar
        starts them all at one value).
    """
    start = set(run.init_coef or (0.0,))
    if len(start) != 1:
        raise ValueError(f"the sidebar starts every weight at one value; got {run.init_coef}")
    batch_mode = {None: "full", 1: "stochastic"}.get(run.batch_size, "mini")
    state = {
        "learning_rate": run.learning_rate,
        "standardize": run.standardize,
        "epochs": run.epochs,
        "loss": run.loss,
        "optimizer": run.optimizer,
        "batch_mode": batch_mode,
        "shuffle": run.shuffle,
        "tol": run.tol or 0.0,
        "tol_on": run.tol_on,
        "init_weight": float(start.pop()),
        "init_bias": float(run.init_intercept),
        "seed": run.seed,
    }
    if batch_mode == "mini":
        state["batch_size"] = run.batch_size
    return state


def fitted_state(state: Mapping[str, Any], stability: Stability) -> tuple[dict[str, Any], str]:
    """The rate (and standardizing) that fit data with ``stability``, and one line saying why.

    Standardizing people switched on stays on; it is switched on where the raw
    condition number is extreme. Rules without a closed-form limit keep their rate.
    """
    rule = state["optimizer"]
    params = {k: state[k] for k in OPTIMIZER_KEYS[rule]}
    if state["standardize"]:
        fitting = opening_rate(
            stability.standardized, rule, LEARNING_RATES, state["epochs"], params
        )
        standardize = True
    else:
        fitting = opening_rate(
            stability.raw,
            rule,
            LEARNING_RATES,
            state["epochs"],
            params,
            standardized=stability.standardized,
        )
        standardize = fitting.standardize
    changes: dict[str, Any] = {"standardize": standardize}
    if fitting.rate is not None:
        changes["learning_rate"] = fitting.rate
    return changes, fitting.reason


def open_data(
    state: MutableMapping, spec: DataSpec, stability_of_state, url_keys: frozenset[str]
) -> str | None:
    """Give new data its opening settings in ``state``; return the line that says what changed.

    None when nothing changed (the rate already fits) or a link set the settings.

    Parameters
    ----------
    state : mutable mapping
        The session state, before the widgets of these settings are drawn.
    spec : DataSpec
        The new data.
    stability_of_state : callable
        ``stability_of_state(state) -> Stability`` of the problem ``state`` describes
        (called after a tutorial's settings are in, as they may change the loss).
    url_keys : frozenset of str
        Settings a shared link set; when it set any opening setting, nothing is changed.
    """
    if url_keys & set(OPENED_KEYS):
        return None
    run = preset_run(spec)
    if run is not None:
        state.update(preset_state(run))
        return "Opened with this example's own settings (rate, epochs, loss and start)."
    changes, reason = fitted_state(state, stability_of_state(state))
    if all(state.get(key) == value for key, value in changes.items()):
        return None  # the rate already fits: nothing to say
    state.update(changes)
    return f"Opened at a rate that fits this data. {reason}"
