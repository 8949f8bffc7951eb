"""The data people chose, from the session's settings: its spec, its bytes and its dataset.

Loading never fails the page: data that cannot be built falls back to the chosen
example, with the reason to show beside the controls.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.data import DataError, Dataset
from ui import compute
from ui.specs import DataSpec, GeneratorSpec
from ui.state import UPLOAD_BYTES, UPLOAD_ERROR, UPLOAD_NAME, forget_columns


@dataclass(frozen=True)
class Chosen:
    """The data to fit, and why it is not what was asked for (None when it is)."""

    spec: DataSpec
    raw: bytes | None
    dataset: Dataset
    problem: str | None = None


def spec_of(state: Mapping[str, Any]) -> tuple[DataSpec, bytes | None]:
    """The chosen data as a spec, plus the uploaded bytes when it is an upload.

    An upload source with nothing uploaded yet means the chosen example.
    Raises ValueError when the generator's coefficients do not parse.
    """
    source = state["data_source"]
    if source == "upload":
        raw = state.get(UPLOAD_BYTES)
        if raw is not None:
            name = state.get(UPLOAD_NAME, "upload.csv")
            return DataSpec("upload", name=name, digest=compute.digest(raw)), raw
        source = "preset"
    if source == "preset":
        return DataSpec("preset", name=state["preset"]), None
    if source == "bundled":
        return DataSpec("bundled", name=state["bundled"]), None
    return DataSpec("generate", generator=GeneratorSpec.from_state(state)), None


def choose(state: Mapping[str, Any]) -> Chosen:
    """The dataset the settings in ``state`` name, or the chosen example and the reason."""
    try:
        spec, raw = spec_of(state)
        return Chosen(spec, raw, compute.load_dataset(spec, raw))
    except ValueError as error:
        spec = DataSpec("preset", name=state["preset"])
        return Chosen(spec, None, compute.load_dataset(spec), problem=str(error))


def fit_columns(
    dataset: Dataset, target: str | None, features: Sequence[str] | None
) -> tuple[str, list[str], list[str]]:
    """The target and features to fit on ``dataset``, from those asked for, and what was changed.

    Whatever was asked for (a shared link can ask for anything) comes out as a
    target that is a column and at least one feature, each a column, named once,
    and not the target. None asks for the data's own choice and is no change.

    Parameters
    ----------
    dataset : Dataset
        The chosen data.
    target : str or None
        The target asked for.
    features : sequence of str or None
        The features asked for, in order.

    Returns
    -------
    target : str
    features : list of str
    notes : list of str
        One sentence per kind of change, naming no value that was asked for
        (those are user input); empty when nothing asked for was changed.
    """
    columns = dataset.table.columns
    asked = list(features or [])
    notes = []
    if target is not None and target not in columns:
        notes.append("Target (y): the data has no such column, so its own target is used.")
    if target not in columns:
        target = dataset.target
    if len(set(asked)) < len(asked):
        notes.append("Features (x): a column named more than once is used once.")
    if not set(asked) <= set(columns):
        notes.append("Features (x): columns the data does not have were left out.")
    if target in asked:
        notes.append("Features (x): the target cannot also be a feature, so it was left out.")
    kept = [c for c in dict.fromkeys(asked) if c in columns and c != target]
    if not kept:
        candidates = [c for c in columns if c != target]
        kept = [c for c in dataset.features if c in candidates] or candidates[:1]
        if asked:
            notes.append("Features (x): none was left, so the data's own are used.")
    return target, kept, notes


def accept_upload(state: MutableMapping, name: str, raw: bytes) -> None:
    """Keep an uploaded file when it parses; keep the previous data and say why when not."""
    try:
        compute.parse_upload(raw)
    except DataError as error:
        state[UPLOAD_ERROR] = f"{name}: {error}"
        return
    state[UPLOAD_BYTES] = raw
    state[UPLOAD_NAME] = name
    state[UPLOAD_ERROR] = None
    forget_columns(state)
