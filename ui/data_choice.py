"""The data people chose, from the session's settings: its spec, its bytes, its dataset and
the features fitted (at most the server's :attr:`core.budget.Budget.max_features`).

Loading never fails the page: data that cannot be built falls back to the chosen
example, with the reason to show beside the controls.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from core.data import DataError, Dataset, Table
from ui import compute
from ui.limits import server_budget
from ui.specs import DataSpec, GeneratorSpec
from ui.state import UPLOAD_DIGEST, UPLOAD_ERROR, UPLOAD_NAME, UPLOAD_TABLE, forget_columns


@dataclass(frozen=True)
class Chosen:
    """The data to fit, and why it is not what was asked for (None when it is).

    ``stand_in`` is True while the example stands in for the data asked for: an upload
    source with no file yet, or data that could not be made (``problem`` says why).
    """

    spec: DataSpec
    upload: Table | None
    dataset: Dataset
    problem: str | None = None
    stand_in: bool = False


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
        dataset, problem = compute.load_dataset(spec, upload), None
    except ValueError as error:
        spec, upload, problem = DataSpec("preset", name=state["preset"]), None, str(error)
        dataset = compute.load_dataset(spec)
    stand_in = spec.source != state["data_source"]
    return Chosen(spec, upload, dataset, problem, stand_in)


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
    known = set(columns)  # lists cost seconds on a 20,000-column file
    asked = list(features or [])
    notes = []
    if target is not None and target not in known:
        notes.append("Target (y): the data has no such column, so its own target is used.")
    if target not in known:
        target = dataset.target
    if len(set(asked)) < len(asked):
        notes.append("Features (x): a column named more than once is used once.")
    if not set(asked) <= known:
        notes.append("Features (x): columns the data does not have were left out.")
    if target in asked:
        notes.append("Features (x): the target cannot also be a feature, so it was left out.")
    kept = [c for c in dict.fromkeys(asked) if c in known and c != target]
    if not kept:
        cap = server_budget().max_features
        own = [c for c in dataset.features if c in known and c != target][:cap]
        kept = own or [next(c for c in columns if c != target)]
        if asked:
            notes.append("Features (x): none was left, so the data's own are used.")
    return target, kept, notes


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


def choose_features(
    columns: Sequence[str], target: str, wanted: Sequence[str] | None, default: Sequence[str]
) -> tuple[list[str], str | None]:
    """The features to fit, at most the server's ``max_features``, and why any were cut.

    Parameters
    ----------
    columns : sequence of str
        The table's numeric columns.
    target : str
        The column predicted; never a feature.
    wanted : sequence of str or None
        The features asked for (the multiselect's, or a shared link's); names that
        are not columns are left out.
    default : sequence of str
        The data's own features, used when none of ``wanted`` is a column; beyond
        the cap only the first are taken, and :func:`features_note` says so.

    Returns
    -------
    features : list of str
        At least one column (the first other than the target, if nothing else).
    cut : str or None
        The line that says more than the cap were asked for; None when none were cut.
    """
    cap = server_budget().max_features
    candidates = [c for c in columns if c != target]
    allowed = set(candidates)  # a list here costs seconds on a 20,000-column file
    chosen = [c for c in wanted or () if c in allowed]
    if len(chosen) > cap:
        return chosen[:cap], (
            f"{len(chosen):,} features were chosen; Downhill fits at most {cap} at once, "
            f"so the first {cap} are used."
        )
    if not chosen:
        chosen = [c for c in default if c in allowed][:cap] or candidates[:1]
    return chosen, None


def features_note(n_columns: int, candidates: Sequence[str], features: Sequence[str]) -> str | None:
    """One line for data with more candidate features than one fit takes; None otherwise.

    Parameters
    ----------
    n_columns : int
        The table's numeric columns, the target included.
    candidates : sequence of str
        The columns that may be features (all but the target).
    features : sequence of str
        The features chosen.
    """
    cap = server_budget().max_features
    if len(candidates) <= cap:
        return None
    if list(features) == list(candidates[:cap]):
        return (
            f"This file has {n_columns:,} numeric columns; the first {cap} are used as "
            "features. Choose others below."
        )
    return f"This file has {n_columns:,} numeric columns; up to {cap} can be features."
