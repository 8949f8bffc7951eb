"""The data people chose, from the session's settings: its spec, its bytes and its dataset.

Loading never fails the page: data that cannot be built falls back to the chosen
example, with the reason to show beside the controls.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any

from core.data import DataError, Dataset, Table
from ui import compute
from ui.specs import DataSpec, GeneratorSpec
from ui.state import UPLOAD_DIGEST, UPLOAD_ERROR, UPLOAD_NAME, UPLOAD_TABLE, forget_columns


@dataclass(frozen=True)
class Chosen:
    """The data to fit, and why it is not what was asked for (None when it is)."""

    spec: DataSpec
    upload: Table | None
    dataset: Dataset
    problem: str | None = None


def spec_of(state: Mapping[str, Any]) -> tuple[DataSpec, Table | None]:
    """The chosen data as a spec, plus the upload's parsed table when it is an upload.

    An upload source with nothing uploaded yet means the chosen example.
    Raises ValueError when the generator's coefficients do not parse.
    """
    source = state["data_source"]
    if source == "upload":
        table = state.get(UPLOAD_TABLE)
        if table is not None:
            name = state.get(UPLOAD_NAME, "upload.csv")
            return DataSpec("upload", name=name, digest=state[UPLOAD_DIGEST]), table
        source = "preset"
    if source == "preset":
        return DataSpec("preset", name=state["preset"]), None
    if source == "bundled":
        return DataSpec("bundled", name=state["bundled"]), None
    return DataSpec("generate", generator=GeneratorSpec.from_state(state)), None


def choose(state: Mapping[str, Any]) -> Chosen:
    """The dataset the settings in ``state`` name, or the chosen example and the reason."""
    try:
        spec, upload = spec_of(state)
        return Chosen(spec, upload, compute.load_dataset(spec, upload))
    except ValueError as error:
        spec = DataSpec("preset", name=state["preset"])
        return Chosen(spec, None, compute.load_dataset(spec), problem=str(error))


def accept_upload(state: MutableMapping, name: str, raw: bytes) -> None:
    """Keep an uploaded file's table when it parses; keep the previous data and say why when not.

    The bytes are not kept: the parsed table is, shared with every session that
    uploaded the same content.
    """
    try:
        state[UPLOAD_DIGEST], state[UPLOAD_TABLE] = compute.parse_upload(raw)
    except DataError as error:
        state[UPLOAD_ERROR] = f"{name}: {error}"
        return
    state[UPLOAD_NAME] = name
    state[UPLOAD_ERROR] = None
    forget_columns(state)
