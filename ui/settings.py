"""Every user setting, declared once: key, default, type, range, label, help, widget, URL text.

This module is the one source of truth for settings. The sidebar and the
Compare page draw their widgets from :data:`SCHEMA` (see :mod:`ui.widgets`),
the URL is read and written through each setting's codec, the Learn page
reads its limits here, and :func:`run_settings` turns the settings into the
engine's own :class:`core.settings.Settings` record (:func:`state_of` is its
inverse). Ranges come from the engine's limits where it has them.

An update rule's or a schedule's controls, labels and link keys are drawn
from its record in ``core`` (:data:`core.optimizers.RULES`,
:data:`core.schedules.REGISTRY`): adding one there is all it takes.

Pure Python: no streamlit import, so it can be tested alone.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core import LOSSES, MAX_EPOCHS
from core.challenges import CHALLENGES
from core.data import BUNDLED, DEFAULT_PRESET, PRESET_NAMES, PRESETS
from core.optimizers import HYPERPARAMETERS, RULES
from core.schedules import PARAMETERS as SCHEDULE_PARAMETERS
from core.schedules import REGISTRY as SCHEDULE_REGISTRY
from core.settings import TOL_ON, Settings

#: The learning-rate ladder's stops: 1, 1.5, 2, 3, 5, 7 in every decade from 1e-8 to 10,
#: below the raw limit of every bundled dataset (engel's is 8e-7). Any other rate can be typed.
LEARNING_RATES: tuple[float, ...] = (
    *(float(f"{m * 10.0**e:.3g}") for e in range(-8, 1) for m in (1, 1.5, 2, 3, 5, 7)),
    10.0,
)

#: The rate a new session starts with.
DEFAULT_RATE = 0.05

#: The run a new session, and every choice of data without settings of its own, opens
#: with (the rate is then fitted to the data, see :mod:`ui.opening`).
OPENING = Settings(learning_rate=DEFAULT_RATE, epochs=300)

#: The largest decay (β, ρ) a control offers: the engine takes any value below 1, and a
#: widget needs a closed end that is shown in full at four decimals.
MAX_DECAY = 0.9999


@dataclass(frozen=True)
class Setting:
    """One setting: what it is, how it is drawn and how it travels in a URL.

    Attributes
    ----------
    key : str
        The session-state key, the widget's key and the URL parameter.
    default : Any
    kind : {"choice", "int", "float", "bool", "text", "names"}
        The value's type.
    label, help : str
        The widget's label and tooltip.
    widget : str
        The streamlit widget that draws it (``"selectbox"``, ``"number_input"``, …).
    low, high : float, optional
        The closed range of "int" and "float" settings.
    choices : tuple
        The options of "choice" settings, and the stops of a slider over a float.
    labels : dict
        Option -> text shown for it.
    step, format : optional
        Passed on to ``st.number_input``.
    in_url : bool
        Whether shared links carry it.
    """

    key: str
    default: Any
    kind: str
    label: str = ""
    help: str | None = None
    widget: str | None = None
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    labels: Mapping[Any, str] = field(default_factory=dict)
    step: float | None = None
    format: str | None = None
    in_url: bool = True

    def check(self, value: Any) -> Any:
        """``value`` as this setting's type, or ValueError when it does not fit."""
        if self.kind == "choice":
            if value not in self.choices:
                raise ValueError(f"{self.key}: {value!r} is not one of the options")
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ValueError(f"{self.key}: {value!r} is not true or false")
            return value
        if self.kind in ("int", "float"):
            number = _finite(float(value))
            if self.kind == "int":
                if not number.is_integer():
                    raise ValueError(f"{self.key}: {value!r} is not a whole number")
                number = int(number)
            if not self.low <= number <= self.high:
                raise ValueError(f"{self.key}: {value!r} is outside [{self.low}, {self.high}]")
            return number
        if self.kind == "names":
            return [str(part) for part in value]
        return str(value)

    def parse(self, text: str) -> Any:
        """The value a URL's ``text`` stands for; ValueError when it is not a valid value."""
        if self.kind == "bool":
            if text not in ("0", "1", "true", "false"):
                raise ValueError(f"{self.key}: {text!r} is not 0 or 1")
            return text in ("1", "true")
        if self.kind == "names":
            return [part for part in text.split(",") if part]
        if self.kind in ("int", "float"):
            return self.check(float(text))
        return self.check(text)

    def encode(self, value: Any) -> str:
        """URL text for ``value``; :meth:`parse` reads it back to the same value."""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, list | tuple):
            return ",".join(map(str, value))
        if self.kind == "int":
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)


def _finite(number: float) -> float:
    if not math.isfinite(number):
        raise ValueError(f"{number!r} is not a finite number")
    return number


def nearest_rate(value: float, stops: tuple[float, ...] = LEARNING_RATES) -> float:
    """The one of ``stops`` (the learning-rate control's) closest to ``value`` on a log scale.

    Anything that is not a positive finite number gets the default rate.
    """
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        return DEFAULT_RATE
    logs = np.log10(stops)
    return stops[int(np.argmin(np.abs(logs - math.log10(value))))]


def _choice(key, default, choices, label, labels=None, widget="selectbox", **kw) -> Setting:
    labels = labels if labels is not None else {c: str(c) for c in choices}
    return Setting(
        key, default, "choice", label, choices=tuple(choices), labels=labels, widget=widget, **kw
    )


def _number(key, default, low, high, label, **kw) -> Setting:
    kind = "int" if isinstance(default, int) and not isinstance(default, bool) else "float"
    return Setting(key, default, kind, label, widget="number_input", low=low, high=high, **kw)


def _hyperparameters() -> tuple[Setting, ...]:
    """One control per hyperparameter any rule shows, from :data:`core.optimizers.RULES`.

    Its key is the engine's name (``beta``, ``beta1`` …), which shared links carry. The
    engine takes decays below 1; the control needs a closed end, :data:`MAX_DECAY`.
    """
    shown = {h.name for rule in RULES.values() for h in rule.controls}
    return tuple(
        _number(h.name, h.default, h.low, min(h.high, MAX_DECAY), h.label, format="%.4g", step=0.01)
        for h in HYPERPARAMETERS.values()
        if h.name in shown
    )


def _schedule_parameters() -> tuple[Setting, ...]:
    """One control per schedule parameter, from :data:`core.schedules.PARAMETERS`.

    A parameter that several schedules share (the cosine floor) is one control.
    """
    formats = {int: None, float: "%.4g"}
    return tuple(
        _number(p.key, p.default, *p.control, p.label, format=formats[type(p.default)])
        for p in SCHEDULE_PARAMETERS.values()
    )


OPTIMIZER_LABELS = {name: rule.label for name, rule in RULES.items()}
SCHEDULE_LABELS = {name: schedule.label for name, schedule in SCHEDULE_REGISTRY.items()}
SOURCE_LABELS = {
    "preset": "Example (preset)",
    "generate": "Generate my own",
    "bundled": "Real dataset",
    "upload": "Upload a CSV",
}
BATCH_LABELS = {"full": "Full batch", "mini": "Mini-batch", "stochastic": "Stochastic (1 row)"}
LOSS_LABELS = {"mse": "MSE, 1/n", "half_mse": "½·MSE, 1/(2n)"}
TOL_ON_LABELS = {"loss": "the full-data loss", "running": "the epoch's mean batch loss"}

DATA_SOURCES = tuple(SOURCE_LABELS)
BATCH_MODES = tuple(BATCH_LABELS)

SETTINGS: tuple[Setting, ...] = (
    _choice("data_source", "preset", DATA_SOURCES, "Data", SOURCE_LABELS),
    _choice(
        "preset",
        DEFAULT_PRESET,
        tuple(PRESETS),
        "Example",
        PRESET_NAMES,
    ),
    _choice("bundled", next(iter(BUNDLED)), tuple(BUNDLED), "Dataset"),
    _number("gen_rows", 200, 3, 1_000_000, "Rows", step=100),
    _number("gen_features", 1, 1, 5, "Features"),
    Setting(
        "gen_coef",
        "2.0",
        "text",
        "True coefficients",
        "One per feature, e.g. 2, -1.5",
        widget="text_input",
    ),
    _number("gen_intercept", 1.0, -1e6, 1e6, "True intercept"),
    _number("gen_noise", 1.0, 0.0, 1e6, "Noise σ"),
    _number("gen_x_min", 0.0, -1e6, 1e6, "x from"),
    _number("gen_x_max", 10.0, -1e6, 1e6, "x to"),
    _number("gen_outliers", 0.0, 0.0, 0.5, "Outlier share", step=0.05),
    _number("gen_seed", 0, 0, 2**31 - 1, "Data seed"),
    Setting("target", None, "text", "Target (y)", widget="selectbox"),
    Setting("features", None, "names", "Features (x)", widget="multiselect"),
    Setting("fit_intercept", OPENING.fit_intercept, "bool", "Fit intercept (b)", widget="toggle"),
    Setting(
        "standardize",
        OPENING.standardize,
        "bool",
        "Standardize features",
        "Descend on z-scored features; results are shown in original units.",
        widget="toggle",
    ),
    _choice(
        "loss",
        OPENING.loss,
        LOSSES,
        "Loss",
        LOSS_LABELS,
        widget="radio",
        help="Mean squared error, or half of it as in many courses (Andrew Ng's among them): "
        "half the gradient, so twice the stable learning rate.",
    ),
    _number("l2", OPENING.l2, 0.0, 1e6, "L2 strength λ₂", step=0.01, format="%.4g"),
    Setting(
        "test_fraction", 0.2, "float", "Test share", widget="slider", low=0.0, high=0.5, step=0.05
    ),
    _choice("optimizer", OPENING.optimizer, tuple(RULES), "Update rule", OPTIMIZER_LABELS),
    *_hyperparameters(),
    Setting(
        "learning_rate",
        OPENING.learning_rate,
        "float",
        "Learning rate η",
        "Drag along the ladder, or type any rate below it.",
        widget="select_slider",
        low=1e-12,
        high=100.0,
        choices=LEARNING_RATES,
        labels={r: f"{r:g}" for r in LEARNING_RATES},
    ),
    _number("epochs", OPENING.epochs, 1, min(100_000, MAX_EPOCHS), "Epochs", step=50),
    _choice("batch_mode", "full", BATCH_MODES, "Batch", BATCH_LABELS, widget="radio"),
    _number("batch_size", 32, 1, 1_000_000, "Batch size"),
    Setting(
        "shuffle",
        OPENING.shuffle,
        "bool",
        "Reshuffle rows every epoch",
        "Off: batches take the rows in file order, every epoch the same.",
        widget="toggle",
    ),
    _choice("schedule", OPENING.schedule, tuple(SCHEDULE_REGISTRY), "Schedule", SCHEDULE_LABELS),
    *_schedule_parameters(),
    _number("tol", 0.0, 0.0, 1e6, "Tolerance (0 = run every epoch)", format="%.2e"),
    _choice(
        "tol_on",
        OPENING.tol_on,
        TOL_ON,
        "Stop when it changes by less than that",
        TOL_ON_LABELS,
        widget="radio",
        help="The epoch's mean batch loss (each taken before its update) is what many "
        "stochastic-descent tutorials watch.",
    ),
    _number("init_weight", OPENING.init_coef, -1e6, 1e6, "Initial weights"),
    _number("init_bias", OPENING.init_intercept, -1e6, 1e6, "Initial bias"),
    _number("seed", OPENING.seed, 0, 2**31 - 1, "Shuffle seed"),
    Setting(
        "window",
        False,
        "bool",
        "Set the surface window by hand",
        "Draw the cost surface over ranges you choose, as a tutorial's cost plane does.",
        widget="toggle",
    ),
    Setting(
        "present",
        False,
        "bool",
        "Present to a class",
        "One view at a time, wide and in large type for a projector, with the sidebar folded "
        "away; ← and → switch between the fit, the loss, the surface and the map.",
        widget="toggle",
    ),
    Setting(
        "log_loss",
        False,
        "bool",
        "Log loss axis",
        "Draw the loss as its gap L − L* above the optimum, on a logarithmic axis, where the "
        "last digits of the descent show; the words still give the loss itself.",
        widget="toggle",
    ),
    Setting(
        "challenge",
        "",
        "text",
        "Challenge",
        "A built-in challenge's key, or the text of a challenge link.",
        choices=tuple(CHALLENGES),
    ),
    Setting("solved", "", "text", "Solved", "The built-in challenges solved, by key."),
    _number("window_x_from", 0.0, -1e6, 1e6, "x from"),
    _number("window_x_to", 50.0, -1e6, 1e6, "x to"),
    _number("window_y_from", 0.0, -1e6, 1e6, "y from"),
    _number("window_y_to", 50.0, -1e6, 1e6, "y to"),
)

#: Every setting by key.
SCHEMA: dict[str, Setting] = {s.key: s for s in SETTINGS}
DEFAULTS: dict[str, Any] = {s.key: s.default for s in SETTINGS}

#: Hyperparameters shown for each update rule, by setting key (the engine's own names).
OPTIMIZER_KEYS: dict[str, tuple[str, ...]] = {
    name: tuple(h.name for h in rule.controls) for name, rule in RULES.items()
}

#: Parameters shown for each schedule: setting key -> the schedule's own parameter name.
SCHEDULE_KEYS: dict[str, dict[str, str]] = {
    name: {p.key: p.name for p in schedule.parameters}
    for name, schedule in SCHEDULE_REGISTRY.items()
}


def from_query(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Settings read from URL query parameters, and the names of those that were invalid.

    Unknown parameters are ignored; invalid values are reported and left at
    their defaults, so a mangled link still opens the app.
    """
    values: dict[str, Any] = {}
    invalid: list[str] = []
    for setting in SETTINGS:
        if setting.key not in params or not setting.in_url:
            continue
        try:
            values[setting.key] = setting.parse(str(params[setting.key]))
        except (ValueError, TypeError, OverflowError):
            invalid.append(setting.key)
    return values, invalid


#: What every link names, the default example's too: its columns.
_COLUMN_KEYS = {"target", "features"}


def to_query(state: Mapping[str, Any]) -> dict[str, str]:
    """The settings that differ from their defaults, as URL query text.

    A link that sets no run setting opens its data on that data's own run (see
    :mod:`ui.opening`), which for any data but the default example may differ from the
    defaults. So a link to other data whose run is all defaults says so with the rate,
    and opens on the run it was copied from.
    """
    query: dict[str, str] = {}
    for setting in SETTINGS:
        value = state.get(setting.key, setting.default)
        if setting.in_url and value is not None and value != setting.default:
            query[setting.key] = setting.encode(value)
    if set(query) - _COLUMN_KEYS and not set(query) & set(RUN_KEYS):
        query["learning_rate"] = SCHEMA["learning_rate"].encode(DEFAULTS["learning_rate"])
    return query


def surface_window(state: Mapping[str, Any]) -> tuple[tuple[tuple[float, float], ...] | None, str]:
    """The surface's ranges set by hand, or None, and what is wrong with them (or "")."""
    if not state["window"]:
        return None, ""
    x = (float(state["window_x_from"]), float(state["window_x_to"]))
    y = (float(state["window_y_from"]), float(state["window_y_to"]))
    for name, (low, high) in (("x", x), ("y", y)):
        if not low < high:
            return None, (
                f"The window's {name} range is empty ({low:g} to {high:g}): make “from” smaller "
                "than “to”. Meanwhile the surface frames the path."
            )
    return (x, y), ""


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


#: The sidebar's settings a run is made of (what :func:`run_settings` reads).
RUN_KEYS: tuple[str, ...] = (
    "optimizer",
    *dict.fromkeys(k for keys in OPTIMIZER_KEYS.values() for k in keys),
    "learning_rate",
    "epochs",
    "batch_mode",
    "batch_size",
    "fit_intercept",
    "standardize",
    "l2",
    "tol",
    "tol_on",
    "seed",
    "loss",
    "shuffle",
    "schedule",
    *dict.fromkeys(k for keys in SCHEDULE_KEYS.values() for k in keys),
    "init_weight",
    "init_bias",
)


def batch_size_of(mode: str, size: int, n_rows: int) -> int | None:
    """The batch size a batch mode means: None for full batch, 1 for stochastic."""
    if mode == "stochastic":
        return 1
    if mode == "mini" and size < n_rows:
        return max(1, int(size))
    return None


def run_settings(state: Mapping[str, Any], n_rows: int) -> Settings:
    """The run the settings in ``state`` describe, on ``n_rows`` training rows."""
    optimizer = state["optimizer"]
    schedule = state["schedule"]
    return Settings(
        optimizer=optimizer,
        optimizer_params=tuple((k, float(state[k])) for k in OPTIMIZER_KEYS[optimizer]),
        learning_rate=float(state["learning_rate"]),
        epochs=int(state["epochs"]),
        batch_size=batch_size_of(state["batch_mode"], state["batch_size"], n_rows),
        fit_intercept=bool(state["fit_intercept"]),
        standardize=bool(state["standardize"]),
        l2=float(state["l2"]),
        tol=float(state["tol"]) or None,
        seed=int(state["seed"]),
        loss=state["loss"],
        shuffle=bool(state["shuffle"]),
        tol_on=state["tol_on"],
        schedule=schedule,
        schedule_params=tuple((name, state[key]) for key, name in SCHEDULE_KEYS[schedule].items()),
        init_coef=float(state["init_weight"]),
        init_intercept=float(state["init_bias"]),
    )


def state_of(settings: Settings) -> dict[str, Any]:
    """The sidebar's settings of ``settings``: every setting of a run, the inverse of
    :func:`run_settings`.

    Every key of :data:`RUN_KEYS` is in the result: hyperparameters of other rules
    and schedules, and the batch size of a full-batch run, take their defaults, so
    writing it into the session leaves nothing of an earlier run behind.

    Raises
    ------
    ValueError
        When the weights start at different values (the sidebar starts them all at one).
    """
    start = set(np.atleast_1d(settings.init_coef).tolist())
    if len(start) != 1:
        raise ValueError(f"the sidebar starts every weight at one value; got {settings.init_coef}")
    batch_mode = {None: "full", 1: "stochastic"}.get(settings.batch_size, "mini")
    schedule_keys = {name: key for key, name in SCHEDULE_KEYS[settings.schedule].items()}
    state = {key: DEFAULTS[key] for key in RUN_KEYS}
    state.update(
        {
            "optimizer": settings.optimizer,
            **{
                k: v
                for k, v in settings.optimizer_params
                if k in OPTIMIZER_KEYS[settings.optimizer]
            },
            "learning_rate": settings.learning_rate,
            "epochs": settings.epochs,
            "batch_mode": batch_mode,
            "fit_intercept": settings.fit_intercept,
            "standardize": settings.standardize,
            "l2": settings.l2,
            "tol": settings.tol or 0.0,
            "tol_on": settings.tol_on,
            "seed": settings.seed,
            "loss": settings.loss,
            "shuffle": settings.shuffle,
            "schedule": settings.schedule,
            **{schedule_keys[k]: v for k, v in settings.schedule_params if k in schedule_keys},
            "init_weight": float(start.pop()),
            "init_bias": float(settings.init_intercept),
        }
    )
    if batch_mode == "mini":
        state["batch_size"] = settings.batch_size
    return state


def used_keys(settings: Settings) -> tuple[str, ...]:
    """The sidebar's settings a run with ``settings`` reads: its rule's and schedule's
    parameters, and the batch size and shuffling only when it takes batches."""
    batch_mode = state_of(settings)["batch_mode"]
    unused = {k for keys in OPTIMIZER_KEYS.values() for k in keys}
    unused |= {k for keys in SCHEDULE_KEYS.values() for k in keys}
    unused -= {*OPTIMIZER_KEYS[settings.optimizer], *SCHEDULE_KEYS[settings.schedule]}
    if batch_mode != "mini":
        unused.add("batch_size")
    if batch_mode == "full":
        unused |= {"shuffle", "seed"}
    return tuple(key for key in RUN_KEYS if key not in unused)
