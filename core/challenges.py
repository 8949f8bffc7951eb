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
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from core import words
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


class _Banded:
    """What every goal shares: it is met by a run that arrives in its band and stays.

    A goal says what else it asks of a run that arrives (:meth:`_judge`), and may say more
    than :func:`_not_there` about a run that does not (:meth:`_not_yet`).
    """

    within: float

    def check(self, seen: Seen) -> Outcome:
        """The goal checked on the run ``seen``: not there yet, there but short, or solved."""
        epoch = seen.arrived(self.within)
        if epoch is None:
            solved, sentence = False, f"Not yet: {self._not_yet(seen)}."
        else:
            solved, sentence = self._judge(seen, epoch)
        return Outcome(solved, sentence, epoch, seen.gap(), seen.run.settings.learning_rate)

    def _not_yet(self, seen: Seen) -> str:
        return _not_there(seen, self.within)

    def _judge(self, seen: Seen, epoch: int) -> tuple[bool, str]:
        raise NotImplementedError


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
class Arrive(_Banded):
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

    def _judge(self, seen: Seen, epoch: int) -> tuple[bool, str]:
        if epoch > self.by:
            return False, (
                f"Late: the run arrives at epoch {epoch:,}, {epoch - self.by:,} epochs after "
                f"the goal's {self.by:,}."
            )
        return True, f"Solved: the run arrives at epoch {epoch:,} and stays."


@dataclass(frozen=True)
class FastRate(_Banded):
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
        """The goal checked on the run ``seen``; a rule with no closed-form limit cannot meet it."""
        settings, limit = seen.run.settings, self._limit(seen).rate
        if limit is None or not math.isfinite(limit):
            return Outcome(
                False,
                f"{RULE_NAMES[settings.optimizer]} has no closed-form limit: choose a rule "
                "that has one (gradient descent, momentum or Nesterov).",
                seen.arrived(self.within),
                seen.gap(),
                settings.learning_rate,
            )
        return super().check(seen)

    @staticmethod
    def _limit(seen: Seen):
        settings = seen.run.settings
        return rule_limit(seen.spectrum, settings.optimizer, settings.optimizer_params)

    def _where(self, seen: Seen) -> tuple[float, str]:
        """The rate's share of the limit, and a clause that says it."""
        limit, rate = self._limit(seen), seen.run.settings.learning_rate
        share = rate / limit.rate
        return share, (
            f"η = {rate:.4g} is {_percent(share)} of the limit {limit.formula} = {limit.rate:.4g}"
        )

    def _not_yet(self, seen: Seen) -> str:
        return f"{self._where(seen)[1]}, and {_not_there(seen, self.within)}"

    def _judge(self, seen: Seen, epoch: int) -> tuple[bool, str]:
        share, where = self._where(seen)
        if share < self.share:
            return False, f"Converges, but {where}: the goal is {_percent(self.share)}. Go higher."
        return True, f"Solved: {where}, and the run arrives at epoch {epoch:,}."


@dataclass(frozen=True)
class Beat(_Banded):
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
        """The goal checked on the run ``seen`` and the rival's run beside it.

        A rival that never arrives within its own epochs is beaten by any run that
        arrives within those epochs.
        """
        if seen.rival is None:
            raise ValueError("a Beat goal is checked with the rival's run")
        return super().check(seen)

    def _rival_words(self, seen: Seen) -> str:
        theirs = seen.arrived(self.within, seen.rival)
        if theirs is None:
            return f"the rival does not arrive in its {words.epochs(self.rival.epochs)}"
        return f"the rival arrives at epoch {theirs:,}"

    def _not_yet(self, seen: Seen) -> str:
        return f"{_not_there(seen, self.within)}; {self._rival_words(seen)}"

    def _judge(self, seen: Seen, epoch: int) -> tuple[bool, str]:
        theirs = seen.arrived(self.within, seen.rival)
        deadline = self.rival.epochs if theirs is None else theirs - 1
        if epoch == theirs:
            return False, f"A tie: the run and the rival both arrive at epoch {epoch:,}."
        if epoch > deadline:
            return (
                False,
                f"Not yet: the run arrives at epoch {epoch:,}, and {self._rival_words(seen)}.",
            )
        return True, f"Solved: the run arrives at epoch {epoch:,}; {self._rival_words(seen)}."


@dataclass(frozen=True)
class Shrink(_Banded):
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
            f"{_band(self.within)} (with its own L2) and staying."
        )

    def _judge(self, seen: Seen, epoch: int) -> tuple[bool, str]:
        length = float(np.linalg.norm(seen.run.coef))
        if length > self.norm:
            return False, (
                f"Arrives at epoch {epoch:,}, but ‖w‖ = {length:.4g}, above {self.norm:.4g}."
            )
        return True, f"Solved: ‖w‖ = {length:.4g} and the run arrives at epoch {epoch:,}."


Goal = Arrive | FastRate | Beat | Shrink
#: Goal kind -> its record.
GOALS: dict[str, type] = {goal.kind: goal for goal in (Arrive, FastRate, Beat, Shrink)}


def _settings_words(settings: Settings) -> str:
    """A run's rule, rate, loss, scaling and budget in a few words."""
    params = ", ".join(f"{k} = {v:g}" for k, v in settings.optimizer_params)
    rule = RULE_NAMES[settings.optimizer] + (f" ({params})" if params else "")
    parts = [rule, f"η = {settings.learning_rate:g}", words.epochs(settings.epochs)]
    if settings.batch_size is not None:
        parts.append(f"batches of {settings.batch_size}")
    if settings.standardize:
        parts.append("standardized")
    if settings.schedule != "constant":
        parts.append(f"{settings.schedule} schedule")
    return ", ".join(parts)


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


def from_dict(values: Mapping[str, Any], *, against_data: bool = True) -> Challenge:
    """The challenge :func:`to_dict` wrote, every field checked as a typed setting is.

    The settings (the start's and a rival's) are checked against the data they run
    on (:meth:`core.settings.Settings.checked`), so a challenge that is read back
    runs as any settings typed by hand would. ``against_data=False`` leaves that check
    out, for the built-in set read as the app starts (opening every data set then
    would cost each process its memory; the tests check them against their data).

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
    if against_data:
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


#: Where the built-in challenges are kept, as :func:`to_dict` writes them.
BUILT_IN = Path(__file__).with_name("data") / "challenges.json"


def _built_ins() -> dict[str, Challenge]:
    """The built-in challenges, in the order of the guided path, each read as a link's is."""
    records = json.loads(BUILT_IN.read_text(encoding="utf-8"))
    read = (from_dict(record, against_data=False) for record in records)
    return {challenge.key: challenge for challenge in read}


#: The built-in challenges, in the order of the guided path.
CHALLENGES: dict[str, Challenge] = _built_ins()
