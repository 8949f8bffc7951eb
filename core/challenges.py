r"""Challenges: data, starting settings and a goal the engine checks on a run.

A :class:`Challenge` names its data (a preset or a bundled dataset), the run it
starts from (a :class:`core.settings.Settings`), the settings the learner must
leave as they are, and one goal, a small typed record:

=============  ================================================================
goal           solved when
=============  ================================================================
:class:`Arrive`    the loss arrives within ``within`` of :math:`L^*` and stays, by epoch ``by``
:class:`FastRate`  it arrives and stays at a rate of at least ``share`` of the rule's limit
:class:`Beat`      it arrives and stays sooner than a rival run on the same data
:class:`Shrink`    it arrives and stays with :math:`\lVert w \rVert_2` at most ``norm``
=============  ================================================================

"Arrives and stays" is :func:`core.analysis.epochs_to_stay`: the band is
:math:`L^*(1 + \text{within})` around the closed form's loss (:mod:`core.ols`),
and the limit of a rule is :func:`core.verdict.rule_limit`. :func:`check` reads a
finished :class:`core.Run` and says, with the numbers, whether it solved the
challenge or how far off it is.

A challenge travels in a link as text (:func:`to_link`, :func:`from_link`):
JSON in URL-safe base64 with a checksum. The checksum catches a link that was
cut short or changed by accident; it is not a signature, and anyone can make a
link that passes it, as anyone may make a challenge. What protects the server is
that every field is read back through the same range checks as a setting typed
by hand, so any link that opens at all opens safely.

:data:`CHALLENGES` holds the built-in set, in the order of the guided path.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from core.analysis import epochs_to_stay
from core.data import BUNDLED, PRESETS, bundled, preset
from core.descent import Run
from core.settings import FIELDS, MAX_EPOCHS, Settings
from core.stability import Spectrum
from core.validation import choice, integer_in, positive_real
from core.verdict import RULE_NAMES, rule_limit

#: The loosest band a goal may ask for: ten times the optimum's loss above it.
MAX_WITHIN = 10.0
#: The tightest: below it the gap is round-off, not descent.
MIN_WITHIN = 1e-9
#: The longest title and text a link may carry, in characters.
MAX_TITLE = 80
MAX_TEXT = 600
#: The longest link text read at all, and the most JSON its body may inflate to.
MAX_LINK = 6000
MAX_JSON = 64 * 1024
#: The link's version prefix, and the checksum's length in hex digits (40 bits).
VERSION = "c1"
CHECK_DIGITS = 10

#: How sentences name the settings a challenge keeps as they are.
KEPT_NAMES: dict[str, str] = {
    "optimizer": "the update rule",
    "optimizer_params": "the rule's parameters",
    "learning_rate": "the learning rate",
    "epochs": "the epochs",
    "batch_size": "the batch size",
    "fit_intercept": "fitting the intercept",
    "standardize": "standardizing",
    "l2": "the L2 strength",
    "tol": "the tolerance",
    "tol_on": "what the tolerance watches",
    "seed": "the shuffle seed",
    "loss": "the loss convention",
    "shuffle": "reshuffling",
    "schedule": "the schedule",
    "schedule_params": "the schedule's parameters",
    "init_coef": "the starting weights",
    "init_intercept": "the starting bias",
}


class LinkError(ValueError):
    """A challenge link that cannot be opened, with a sentence saying why."""


def _within(value) -> float:
    value = positive_real("within", value)
    if not MIN_WITHIN <= value <= MAX_WITHIN:
        raise ValueError(
            f"within must be between {MIN_WITHIN:g} and {MAX_WITHIN:g}; got {value!r}."
        )
    return value


def _percent(share: float) -> str:
    return f"{100 * share:.3g} %"


def gap_percent(gap: float) -> str:
    """A relative gap above :math:`L^*` as a short percentage ("diverged" for ``inf``)."""
    if not math.isfinite(gap):
        return "diverged"
    if gap < 1e-6:
        return "< 0.0001 %"
    return f"{100 * gap:,.0f} %" if gap >= 10 else f"{100 * gap:.3g} %"


def gap_text(gap: float) -> str:
    """How far a loss is above :math:`L^*`, given its relative gap (``inf``: diverged)."""
    if not math.isfinite(gap):
        return "diverged"
    if gap >= 1:
        return f"{1 + gap:.3g} times L*"
    if gap < 1e-6:
        return "less than 0.0001 % above L*"
    return f"{_percent(gap)} above L*"


def _band(within: float) -> str:
    return f"within {_percent(within)} of the optimum's loss L*"


@dataclass(frozen=True)
class Seen:
    """What a goal is checked on: the run, its optimum and the space it descends in.

    Attributes
    ----------
    run : Run
        The learner's run.
    optimum_loss : float
        :math:`L^*`, the closed form's loss on the same rows, loss and L2.
    spectrum : Spectrum
        Curvatures of the space the run descends in (standardized or raw).
    rival : Run or None
        The rival's run, for :class:`Beat`.
    """

    run: Run
    optimum_loss: float
    spectrum: Spectrum
    rival: Run | None = None

    def arrived(self, within: float, run: Run | None = None) -> int | None:
        """The epoch from which ``run`` (the learner's) stays within the band, or None."""
        return epochs_to_stay((run or self.run).history.loss, self.optimum_loss, within)

    def gap(self) -> float:
        """The final loss's relative gap :math:`(L - L^*)/L^*` (``inf`` once diverged)."""
        final = float(self.run.history.loss[-1])
        if self.run.diverged or not math.isfinite(final):
            return math.inf
        gap = final - self.optimum_loss
        # Below L* only by round-off: a gap is never negative.
        return max(0.0, gap / self.optimum_loss if self.optimum_loss > 0 else gap)


@dataclass(frozen=True)
class Outcome:
    """A goal checked on a run.

    Attributes
    ----------
    solved : bool
    sentence : str
        Plain text: what the run did against the goal, with its numbers.
    epochs : int or None
        The epoch from which the run stays in the goal's band; None if it does not.
    gap : float
        The final loss's relative gap above :math:`L^*` (``inf`` for a diverged run).
    rate : float
        The run's starting learning rate.
    """

    solved: bool
    sentence: str
    epochs: int | None
    gap: float
    rate: float


def _outcome(seen: Seen, solved: bool, sentence: str, within: float) -> Outcome:
    return Outcome(
        solved, sentence, seen.arrived(within), seen.gap(), seen.run.settings.learning_rate
    )


def _not_there(seen: Seen, within: float) -> str:
    """Why the run is not in the band at its end: diverged, or how far above it ends."""
    if seen.run.diverged or not math.isfinite(seen.gap()):
        return f"the run diverged at epoch {seen.run.diverged_at or seen.run.epochs_run:,}"
    ends = seen.run.epochs_run
    gap = seen.gap()
    if gap <= within:
        return (
            f"it ends within the band but left it at least once after epoch "
            f"{_last_outside(seen, within):,}"
        )
    return f"after {ends:,} epochs the loss is still {gap_text(gap)} (the band: {_percent(within)})"


def _last_outside(seen: Seen, within: float) -> int:
    loss = np.asarray(seen.run.history.loss)
    level = seen.optimum_loss * (1 + within)
    outside = np.flatnonzero(~(np.isfinite(loss) & (loss <= level)))
    return int(outside[-1]) if outside.size else 0


@dataclass(frozen=True)
class Arrive:
    """Arrive within ``within`` of :math:`L^*` and stay there, by epoch ``by``."""

    within: float = 0.01
    by: int = 300
    kind: ClassVar[str] = "arrive"

    def __post_init__(self) -> None:
        object.__setattr__(self, "within", _within(self.within))
        object.__setattr__(self, "by", integer_in("by", self.by, 0, MAX_EPOCHS))

    def describe(self) -> str:
        """The goal as one sentence."""
        return f"Arrive {_band(self.within)} and stay there, by epoch {self.by:,}."

    def check(self, seen: Seen) -> Outcome:
        """Solved when the run stays in the band from epoch ``by`` or earlier."""
        epoch = seen.arrived(self.within)
        if epoch is None:
            return _outcome(seen, False, f"Not yet: {_not_there(seen, self.within)}.", self.within)
        if epoch > self.by:
            return _outcome(
                seen,
                False,
                f"Close: the run arrives at epoch {epoch:,}, {epoch - self.by:,} epochs later "
                f"than the goal's {self.by:,}.",
                self.within,
            )
        return _outcome(
            seen, True, f"Solved: the run arrives at epoch {epoch:,} and stays.", self.within
        )


@dataclass(frozen=True)
class FastRate:
    """Arrive and stay at a rate of at least ``share`` of the rule's stable limit."""

    share: float = 0.9
    within: float = 0.01
    kind: ClassVar[str] = "rate"

    def __post_init__(self) -> None:
        share = positive_real("share", self.share)
        if share > 1:
            raise ValueError(f"share must be at most 1 (the limit itself); got {share!r}.")
        object.__setattr__(self, "share", share)
        object.__setattr__(self, "within", _within(self.within))

    def describe(self) -> str:
        """The goal as one sentence."""
        return (
            f"Find a rate of at least {_percent(self.share)} of the stable limit at which the run "
            f"still converges: arriving {_band(self.within)} and staying."
        )

    def check(self, seen: Seen) -> Outcome:
        """Solved when the run stays in the band at a rate of at least ``share`` of the limit."""
        settings = seen.run.settings
        limit = rule_limit(seen.spectrum, settings.optimizer, settings.optimizer_params)
        if limit.rate is None or not math.isfinite(limit.rate):
            return _outcome(
                seen,
                False,
                f"{RULE_NAMES[settings.optimizer]} has no closed-form limit: choose a rule "
                "that has one (gradient descent, momentum or Nesterov).",
                self.within,
            )
        rate, share = settings.learning_rate, settings.learning_rate / limit.rate
        where = (
            f"η = {rate:.4g} is {_percent(share)} of the limit {limit.formula} = {limit.rate:.4g}"
        )
        epoch = seen.arrived(self.within)
        if epoch is None:
            return _outcome(
                seen, False, f"Not yet: {where}, and {_not_there(seen, self.within)}.", self.within
            )
        if share < self.share:
            return _outcome(
                seen,
                False,
                f"Converges, but {where}: the goal is {_percent(self.share)}. Go higher.",
                self.within,
            )
        return _outcome(
            seen, True, f"Solved: {where}, and the run arrives at epoch {epoch:,}.", self.within
        )


@dataclass(frozen=True)
class Beat:
    """Arrive and stay sooner than the ``rival`` run does on the same data."""

    rival: Settings
    within: float = 0.01
    kind: ClassVar[str] = "beat"

    def __post_init__(self) -> None:
        if not isinstance(self.rival, Settings):
            raise ValueError(f"rival must be the settings of a run; got {self.rival!r}.")
        object.__setattr__(self, "within", _within(self.within))

    def describe(self) -> str:
        """The goal as one sentence."""
        return (
            f"Arrive {_band(self.within)} and stay, sooner than the rival: "
            f"{_settings_words(self.rival)}."
        )

    def rival_for(self, settings: Settings) -> Settings:
        """The rival on the same problem as a run with ``settings``: its loss, L2 and intercept.

        Both runs are then measured against one optimum.
        """
        return self.rival.replace(
            loss=settings.loss, l2=settings.l2, fit_intercept=settings.fit_intercept
        )

    def check(self, seen: Seen) -> Outcome:
        """Solved when the run stays in the band from an earlier epoch than the rival's.

        A rival that never arrives within its own epochs is beaten by any run that
        arrives within those epochs.
        """
        if seen.rival is None:
            raise ValueError("a Beat goal is checked with the rival's run")
        mine, theirs = seen.arrived(self.within), seen.arrived(self.within, seen.rival)
        budget = self.rival.epochs
        rival_words = (
            f"the rival arrives at epoch {theirs:,}"
            if theirs is not None
            else f"the rival does not arrive in its {budget:,} epochs"
        )
        if mine is None:
            return _outcome(
                seen,
                False,
                f"Not yet: {_not_there(seen, self.within)}; {rival_words}.",
                self.within,
            )
        deadline = budget if theirs is None else theirs - 1
        if mine > deadline:
            return _outcome(
                seen,
                False,
                f"Not yet: the run arrives at epoch {mine:,}, and {rival_words}.",
                self.within,
            )
        return _outcome(
            seen, True, f"Solved: the run arrives at epoch {mine:,}; {rival_words}.", self.within
        )


@dataclass(frozen=True)
class Shrink:
    r"""Arrive and stay with the weights' length :math:`\lVert w \rVert_2` at most ``norm``."""

    norm: float
    within: float = 0.01
    kind: ClassVar[str] = "shrink"

    def __post_init__(self) -> None:
        norm = positive_real("norm", self.norm, allow_zero=True)
        if norm > 1e12:
            raise ValueError(f"norm must be at most 1e12; got {norm!r}.")
        object.__setattr__(self, "norm", norm)
        object.__setattr__(self, "within", _within(self.within))

    def describe(self) -> str:
        """The goal as one sentence."""
        return (
            f"End with weights of length ‖w‖ at most {self.norm:.4g}, the run arriving "
            f"{_band(self.within)} of its own loss and staying."
        )

    def check(self, seen: Seen) -> Outcome:
        """Solved when the run stays in the band and its final weights are short enough."""
        length = float(np.linalg.norm(seen.run.coef))
        epoch = seen.arrived(self.within)
        if epoch is None:
            return _outcome(seen, False, f"Not yet: {_not_there(seen, self.within)}.", self.within)
        if length > self.norm:
            return _outcome(
                seen,
                False,
                f"Arrives at epoch {epoch:,}, but ‖w‖ = {length:.4g}, above {self.norm:.4g}.",
                self.within,
            )
        return _outcome(
            seen,
            True,
            f"Solved: ‖w‖ = {length:.4g} and the run arrives at epoch {epoch:,}.",
            self.within,
        )


Goal = Arrive | FastRate | Beat | Shrink
#: Goal kind -> its record.
GOALS: dict[str, type] = {goal.kind: goal for goal in (Arrive, FastRate, Beat, Shrink)}


def _settings_words(settings: Settings) -> str:
    """A run's rule, rate, loss, scaling and budget in a few words."""
    params = ", ".join(f"{k} = {v:g}" for k, v in settings.optimizer_params)
    rule = RULE_NAMES[settings.optimizer] + (f" ({params})" if params else "")
    words = [rule, f"η = {settings.learning_rate:g}", f"{settings.epochs:,} epochs"]
    if settings.batch_size is not None:
        words.append(f"batches of {settings.batch_size}")
    if settings.standardize:
        words.append("standardized")
    if settings.schedule != "constant":
        words.append(f"{settings.schedule} schedule")
    return ", ".join(words)


@dataclass(frozen=True)
class DataRef:
    """The data a challenge runs on: a preset or a bundled dataset, and its columns.

    Attributes
    ----------
    source : {"preset", "bundled"}
    name : str
        The preset's or dataset's key.
    target : str or None
        The column fitted; None for the data's own.
    features : tuple of str or None
        The columns it is fitted from; None for the data's own.
    """

    source: str
    name: str
    target: str | None = None
    features: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        choice("source", self.source, ("preset", "bundled"))
        known = PRESETS if self.source == "preset" else BUNDLED
        choice("name", self.name, tuple(known))
        if self.features is not None:
            object.__setattr__(self, "features", tuple(map(str, self.features)))

    def shape(self) -> tuple[int, int]:
        """Rows and features of the data, checking that the named columns are in it.

        Raises
        ------
        ValueError
            When a named column is not one of the data's numeric columns.
        """
        dataset = preset(self.name) if self.source == "preset" else bundled(self.name)
        columns = dataset.table.columns
        target = self.target or dataset.target
        features = self.features or tuple(dataset.features)
        for column in (target, *features):
            if column not in columns:
                raise ValueError(f"{column!r} is not a numeric column of {dataset.name}.")
        if target in features or not features:
            raise ValueError("the features must be other columns than the target, at least one.")
        return dataset.table.n_rows, len(features)


@dataclass(frozen=True)
class Challenge:
    """One challenge: data, the run it starts from, what to keep, and the goal.

    Attributes
    ----------
    key : str
        Stable identifier of a built-in challenge (in links and progress); "" for one
        made by a teacher.
    title : str
    idea : str
        The idea of the course it practises ("" for a teacher's).
    text : str
        Two or three sentences: the situation and what to try.
    data : DataRef
    start : Settings
        The run it opens with.
    goal : Arrive, FastRate, Beat or Shrink
    keep : tuple of str
        Fields of :class:`~core.settings.Settings` the learner must leave at ``start``'s.
    """

    key: str
    title: str
    idea: str
    text: str
    data: DataRef
    start: Settings
    goal: Goal
    keep: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in self.keep:
            choice("keep", name, FIELDS)
        if not isinstance(self.goal, tuple(GOALS.values())):
            raise ValueError(f"goal must be one of {', '.join(GOALS)}; got {self.goal!r}.")

    def changed(self, settings: Settings) -> list[str]:
        """The kept settings that ``settings`` (checked, as a run's) changed, in words."""
        n_features = len(settings.init_coef) if isinstance(settings.init_coef, tuple) else 1
        # Checked as the run's were, every default filled in; any number of rows that
        # holds both batch sizes checks them alike.
        rows = max(settings.batch_size or 1, self.start.batch_size or 1)
        start = self.start.checked(rows, n_features)
        return [
            KEPT_NAMES[name]
            for name in self.keep
            if getattr(settings, name) != getattr(start, name)
        ]

    def describe_keep(self) -> str:
        """The settings kept as they start, as a sentence ("" when none)."""
        if not self.keep:
            return ""
        values = [f"{KEPT_NAMES[name]} ({_value_words(self.start, name)})" for name in self.keep]
        return "Keep " + ", ".join(values) + " as it starts."


def _value_words(settings: Settings, name: str) -> str:
    value = getattr(settings, name)
    if name == "optimizer":
        return RULE_NAMES[value]
    if isinstance(value, bool):
        return "on" if value else "off"
    if value is None:
        return "full batch" if name == "batch_size" else "none"
    if isinstance(value, tuple):
        return ", ".join(f"{k} = {v:g}" for k, v in value) or "defaults"
    return f"{value:g}" if isinstance(value, float) else str(value)


def check(challenge: Challenge, seen: Seen) -> Outcome:
    """Check ``challenge``'s goal on the run in ``seen``, and that the kept settings are kept.

    Returns
    -------
    Outcome
        Not solved, saying what to set back, when a kept setting was changed.
    """
    outcome = challenge.goal.check(seen)
    changed = challenge.changed(seen.run.settings)
    if not changed:
        return outcome
    sentence = (
        f"{outcome.sentence.replace('Solved: ', 'That would solve it: ', 1)} But this "
        f"challenge keeps {', '.join(changed)} as it starts: set "
        f"{'it' if len(changed) == 1 else 'them'} back."
    )
    return dataclasses.replace(outcome, solved=False, sentence=sentence)


def goal_to_dict(goal: Goal) -> dict[str, Any]:
    """A goal as plain JSON values, its kind included (a rival as its settings' record)."""
    values = {f.name: getattr(goal, f.name) for f in dataclasses.fields(goal)}
    if isinstance(goal, Beat):
        values["rival"] = settings_dict(goal.rival)
    return {"kind": goal.kind, **values}


def settings_dict(settings: Settings) -> dict[str, Any]:
    """The fields of ``settings`` that differ from :class:`~core.settings.Settings`' defaults.

    :meth:`Settings.from_dict <core.settings.Settings.from_dict>` reads it back whole.
    """
    default = Settings().to_dict()
    return {name: value for name, value in settings.to_dict().items() if value != default[name]}


def goal_from_dict(values: Mapping[str, Any]) -> Goal:
    """The goal :func:`goal_to_dict` wrote; ValueError or TypeError for anything else."""
    values = dict(values)
    kind = choice("kind", values.pop("kind", None), tuple(GOALS))
    if kind == "beat":
        values["rival"] = Settings.from_dict(_mapping("rival", values.get("rival")))
    return GOALS[kind](**values)


def to_dict(challenge: Challenge) -> dict[str, Any]:
    """A challenge as plain JSON values."""
    data = dataclasses.asdict(challenge.data)
    return {
        "key": challenge.key,
        "title": challenge.title,
        "idea": challenge.idea,
        "text": challenge.text,
        "data": {k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items()},
        "start": settings_dict(challenge.start),
        "goal": goal_to_dict(challenge.goal),
        "keep": list(challenge.keep),
    }


def _mapping(name: str, value) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"{name} must be a record of named values; got {type(value).__name__}.")
    return value


def _text(name: str, value, most: int) -> str:
    if not isinstance(value, str) or len(value) > most:
        raise ValueError(f"{name} must be text of at most {most} characters.")
    return " ".join(value.split())


def from_dict(values: Mapping[str, Any]) -> Challenge:
    """The challenge :func:`to_dict` wrote, every field checked as a typed setting is.

    The settings (the start's and a rival's) are checked against the data they run
    on (:meth:`core.settings.Settings.checked`), so a challenge that is read back
    runs as any settings typed by hand would.

    Raises
    ------
    ValueError, TypeError
        Naming the field that is out of range or of the wrong kind.
    """
    values = _mapping("challenge", values)
    expected = {"key", "title", "idea", "text", "data", "start", "goal", "keep"}
    if set(values) != expected:
        raise ValueError(f"a challenge has the fields {sorted(expected)}; got {sorted(values)}.")
    data = DataRef(**_mapping("data", values["data"]))
    start = Settings.from_dict(_mapping("start", values["start"]))
    goal = goal_from_dict(_mapping("goal", values["goal"]))
    n_rows, n_features = data.shape()
    start.checked(n_rows, n_features)
    if isinstance(goal, Beat):
        goal.rival.checked(n_rows, n_features)
    keep = values["keep"]
    if not isinstance(keep, list) or not all(isinstance(name, str) for name in keep):
        raise ValueError("keep must be a list of setting names.")
    return Challenge(
        key=_text("key", values["key"], MAX_TITLE),
        title=_text("title", values["title"], MAX_TITLE),
        idea=_text("idea", values["idea"], MAX_TITLE),
        text=_text("text", values["text"], MAX_TEXT),
        data=data,
        start=start,
        goal=goal,
        keep=tuple(dict.fromkeys(keep)),
    )


def _checksum(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()[:CHECK_DIGITS]


def to_link(challenge: Challenge) -> str:
    """The challenge as link text: ``c1.<its JSON, deflated, in base64>.<checksum>``.

    URL-safe as it stands (letters, digits, ``-``, ``_`` and dots). The checksum is
    taken over the JSON itself.
    """
    payload = json.dumps(to_dict(challenge), separators=(",", ":"), sort_keys=True).encode()
    body = base64.urlsafe_b64encode(zlib.compress(payload, 9)).decode().rstrip("=")
    return f"{VERSION}.{body}.{_checksum(payload)}"


def _payload(body: str) -> bytes:
    """The JSON a link's body holds, at most :data:`MAX_JSON` bytes; b"" when it holds none."""
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflate = zlib.decompressobj()
        payload = inflate.decompress(packed, MAX_JSON)
    except (binascii.Error, ValueError, zlib.error):
        return b""
    return payload if inflate.eof and not inflate.unconsumed_tail else b""


def from_link(text: str) -> Challenge:
    """The challenge in link text made by :func:`to_link`.

    Raises
    ------
    LinkError
        Saying why it cannot be opened: not a challenge link, changed or cut short
        (the checksum differs), or a field out of range.
    """
    text = str(text).strip()
    if len(text) > MAX_LINK:
        raise LinkError(f"This challenge link is longer than {MAX_LINK:,} characters.")
    if not text.startswith(f"{VERSION}."):
        raise LinkError("This is not a challenge link Downhill made (its text is not c1.….…).")
    parts = text.split(".")
    payload = _payload(parts[1]) if len(parts) == 3 else b""
    if not payload or _checksum(payload) != parts[-1]:
        raise LinkError(
            "This challenge link was changed or cut short since it was made (its checksum "
            "does not match): ask for the link again, and copy it whole."
        )
    try:
        return from_dict(json.loads(payload))
    except (ValueError, TypeError, KeyError, RecursionError) as error:
        raise LinkError(f"This challenge link cannot be opened: {error}") from None


def _built_in(key, title, idea, text, data, start, goal, keep=()) -> Challenge:
    source, _, name = data.partition(":")
    return Challenge(key, title, idea, text, DataRef(source, name), start, goal, tuple(keep))


#: The built-in challenges, in the order of the guided path.
CHALLENGES: dict[str, Challenge] = {
    challenge.key: challenge
    for challenge in (
        _built_in(
            "tame_divergence",
            "Tame a diverging run",
            "Rate and divergence",
            "At η = 1.5 every step overshoots the bottom of the bowl by more than it "
            "started, and the loss explodes. Find a rate that lands in the bowl within "
            "50 epochs.",
            "preset:clear_bowl",
            Settings(learning_rate=1.5, epochs=300),
            Arrive(within=0.01, by=50),
        ),
        _built_in(
            "too_timid",
            "Too timid",
            "Rate and divergence",
            "A rate of 0.001 is safe, and useless: after 300 epochs the loss is still far "
            "above the optimum. Keep plain gradient descent and arrive within 60 epochs.",
            "preset:three_features",
            Settings(learning_rate=0.001, epochs=300),
            Arrive(within=0.01, by=60),
            keep=("optimizer",),
        ),
        _built_in(
            "edge_of_stability",
            "The edge of stability",
            "Rate and divergence",
            "Seattle's temperatures diverge at η = 0.011. The badge in the sidebar gives the "
            "largest stable rate, 2/λmax: find a rate of at least 90 % of it that still "
            "converges.",
            "preset:tutorial_temperatures",
            Settings(learning_rate=0.011, epochs=3000),
            FastRate(share=0.9, within=0.01),
            keep=("optimizer", "standardize"),
        ),
        _built_in(
            "read_the_surface",
            "Start at the bottom",
            "Reading the surface",
            "At η = 1e-6 the run hardly moves, so wherever it starts is where it ends. Read "
            "the bottom of the bowl off the surface or the map, and start there: the initial "
            "weight and bias are under “Start and stop”.",
            "preset:clear_bowl",
            Settings(learning_rate=1e-6, epochs=300),
            Arrive(within=0.1, by=0),
            keep=("optimizer", "learning_rate", "epochs", "schedule"),
        ),
        _built_in(
            "half_mse",
            "Same rate, half the loss",
            "The ½·MSE convention",
            "η = 0.1 diverges on these five points with the loss MSE = (1/n)·Σ errors². Many "
            "courses descend on half of it: without changing the rate, make the run converge "
            "within 1,000 epochs.",
            "preset:tutorial_5_points",
            Settings(learning_rate=0.1, epochs=1000),
            Arrive(within=0.01, by=1000),
            keep=("optimizer", "learning_rate", "standardize", "schedule", "batch_size"),
        ),
        _built_in(
            "standardize",
            "Fix it without touching the rate",
            "Conditioning and standardization",
            "x runs from 0 to 100 while the intercept's column is all ones: the bowl is a "
            "thin trench, and η = 0.1 is far past its limit. Keep the rate and make the run "
            "arrive within 100 epochs.",
            "preset:badly_scaled",
            Settings(learning_rate=0.1, epochs=300),
            Arrive(within=0.01, by=100),
            keep=("learning_rate",),
        ),
        _built_in(
            "momentum_overshoot",
            "Too much momentum",
            "Momentum",
            "With β = 0.99 the ball keeps 99 % of its speed and swings through the bowl for "
            "hundreds of epochs. Keep the rate and find a β that settles within 100 epochs.",
            "preset:clear_bowl",
            Settings(optimizer="momentum", optimizer_params={"beta": 0.99}, learning_rate=0.1),
            Arrive(within=0.01, by=100),
            keep=("optimizer", "learning_rate"),
        ),
        _built_in(
            "momentum_valley",
            "Through the valley",
            "Momentum",
            "Correlated features make a long, narrow valley that plain descent crawls along. "
            "Momentum with β = 0 is plain descent: keep the rate and find a β that arrives "
            "within 0.1 % of L* sooner than plain descent does.",
            "preset:correlated",
            Settings(optimizer="momentum", optimizer_params={"beta": 0.0}, learning_rate=0.3),
            Beat(rival=Settings(learning_rate=0.3, epochs=300), within=0.001),
            keep=("optimizer", "learning_rate", "epochs", "standardize"),
        ),
        _built_in(
            "adam_rate",
            "Adam's steps are the rate",
            "Adam and AdaGrad",
            "Adam divides each step by the gradient's own size, so a step is about η long "
            "wherever the run is: at η = 0.001 it needs thousands of epochs to cross the bowl. "
            "Keep Adam and arrive within 100 epochs.",
            "preset:clear_bowl",
            Settings(optimizer="adam", learning_rate=0.001, epochs=300),
            Arrive(within=0.01, by=100),
            keep=("optimizer",),
        ),
        _built_in(
            "adam_scaling",
            "Adam on a badly scaled bowl",
            "Adam and AdaGrad",
            "On raw features plain descent must stay below 2/λmax ≈ 3e-4 and crawls. Adam "
            "scales each direction by its own gradient: without standardizing, make Adam "
            "arrive before plain descent at its best safe rate does.",
            "preset:badly_scaled",
            Settings(optimizer="adam", learning_rate=1e-4, epochs=300),
            Beat(rival=Settings(learning_rate=1.5e-4, epochs=300), within=0.01),
            keep=("optimizer", "standardize", "epochs"),
        ),
        _built_in(
            "adagrad",
            "AdaGrad runs out of steam",
            "Adam and AdaGrad",
            "AdaGrad divides each step by the square root of every squared gradient so far, "
            "so its steps only shrink: at η = 0.01 it stalls far from the bottom. Keep AdaGrad "
            "and arrive within 100 epochs.",
            "preset:clear_bowl",
            Settings(optimizer="adagrad", learning_rate=0.01, epochs=300),
            Arrive(within=0.01, by=100),
            keep=("optimizer",),
        ),
        _built_in(
            "mini_batch",
            "Noise of small batches",
            "Mini-batch noise",
            "Batches of 8 rows give each step a noisy gradient, and at η = 0.5 the run jitters "
            "around the bottom without settling. Keep the batch size and get within 1 % of L* "
            "to stay, within 300 epochs.",
            "preset:clear_bowl",
            Settings(learning_rate=0.5, epochs=300, batch_size=8),
            Arrive(within=0.01, by=300),
            keep=("batch_size", "optimizer", "epochs"),
        ),
        _built_in(
            "schedule",
            "Quiet the noise with a schedule",
            "Schedules",
            "One row at a time at η = 0.1 the run never stops jittering: 0.2 % of L* is out of "
            "reach at a constant rate. Keep the starting rate and the batch, and let a "
            "schedule lower the rate as the run goes.",
            "preset:clear_bowl",
            Settings(learning_rate=0.1, epochs=300, batch_size=1),
            Arrive(within=0.002, by=300),
            keep=("learning_rate", "batch_size", "optimizer", "epochs"),
        ),
        _built_in(
            "ridge",
            "Shrink the weights",
            "L2 regularization",
            "Least squares puts ‖w‖ ≈ 6.2 on these three features. An L2 penalty λ₂‖w‖² "
            "pulls the weights toward zero: find a strength that ends with ‖w‖ at most 5, "
            "the run still arriving at its own optimum.",
            "preset:three_features",
            Settings(learning_rate=0.5, epochs=300, standardize=True),
            Shrink(norm=5.0, within=0.01),
        ),
    )
}
