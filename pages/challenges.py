"""The Challenges page: a goal checked live on the sidebar's run, a guided path, and a maker.

A challenge opens its data and starting settings as a shared link does; the
sidebar's settings then drive the run as on the Descent page, and the goal is
checked on that run at every change (:mod:`core.challenges`). The built-in
challenges form a path with next and previous; what the learner solved stays in
the session and in the address bar. A teacher makes a challenge from the page as
it stands and gets a link that carries it whole.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import numpy as np
import streamlit as st

from charts.labels import parameter_names
from charts.landscape import default_axes
from charts.player_data import PlayerView
from core.budget import OverBudget
from core.challenges import (
    CHALLENGES,
    KEPT_NAMES,
    MAX_TEXT,
    MAX_TITLE,
    Arrive,
    Beat,
    Challenge,
    DataRef,
    FastRate,
    Outcome,
    Shrink,
    check,
    gap_percent,
    to_link,
)
from core.settings import MAX_EPOCHS
from ui import challenges, player, router
from ui.state import (
    CHALLENGE_ERROR,
    MAKER_BY,
    MAKER_GOAL,
    MAKER_KEEP,
    MAKER_NORM,
    MAKER_OPEN,
    MAKER_SHARE,
    MAKER_TEXT,
    MAKER_TITLE,
    MAKER_WITHIN,
    sync_url,
)
from ui.text import md_text
from ui.widgets import section

#: The goals a teacher can pick, as the maker names them.
GOAL_LABELS = {
    "arrive": "Arrive by an epoch",
    "rate": "Converge near the limit",
    "beat": "Beat this run",
    "shrink": "Shrink the weights",
}

ctx = router.context()
state = st.session_state


def _overview() -> None:
    """The guided path at a glance: every built-in challenge, solved or not, to open."""
    done = challenges.solved(state)
    st.markdown(
        f"A path of {len(challenges.PATH)} challenges through the ideas of a course on "
        "gradient descent. Each opens its data and a run that misses a goal; change the "
        "sidebar's settings until the goal is met. "
        f"**{len(done)} of {len(challenges.PATH)} solved.** Teachers: the last section "
        "makes a challenge of the sidebar's data and run."
    )
    for number, key in enumerate(challenges.PATH, start=1):
        challenge = CHALLENGES[key]
        st.button(
            f"{number}. {md_text(challenge.title)} · {md_text(challenge.idea)}",
            key=f"open_{key}",
            icon=":material/check_circle:" if key in done else ":material/circle:",
            on_click=challenges.go_to,
            args=(state, key),
            width="stretch",
        )


def _header(challenge: Challenge) -> None:
    """Where the challenge sits on the path, its words, its goal and what it keeps."""
    if challenge.key in CHALLENGES:
        number = challenges.PATH.index(challenge.key) + 1
        st.caption(f"Challenge {number} of {len(challenges.PATH)} · {md_text(challenge.idea)}")
    else:
        st.caption("A challenge made with Downhill and shared by its link.")
    st.subheader(md_text(challenge.title))
    if challenge.text:
        st.markdown(md_text(challenge.text))
    goal = f"**Goal:** {md_text(challenge.goal.describe())}"
    keep = challenge.describe_keep()
    st.markdown(goal + (f"  \n{md_text(keep)}" if keep else ""))


def _navigation(challenge: Challenge) -> None:
    """Previous and next along the path, the progress, the list and a fresh start.

    A teacher's challenge is not on the path: it has a fresh start and the list only.
    """
    path = challenges.PATH
    on_path = challenge.key in path
    row = st.container(horizontal=True)
    if on_path:
        at = path.index(challenge.key)
        row.button(
            "← Previous",
            on_click=challenges.go_to,
            args=(state, path[at - 1] if at else ""),
            disabled=not at,
        )
        following = path[at + 1] if at + 1 < len(path) else None
        row.button(
            "Next →",
            on_click=challenges.go_to,
            args=(state, following or ""),
            disabled=following is None,
        )
    row.button(
        "Start again",
        on_click=challenges.restart,
        args=(state,),
        help="Open this challenge's data and starting settings again.",
    )
    row.button("All challenges", on_click=challenges.go_to, args=(state, ""))
    if on_path:
        done = challenges.solved(state)
        st.caption(
            f"Progress: {len(done)} of {len(path)} solved "
            + "".join("●" if key in done else "○" for key in path)
            + ". The address bar keeps it: bookmark or share it to come back."
        )


def _numbers(outcome: Outcome) -> None:
    """The run's numbers against the goal: when it arrived, its final gap, its rate."""
    row = st.container(horizontal=True, gap="medium")
    epochs = "—" if outcome.epochs is None else f"{outcome.epochs:,}"
    row.metric(
        "Arrived at epoch",
        epochs,
        help="The epoch from which the loss stays in the goal's band.",
        width="content",
    )
    row.metric(
        "Final loss above L*",
        gap_percent(outcome.gap),
        help="(L − L*)/L* at the run's last epoch.",
        width="content",
    )
    row.metric("Learning rate η", f"{outcome.rate:.4g}", width="content")


def _verdict(challenge: Challenge, run) -> Outcome:
    """Check the goal on the page's run and say so; a solved built-in joins the progress."""
    outcome = check(challenge, challenges.seen(challenge, ctx, run))
    if outcome.solved:
        st.success(md_text(outcome.sentence), icon=":material/emoji_events:")
        if challenges.mark_solved(state, challenge.key):
            st.balloons()
    else:
        st.info(md_text(outcome.sentence), icon=":material/flag:")
    _numbers(outcome)
    return outcome


def _player() -> None:
    """The run itself, played back as on the Descent page, the loss on a log axis."""
    problem = ctx.problem
    names = parameter_names(problem.feature_names, ctx.settings.fit_intercept)
    axes = default_axes(problem.loss) if len(names) >= 2 else None
    player.render(ctx, ctx.settings, PlayerView(axes, 0, True, None))


def _goal_of(kind: str, within: float, right):
    """The goal the maker's widgets (drawn in ``right``) describe, for this page's run."""
    settings = ctx.settings
    if kind == "arrive":
        by = right.number_input("By epoch", 0, MAX_EPOCHS, min(100, settings.epochs), key=MAKER_BY)
        return Arrive(within=within, by=int(by))
    if kind == "rate":
        share = right.number_input("Rate, % of the limit", 1, 100, 90, key=MAKER_SHARE)
        return FastRate(share=share / 100, within=within)
    if kind == "shrink":
        now = float(np.linalg.norm(ctx.problem.fit.coef))
        norm = right.number_input(
            "‖w‖ at most", 0.0, 1e12, float(f"{0.8 * now:.2g}"), format="%.4g", key=MAKER_NORM
        )
        return Shrink(norm=norm, within=within)
    st.caption("The rival is the run on this page as it is now; the learner starts from it too.")
    return Beat(rival=settings, within=within)


def _link(challenge: Challenge) -> str:
    """The address that opens ``challenge`` on this page, on this server."""
    url = urlsplit(st.context.url or "")
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    root = f"{url.scheme}://{url.netloc}" if url.netloc else ""
    return f"{root}/{base + '/' if base else ''}challenges?challenge={to_link(challenge)}"


def _maker(run=None) -> None:
    """A teacher's challenge from the page as it stands: pick a goal and its threshold.

    ``run`` is the sidebar's run when the page already played it; otherwise it is run
    here, once the section is open.
    """
    box = section("Make a challenge from this page (for teachers)", MAKER_OPEN)
    if box is None:
        return
    with box:
        spec = ctx.problem_key.data
        if spec.source not in ("preset", "bundled"):
            st.info("A link carries examples and real datasets, not generated data or files.")
            return
        if run is None:
            try:
                run = player.runs_for(ctx, ctx.settings)[1]
            except (OverBudget, ValueError) as error:
                st.warning(
                    f"The sidebar's run cannot start, so it cannot be a challenge's start. "
                    f"{md_text(str(error))}",
                    icon=":material/hourglass_disabled:",
                )
                return
        st.caption(
            "The challenge opens this data with the sidebar's settings as they are now, and "
            "checks the goal you pick. Everything travels in the link: nothing is stored."
        )
        kind = st.radio(
            "Goal", tuple(GOAL_LABELS), format_func=GOAL_LABELS.get, key=MAKER_GOAL, horizontal=True
        )
        left, right = st.columns(2)
        within = left.number_input(
            "Band: within this % of L*", 1e-4, 1000.0, 1.0, format="%.4g", key=MAKER_WITHIN
        )
        goal = _goal_of(kind, within / 100, right)
        keep = st.multiselect(
            "The learner must keep", tuple(KEPT_NAMES), format_func=KEPT_NAMES.get, key=MAKER_KEEP
        )
        title = st.text_input("Title", "A challenge", max_chars=MAX_TITLE, key=MAKER_TITLE)
        text = st.text_area("What to tell the learner", "", max_chars=MAX_TEXT, key=MAKER_TEXT)
        data = DataRef(spec.source, spec.name, ctx.problem_key.target, ctx.problem_key.features)
        made = Challenge("", title, "", text, data, ctx.settings, goal, tuple(keep))
        if check(made, challenges.seen(made, ctx, run)).solved:
            st.warning(
                "The run on this page already meets this goal, so the learner would start "
                "solved: make the goal harder, or start from a run that misses it."
            )
            return
        st.markdown("Copy this link and share it:")
        st.code(_link(made), language=None, wrap_lines=True)


st.title("Challenges")
error = state.pop(CHALLENGE_ERROR, None)
if error:
    st.error(md_text(error), icon=":material/link_off:")
chosen = challenges.current(state)
if chosen is None:
    _overview()
    _maker()
    player.end_page()
_header(chosen)
if not challenges.on_its_data(chosen, ctx.problem_key):
    st.warning(
        "The sidebar shows other data than this challenge's: its goal is checked on its own "
        "data. “Start again” opens it.",
        icon=":material/swap_horiz:",
    )
    _navigation(chosen)
    _maker()
    player.end_page()
try:
    shown = player.runs_for(ctx, ctx.settings)[1]
except OverBudget as over:
    st.warning(f"This run was not started. {over}", icon=":material/hourglass_disabled:")
    _navigation(chosen)
    player.end_page()
except ValueError as wrong:
    st.error(f"These settings cannot run: {md_text(str(wrong))}", icon=":material/error:")
    _navigation(chosen)
    player.end_page()
try:
    _verdict(chosen, shown)
except OverBudget as over:
    st.warning(f"The rival's run was not started. {over}", icon=":material/hourglass_disabled:")
_navigation(chosen)
_player()
_maker(shown)
# The progress may have grown in this run, after the router wrote the address.
sync_url()
