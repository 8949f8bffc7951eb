"""Every user setting: its session-state key, default, and how it reads from a URL.

This module owns the settings. Widgets use these keys, the URL carries them,
and the engine calls are built from them; nothing else invents a key.
Pure Python: no streamlit import, so it can be tested alone.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from core import OPTIMIZERS, SCHEDULES
from core.data import BUNDLED, DEFAULT_PRESET, PRESETS

#: The learning-rate control's stops: 1, 1.5, 2, 3, 5, 7 in every decade from 1e-6 to 10.
LEARNING_RATES: tuple[float, ...] = (
    *(float(f"{m * 10.0**e:.3g}") for e in range(-6, 1) for m in (1, 1.5, 2, 3, 5, 7)),
    10.0,
)

DATA_SOURCES = ("preset", "generate", "bundled", "upload")
BATCH_MODES = ("full", "mini", "stochastic")

OPTIMIZER_LABELS = {
    "gd": "Gradient descent",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "AdaGrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
}
SCHEDULE_LABELS = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential",
    "inverse_time": "Inverse time",
    "cosine": "Cosine",
}


#: Mini-batch and stochastic runs above this many updates are not started: they
#: would keep the page busy for minutes.
MAX_UPDATES = 500_000


def updates_of(settings: Mapping[str, Any], n_rows: int) -> int:
    """Parameter updates a run makes: one per epoch in full batch, one per batch otherwise."""
    batch = settings["batch_size"]
    per_epoch = 1 if batch is None or batch >= n_rows else math.ceil(n_rows / batch)
    return per_epoch * settings["epochs"]


def too_many_updates(settings: Mapping[str, Any], n_rows: int) -> str | None:
    """Why a run is not started (too many updates to finish soon), or None when it can run."""
    updates = updates_of(settings, n_rows)
    if updates <= MAX_UPDATES:
        return None
    return (
        f"it would make {updates:,} updates (more than {MAX_UPDATES:,}). "
        "Use a larger batch or fewer epochs."
    )


def nearest_rate(value: float) -> float:
    """The stop of the learning-rate control closest to ``value`` on a log scale."""
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        return DEFAULTS["learning_rate"]
    logs = np.log10(LEARNING_RATES)
    return LEARNING_RATES[int(np.argmin(np.abs(logs - math.log10(value))))]


@dataclass(frozen=True)
class Setting:
    """One setting: its key, default and a parser from URL text (None: not in URLs)."""

    key: str
    default: Any
    parse: Callable[[str], Any] | None


def _choice(options) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(text)
        return text

    return parse


def _bounded(kind: type, low: float, high: float) -> Callable[[str], Any]:
    def parse(text: str):
        value = kind(float(text)) if kind is int else kind(text)
        if not (math.isfinite(value) and low <= value <= high):
            raise ValueError(text)
        return value

    return parse


def _flag(text: str) -> bool:
    if text not in ("0", "1", "true", "false"):
        raise ValueError(text)
    return text in ("1", "true")


def _rate(text: str) -> float:
    return nearest_rate(_bounded(float, 1e-9, 100.0)(text))


def _names(text: str) -> list[str]:
    return [part for part in text.split(",") if part]


SETTINGS: tuple[Setting, ...] = (
    Setting("data_source", "preset", _choice(DATA_SOURCES)),
    Setting("preset", DEFAULT_PRESET, _choice(tuple(PRESETS))),
    Setting("bundled", next(iter(BUNDLED)), _choice(tuple(BUNDLED))),
    Setting("gen_rows", 200, _bounded(int, 3, 1_000_000)),
    Setting("gen_features", 1, _bounded(int, 1, 5)),
    Setting("gen_coef", "2.0", str),
    Setting("gen_intercept", 1.0, _bounded(float, -1e6, 1e6)),
    Setting("gen_noise", 1.0, _bounded(float, 0.0, 1e6)),
    Setting("gen_x_min", 0.0, _bounded(float, -1e6, 1e6)),
    Setting("gen_x_max", 10.0, _bounded(float, -1e6, 1e6)),
    Setting("gen_outliers", 0.0, _bounded(float, 0.0, 0.5)),
    Setting("gen_seed", 0, _bounded(int, 0, 2**31 - 1)),
    Setting("target", None, str),
    Setting("features", None, _names),
    Setting("fit_intercept", True, _flag),
    Setting("standardize", False, _flag),
    Setting("l2", 0.0, _bounded(float, 0.0, 1e6)),
    Setting("test_fraction", 0.2, _bounded(float, 0.0, 0.5)),
    Setting("optimizer", "gd", _choice(tuple(OPTIMIZERS))),
    Setting("beta", 0.9, _bounded(float, 0.0, 0.999)),
    Setting("beta1", 0.9, _bounded(float, 0.0, 0.999)),
    Setting("beta2", 0.999, _bounded(float, 0.0, 0.99999)),
    Setting("rho", 0.9, _bounded(float, 0.0, 0.999)),
    Setting("learning_rate", 0.05, _rate),
    Setting("epochs", 300, _bounded(int, 1, 100_000)),
    Setting("batch_mode", "full", _choice(BATCH_MODES)),
    Setting("batch_size", 32, _bounded(int, 1, 1_000_000)),
    Setting("schedule", "constant", _choice(tuple(SCHEDULES))),
    Setting("step_drop", 0.5, _bounded(float, 0.01, 1.0)),
    Setting("step_every", 100, _bounded(int, 1, 100_000)),
    Setting("gamma", 0.99, _bounded(float, 0.5, 1.0)),
    Setting("decay", 0.01, _bounded(float, 0.0, 100.0)),
    Setting("min_lr", 0.0, _bounded(float, 0.0, 10.0)),
    Setting("tol", 0.0, _bounded(float, 0.0, 1e6)),
    Setting("init_weight", 0.0, _bounded(float, -1e6, 1e6)),
    Setting("init_bias", 0.0, _bounded(float, -1e6, 1e6)),
    Setting("seed", 0, _bounded(int, 0, 2**31 - 1)),
)

DEFAULTS: dict[str, Any] = {s.key: s.default for s in SETTINGS}

#: Hyperparameters shown for each update rule, by setting key.
OPTIMIZER_KEYS = {
    name: tuple(k for k in params if k != "eps") for name, params in OPTIMIZERS.items()
}

#: Parameters shown for each schedule, by setting key (key -> the schedule's own name).
SCHEDULE_KEYS = {
    "constant": {},
    "step": {"step_drop": "drop", "step_every": "every"},
    "exponential": {"gamma": "gamma"},
    "inverse_time": {"decay": "decay"},
    "cosine": {"min_lr": "min_lr"},
}


def from_query(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Settings read from URL query parameters, and the names of those that were invalid.

    Unknown parameters are ignored; invalid values are reported and left at
    their defaults, so a mangled link still opens the app.
    """
    values: dict[str, Any] = {}
    invalid: list[str] = []
    for setting in SETTINGS:
        if setting.key not in params or setting.parse is None:
            continue
        try:
            values[setting.key] = setting.parse(str(params[setting.key]))
        except (ValueError, TypeError, OverflowError):
            invalid.append(setting.key)
    return values, invalid


def to_query(state: Mapping[str, Any]) -> dict[str, str]:
    """The settings that differ from their defaults, as URL query text."""
    query: dict[str, str] = {}
    for setting in SETTINGS:
        value = state.get(setting.key, setting.default)
        if value is None or value == setting.default:
            continue
        if isinstance(value, bool):
            query[setting.key] = "1" if value else "0"
        elif isinstance(value, list | tuple):
            query[setting.key] = ",".join(map(str, value))
        else:
            query[setting.key] = str(value)
    return query


def parse_coefficients(text: str, n_features: int) -> tuple[float, ...]:
    """True coefficients typed as ``"2, -1.5"``: one per feature, the last repeated if short.

    Raises
    ------
    ValueError
        With a message saying what to type, when a part is not a number.
    """
    parts = [p.strip() for p in str(text).replace(";", ",").split(",") if p.strip()]
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"True coefficients must be numbers separated by commas, like 2, -1.5; got {text!r}."
        ) from None
    if not numbers or not all(math.isfinite(v) and abs(v) <= 1e6 for v in numbers):
        raise ValueError("Give at least one true coefficient between -1e6 and 1e6, like 2.")
    numbers += [numbers[-1]] * (n_features - len(numbers))
    return tuple(numbers[:n_features])


def run_settings(state: Mapping[str, Any], n_rows: int) -> dict[str, Any]:
    """Keyword arguments for :func:`core.descend` from the settings (hashable values only)."""
    optimizer = state["optimizer"]
    schedule = state["schedule"]
    mode = state["batch_mode"]
    batch_size = None
    if mode == "stochastic":
        batch_size = 1
    elif mode == "mini":
        batch_size = max(1, min(int(state["batch_size"]), n_rows))
    return {
        "optimizer": optimizer,
        "optimizer_params": tuple((k, float(state[k])) for k in OPTIMIZER_KEYS[optimizer]),
        "learning_rate": float(state["learning_rate"]),
        "epochs": int(state["epochs"]),
        "batch_size": batch_size,
        "fit_intercept": bool(state["fit_intercept"]),
        "standardize": bool(state["standardize"]),
        "l2": float(state["l2"]),
        "tol": float(state["tol"]) or None,
        "seed": int(state["seed"]),
        "schedule": schedule,
        "schedule_params": tuple(
            (name, state[key]) for key, name in SCHEDULE_KEYS[schedule].items()
        ),
        "init_weight": float(state["init_weight"]),
        "init_bias": float(state["init_bias"]),
    }
