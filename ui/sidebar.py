"""The sidebar every page shares: data source, model and descent settings.

It is drawn by the router before the page runs, so its widgets (and their
values) persist when people switch pages. It only draws: the data is chosen
by :mod:`ui.data_choice`, the problem and runs are computed by :mod:`ui.compute`.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from core import Spectrum
from core.data import BUNDLED, MAX_UPLOAD_BYTES, PRESETS, Dataset, Table
from core.settings import Settings
from core.verdict import verdict
from ui import compute, data_choice, opening, pins
from ui.compute import Problem
from ui.limits import server_budget
from ui.settings import (
    OPTIMIZER_KEYS,
    SCHEDULE_KEYS,
    SCHEMA,
    nearest_rate,
    run_settings,
)
from ui.specs import DataSpec, ProblemKey, x_range
from ui.state import (
    LINK_COLUMNS,
    OPENED_FOR,
    OPENED_NOTE,
    OPENED_WITH,
    RATE_LADDER,
    RATE_REFUSED,
    RATE_SHOWN,
    RATE_SHOWN_BEFORE,
    RATE_TYPED,
    START_AND_STOP,
    UPLOAD_ERROR,
    UPLOAD_FILE,
    UPLOAD_NAME,
    UPLOAD_TABLE,
    URL_KEYS,
    URL_PROBLEMS,
    forget_columns,
)
from ui.text import md_name, md_text
from ui.widgets import draw, section

REGIME_BADGES = {
    "smooth": ":green-badge[:material/check_circle: converges smoothly]",
    "oscillates": ":orange-badge[:material/swap_vert: oscillates, then converges]",
    "diverges": ":red-badge[:material/error: will diverge]",
    "unknown": ":gray-badge[:material/help: no closed-form limit]",
}


@dataclass(frozen=True)
class Context:
    """What the pages need from the sidebar: the data, the problem and the run settings."""

    dataset: Dataset
    upload: Table | None
    problem_key: ProblemKey
    problem: Problem
    settings: Settings
    data_problem: str | None = None
    #: True while the example stands in for the data asked for (an upload not made yet).
    stand_in: bool = False

    @property
    def spectrum(self) -> Spectrum:
        """The spectrum of the space the descent runs in (standardized or raw)."""
        stab = self.problem.stability
        return stab.standardized if self.settings.standardize else stab.raw


def _on_upload() -> None:
    file = st.session_state.get(UPLOAD_FILE)
    # Once its bytes are dropped, the widget reports the file as deleted: nothing new came.
    if isinstance(file, UploadedFile):
        data_choice.accept_upload(st.session_state, file.name, file.getvalue())
        _forget_upload_bytes(file)


def _forget_upload_bytes(file) -> None:
    """Drop the uploaded bytes Streamlit holds for this session: the parsed table is kept.

    Streamlit keeps every uploaded file in memory until its session ends (a 48 MB
    upload cost each session 48-150 MiB). Its in-memory store can remove one file,
    as ``st.chat_input`` does; other stores keep theirs.
    """
    ctx = get_script_run_ctx()
    manager = getattr(ctx, "uploaded_file_mgr", None)
    if ctx is not None and hasattr(manager, "remove_file"):
        manager.remove_file(session_id=ctx.session_id, file_id=file.file_id)


def _data_widgets() -> None:
    draw("data_source")
    source = st.session_state["data_source"]
    if source == "preset":
        draw("preset")
        st.caption(PRESETS[st.session_state["preset"]].description)
    elif source == "bundled":
        draw("bundled")
        st.caption(BUNDLED[st.session_state["bundled"]])
    elif source == "generate":
        left, right = st.columns(2)
        draw("gen_rows", left)
        draw("gen_features", right)
        draw("gen_coef")
        left, right = st.columns(2)
        for i, name in enumerate(
            ("gen_intercept", "gen_noise", "gen_x_min", "gen_x_max", "gen_outliers", "gen_seed")
        ):
            draw(name, (left, right)[i % 2])
        low, high = (float(st.session_state[k]) for k in ("gen_x_min", "gen_x_max"))
        if not low < high:
            st.caption(_x_range_note(low, high, x_range(low, high)))
    else:
        _upload_widgets()
    error = st.session_state.get(UPLOAD_ERROR)
    if error and source == "upload":
        st.error(md_text(error), icon=":material/error:")


def _upload_widgets() -> None:
    """The file uploader, and what it holds (or why an upload cannot work here)."""
    limit = MAX_UPLOAD_BYTES // 2**20  # Streamlit's MB are 1024 × 1024 bytes
    if uploads_refused():
        st.warning(
            "Downhill is shown here inside a page of another site, where the browser "
            "withholds the cookie an upload needs: an upload would be refused. Open Downhill "
            "in a tab of its own to fit your file.",
            icon=":material/open_in_new:",
        )
    st.file_uploader(
        f"CSV file (up to {limit} MB)",
        type=["csv", "txt", "tsv"],
        key=UPLOAD_FILE,
        on_change=_on_upload,
        help="Comma, semicolon, tab or space separated; a header row is optional.",
    )
    if st.session_state.get(UPLOAD_TABLE) is None:
        st.info("Upload a CSV to fit it. Until then the default example is shown.")
    elif st.session_state.get(UPLOAD_ERROR):
        name = md_name(st.session_state[UPLOAD_NAME])
        st.caption(f"Still fitting {name}, the last file that worked.")
    elif st.session_state.get(UPLOAD_FILE) is None:
        # The uploader shows no file (it was away while another source was chosen, or
        # its file was removed) yet the parsed upload is still fitted: say which.
        name = md_name(st.session_state[UPLOAD_NAME])
        st.caption(f"Using {name}, uploaded earlier; upload another to replace it.")


#: The cookie that carries Streamlit's token against cross-site request forgery; an upload
#: without it is refused (HTTP 403).
XSRF_COOKIE = "_streamlit_xsrf"


def uploads_refused() -> bool:
    """True when this session runs in another site's iframe, which uploads do not work from.

    The upload cookie is ``SameSite=Lax`` (``.streamlit/config.toml``): a browser neither
    stores nor sends it inside a page of another site, so the session's websocket arrives
    without it and every upload is refused. Same-site embedding keeps it.
    """
    return (
        bool(st.get_option("server.enableXsrfProtection"))
        and bool(st.context.is_embedded)
        and XSRF_COOKIE not in st.context.cookies
    )


def _x_range_note(low: float, high: float, drawn: tuple[float, float]) -> str:
    """What the generator draws x from (``drawn``) when "x from" is not below "x to"."""
    why = "an empty range is widened to one unit" if low == high else "the ends were reversed"
    return f"x is drawn from [{drawn[0]:g}, {drawn[1]:g}]: {why}."


#: Why the reader left a column out, as the sidebar says it.
_SKIPPED = {"text": "not numeric", "mostly empty": "mostly empty", "row index": "a row index"}


def _columns_follow_the_data(spec: DataSpec) -> None:
    """Other data opens on its own target and features.

    Columns of the data before are not carried into the next, even where it has
    columns of the same names (Correlated features' x1, x2 would have left out the
    three-features example's x3). New generator settings are the same data: columns
    picked by hand there stay, as they do for a new draw of the same rows.
    """
    s = st.session_state
    if OPENED_FOR in s:
        before = s[OPENED_FOR][0]
        if (before.source, before.name) != (spec.source, spec.name):
            forget_columns(s)


def _fit_columns(chosen: data_choice.Chosen) -> str | None:
    """Make the session's target and features columns of the chosen data, before their widgets.

    On a session's first run they are a shared link's (or None): what had to be
    repaired joins the link's other notes. A link to an upload opens on the example
    until its file comes: its columns are the file's, and wait for it as its run's
    settings do. Returns the line saying more features were asked for than the server
    fits at once, or None.
    """
    s = st.session_state
    first = OPENED_FOR not in s
    link = s.pop(LINK_COLUMNS, None)
    if first and chosen.stand_in:
        s[LINK_COLUMNS] = (s["data_source"], s["target"], s["features"])
        forget_columns(s)
    elif chosen.stand_in and link is not None:
        s[LINK_COLUMNS] = link  # still waiting for the file
    elif link is not None and link[0] == chosen.spec.source:
        s["target"], s["features"] = link[1:]
        first = True  # what had to be repaired in the link's columns is said now
    dataset = chosen.dataset
    target, features, repaired = data_choice.fit_columns(dataset, s["target"], s["features"])
    features, cut = data_choice.choose_features(
        dataset.table.columns, target, features, dataset.features
    )
    if target != s["target"]:
        s["target"] = target
    if features != s["features"]:
        # Set only when it changed: a value the server sets is re-sent to the browser, which
        # takes seconds to apply one to a menu of 20,000 columns.
        s["features"] = features
    if first:
        s[URL_PROBLEMS] = [*s.get(URL_PROBLEMS, []), *repaired]
    return cut


def _column_widgets(chosen: data_choice.Chosen) -> tuple[str, tuple[str, ...]]:
    dataset = chosen.dataset
    columns = dataset.table.columns
    cut = _fit_columns(chosen)
    target = draw("target", options=columns)
    candidates = [c for c in columns if c != target]
    if cut:
        st.warning(cut, icon=":material/warning:")
    note = data_choice.features_note(len(columns), candidates, st.session_state["features"])
    if note:
        st.caption(note)
    # The browser refuses a choice past the cap itself, saying so in the menu.
    options = {"options": candidates, "max_selections": server_budget().max_features}
    picked = [c for c in draw("features", **options) if c != target]
    if not picked:
        st.warning("Pick at least one feature; using the first one meanwhile.")
        picked = candidates[:1]
    table = dataset.table
    notes = []
    # Only the columns fitted count: a row missing a value elsewhere is still fitted.
    dropped = table.rows_missing([target, *picked])
    if dropped:
        rows = "row" if dropped == 1 else "rows"
        notes.append(f"{dropped:,} {rows} dropped for a missing target or feature value")
    if table.skipped_columns:
        why = [
            f"{md_name(name)} ({_SKIPPED.get(table.skip_reasons.get(name), 'not numeric')})"
            for name in table.skipped_columns
        ]
        notes.append("left out: " + ", ".join(why))
    rows = f"{table.n_rows - dropped:,} rows"
    st.caption(rows + ("; " + "; ".join(notes) if notes else "") + ".")
    return target, tuple(picked)


def _model_widgets(own_split: bool) -> None:
    for name in ("fit_intercept", "standardize", "loss", "l2"):
        draw(name)
    draw("test_fraction", disabled=own_split)


def _descent_widgets(n_rows: int) -> None:
    s = st.session_state
    draw("optimizer")
    keys = OPTIMIZER_KEYS[s["optimizer"]]
    if keys:
        for column, key in zip(st.columns(len(keys)), keys, strict=True):
            draw(key, column)
    _rate_widgets()
    draw("epochs")
    draw("batch_mode")
    if s["batch_mode"] == "mini":
        s["batch_size"] = min(s["batch_size"], n_rows)
        draw("batch_size", max_value=max(1, n_rows))
    if s["batch_mode"] != "full":
        draw("shuffle")
    draw("schedule")
    parameters = tuple(SCHEDULE_KEYS[s["schedule"]])
    if parameters:
        for column, key in zip(st.columns(len(parameters)), parameters, strict=True):
            draw(key, column)
    box = section("Start and stop", START_AND_STOP)
    if box is not None:
        with box:
            draw("tol")
            if s["tol"] > 0 and s["batch_mode"] != "full":
                draw("tol_on")
            left, right = st.columns(2)
            draw("init_weight", left)
            draw("init_bias", right)
            draw("seed")


def _take_rate(key: str) -> None:
    """Take the rate a person set with one of its two widgets.

    The browser sends every widget's value with each change. After a quick second
    change, the other widget may still report the rate it showed before the last
    one, not having received the new rate yet; that stale report is ignored when the
    rate already moved in this rerun, so the person's latest change always wins.
    """
    s = st.session_state
    value = float(s[key])
    rate = SCHEMA["learning_rate"]
    if not rate.low <= value <= rate.high:
        # Refused here, not by the box's own limits: a box holding a value it will not
        # send keeps showing it after the rate is set some other way (a fix, the ladder).
        s[RATE_REFUSED] = value
        return
    shown = s.get(RATE_SHOWN, {})
    moved = shown and s["learning_rate"] != shown[RATE_TYPED]
    if moved and value == s.get(RATE_SHOWN_BEFORE, {}).get(key):
        return
    s["learning_rate"] = value


def _rate_widgets() -> None:
    """The learning rate: a ladder to drag along, and a box to type any rate."""
    s = st.session_state
    now = {RATE_LADDER: nearest_rate(s["learning_rate"]), RATE_TYPED: s["learning_rate"]}
    if now != s.get(RATE_SHOWN):
        s[RATE_SHOWN_BEFORE] = s.get(RATE_SHOWN, {})
        s[RATE_SHOWN] = now
    s.update(now)
    draw("learning_rate", key=RATE_LADDER, on_change=_take_rate, args=(RATE_LADDER,))
    if now[RATE_LADDER] != now[RATE_TYPED]:
        st.caption(
            f"η = {now[RATE_TYPED]:.4g} is typed: the ladder shows its nearest stop, "
            f"{now[RATE_LADDER]:g}."
        )
    st.number_input(
        "or type a rate",
        key=RATE_TYPED,
        format="%.4g",
        on_change=_take_rate,
        args=(RATE_TYPED,),
        help="Any rate, for instance just under the stable limit.",
    )
    if RATE_REFUSED in s:
        rate = SCHEMA["learning_rate"]
        st.warning(
            f"η = {s.pop(RATE_REFUSED):g} cannot run: type a rate from {rate.low:g} to "
            f"{rate.high:g}. The rate stays η = {now[RATE_TYPED]:.4g}.",
            icon=":material/block:",
        )


def rate_badge(
    spectrum: Spectrum,
    learning_rate: float,
    optimizer: str,
    hyperparameters=(),
    *,
    batched: bool = False,
) -> str:
    """Markdown: what this rate does for this rule, said before anything runs (one verdict).

    ``batched``: steps on batches of rows, for which the limits hold only for full batches.
    """
    said = verdict(spectrum, optimizer, learning_rate, hyperparameters, batched=batched)
    badge = REGIME_BADGES[said.regime]
    if batched and said.regime in ("smooth", "oscillates"):
        badge = badge.removesuffix("]") + " with full batches]"
    lines = [badge, said.sentence]
    if said.limit.rate is not None:
        lines.append(f"Stable below {said.limit.formula} = **{said.limit.rate:.3g}**")
        if optimizer == "gd":
            lines[-1] += f" · best 2/(λmin+λmax) = **{spectrum.best_lr:.3g}**"
    return "  \n".join(lines)


def _open_new_data(chosen: data_choice.Chosen, target: str, features: tuple[str, ...]) -> None:
    """New data (or columns): set the settings it opens with, before their widgets are drawn.

    The line that says what was set also names the settings the person had changed
    by hand since the data before was opened, where the new data replaced them. A
    shared link's settings hold for the link's own data: a link to an upload opens
    on the example until the file is uploaded again, and its settings wait for it.
    """
    s = st.session_state
    identity = (chosen.spec, target, features)
    if s.get(OPENED_FOR) == identity:
        return
    first = OPENED_FOR not in s
    new_data = first or s[OPENED_FOR][0] != chosen.spec
    s[OPENED_FOR] = identity
    url_keys = s.get(URL_KEYS, frozenset())
    if not chosen.stand_in:
        s[URL_KEYS] = frozenset()  # the link's data is open: its settings are used up
    before = {key: s.get(key) for key in opening.OPENED_KEYS}
    opened_with = s.get(OPENED_WITH, before)
    note = opening.open_data(
        s,
        chosen.spec,
        lambda state: (
            compute.problem(
                ProblemKey.of(state, chosen.spec, target, features), chosen.upload
            ).stability
        ),
        url_keys,
        new_data=new_data,
    )
    hand = [key for key in opening.OPENED_KEYS if before[key] != opened_with.get(key)]
    replaced = opening.replaced_note(hand, before, s)
    s[OPENED_NOTE] = " ".join(line for line in (note, replaced) if line) or None
    s[OPENED_WITH] = {key: s.get(key) for key in opening.OPENED_KEYS}


def opened_note() -> str | None:
    """What opening the data set, and why, while the run shown is still the one it opened.

    Once a setting it set is changed by hand, the note would describe a run the page no
    longer shows ("Opened at η = 0.015" under a run at 0.3): it goes, for good.
    """
    s = st.session_state
    note = s.get(OPENED_NOTE)
    opened_with = s.get(OPENED_WITH, {})
    if note and any(s.get(key) != opened_with.get(key) for key in opening.OPENED_KEYS):
        s[OPENED_NOTE] = note = None
    return note


def render() -> Context:
    """Draw the sidebar and return the chosen data, problem and run settings."""
    s = st.session_state
    with st.sidebar:
        st.header("Data", divider="gray")
        _data_widgets()
        chosen = data_choice.choose(s)
        if chosen.problem:
            st.error(md_text(chosen.problem), icon=":material/error:")
        _columns_follow_the_data(chosen.spec)
        target, features = _column_widgets(chosen)
        _open_new_data(chosen, target, features)
        st.header("Model", divider="gray")
        _model_widgets(own_split=opening.preset_run(chosen.spec) is not None)
        key = ProblemKey.of(s, chosen.spec, target, features)
        # Pinned runs are drawn on this problem's surface, from this start: other data, a
        # model or standardizing changes the runs they would be compared with.
        owner = (key, bool(s["standardize"]))
        pins.follow_the_data(s, owner, chosen=not chosen.stand_in)
        prob = compute.problem(key, chosen.upload)
        if prob.split_note:
            st.caption(prob.split_note)
        st.header("Descent", divider="gray")
        _descent_widgets(len(prob.y))
        settings = run_settings(s, len(prob.y))
        context = Context(
            chosen.dataset, chosen.upload, key, prob, settings, chosen.problem, chosen.stand_in
        )
        st.markdown(
            rate_badge(
                context.spectrum,
                settings.learning_rate,
                settings.optimizer,
                settings.optimizer_params,
                batched=not settings.full_batch(len(prob.y)),
            )
        )
    return context
