"""The Compare page: up to six runs raced on the sidebar's data, from the same start."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from charts.labels import parameter_names
from charts.landscape import default_axes
from core import Run, words
from core.advice import working_rate
from core.budget import OverBudget, Work
from core.settings import Settings
from ui import compute, player, race, router, sidebar, views, worker
from ui.limits import server_budget
from ui.settings import LEARNING_RATES, OPTIMIZER_KEYS
from ui.store import cached
from ui.text import full_names, md_name, md_text
from ui.widgets import draw, remove_button


def _plain(settings: Settings, standardize: bool) -> Settings:
    """Plain full-batch descent at a constant rate, on the sidebar's epochs and start."""
    return replace(
        settings,
        optimizer="gd",
        optimizer_params=(),
        learning_rate=0.0,
        batch_size=None,
        schedule="constant",
        schedule_params=(),
        standardize=standardize,
        tol=None,
    )


@cached("Finding rates that work on this data…")
def _working_rate(key, _upload, plain: Settings) -> float | None:
    """The largest stop where ``plain`` descent converges here (core.advice.working_rate)."""
    prob = compute.problem(key, _upload)
    work = Work.of(plain, *prob.X.shape, rates=len(LEARNING_RATES))
    budget = server_budget()
    return worker.run(work, working_rate, prob.X, prob.y, LEARNING_RATES, plain, budget=budget)


ctx = router.context()
problem = ctx.problem
settings = ctx.settings
state = st.session_state
n_rows = len(problem.y)
data = race.RaceData(
    stability=problem.stability,
    fit=problem.fit,
    fit_intercept=settings.fit_intercept,
    init_weight=settings.init_coef,
    init_bias=settings.init_intercept,
    standardize=settings.standardize,
    n_rows=n_rows,
    working_rate=lambda standardize: _working_rate(
        ctx.problem_key, ctx.upload, _plain(settings, standardize)
    ),
)
race.init_race(state, data)

st.title("Compare")
st.caption(
    f"{md_text(ctx.dataset.description)} Every run fits **{md_name(problem.target_name)}** on "
    f"the same {n_rows:,} training rows from the same start (weights {settings.init_coef:g}, "
    f"bias {settings.init_intercept:g}) with the same shuffle seed and the same "
    f"**{words.epochs(settings.epochs)}**: a fair race. Momentum β, Adam's β₁ and β₂, schedule "
    "parameters and the budget come from the sidebar.",
    help=full_names([problem.target_name]),
)

player.preload()
st.markdown("**Quick races** (rates derived from this data's curvature)")
for column, (name, (text, _)) in zip(
    st.columns(len(race.PRESETS)), race.PRESETS.items(), strict=True
):
    column.button(
        text,
        key=f"race_preset_{name}",
        on_click=race.apply_preset,
        args=(state, name, data),
        width="stretch",
    )
# Lines that come and go sit in containers that are always drawn, so the race's player keeps
# its place on the page: moved, the browser would re-create it (and ask for its data again).
with st.container():
    if state.get(race.NOTE):
        st.info(state[race.NOTE], icon=":material/info:")


def _run_widgets(i: int) -> None:
    """The settings one run owns, in a bordered box."""
    count = state[race.COUNT]
    head, close = st.columns([5, 1], vertical_alignment="center")
    head.markdown(f"**Run {i + 1}**")
    remove_button(
        close, f"race_{i}_remove", f"run {i + 1}", race.remove_run, (state, i), disabled=count <= 1
    )
    for field in race.FIELDS:
        own_key = race.key(i, field)
        if field == "batch_size":
            if state[race.key(i, "batch_mode")] != "mini":
                continue
            state[own_key] = max(1, min(int(state[own_key]), n_rows))
            draw(field, key=own_key, max_value=max(1, n_rows), persist_state="session")
        else:
            draw(field, key=own_key, persist_state="session")
    own = race.fields_of(state, i)
    spectrum = data.spectrum(own["standardize"])
    params = {k: state[k] for k in OPTIMIZER_KEYS[own["optimizer"]]}
    # Full strength, not a caption: a badge faded to caption grey fails the contrast check.
    batched = not race.run_settings_of(state, i, n_rows).full_batch(n_rows)
    st.markdown(
        sidebar.rate_badge(
            spectrum, own["learning_rate"], own["optimizer"], params, batched=batched
        )
    )


count = state[race.COUNT]
per_row = 3
with st.container():
    for start in range(0, count, per_row):
        boxes = st.columns(per_row)
        for i in range(start, min(start + per_row, count)):
            with boxes[i - start].container(border=True):
                _run_widgets(i)
    st.button(
        "Add a run",
        icon=":material/add:",
        on_click=race.add_run,
        args=(state,),
        disabled=count >= race.MAX_RUNS,
        help="A copy of the last run, to change one thing.",
    )

runs: list[tuple[str, Run]] = []
kept: list[tuple[str]] = []
problems = st.container()
for i in range(count):
    run_settings = race.run_settings_of(state, i, n_rows)
    name = race.label(i, run_settings)
    try:
        runs.append((name, compute.run_descent(ctx.problem_key, ctx.upload, run_settings)))
        kept.append((run_settings, name))
    except OverBudget as error:
        problems.warning(f"**{name}** was not run. {error}", icon=":material/hourglass_disabled:")
    except ValueError as error:
        problems.error(f"**{name}** cannot run: {md_text(str(error))}", icon=":material/error:")
if not runs:
    player.end_page()

st.subheader("The race")
param_names = parameter_names(problem.feature_names, settings.fit_intercept)
axes = None
view = st.columns(4 if len(param_names) > 2 else 2, vertical_alignment="bottom")
if len(param_names) > 2:
    axes = views.axes_picker(
        param_names,
        view[:2],
        key="race_view",
        labels=("Map x-axis", "Map y-axis"),
        default=default_axes(problem.loss),
    )
log_loss = view[-2].toggle(
    "Log loss axis (gap L − L*)",
    key=race.LOG_LOSS,
    help="The loss above the closed-form optimum, on a log scale: how many digits each run "
    "has gained, down to where it stops.",
)
log_epochs = view[-1].toggle("Log epoch axis", key=race.LOG_EPOCHS)
player.render_race(
    ctx,
    runs,
    settings=tuple(own for own, _ in kept),
    axes=axes,
    log_loss=log_loss,
    log_epochs=log_epochs,
)
st.caption(
    "Press ▶ to replay every run together, or drag the epoch slider: one control moves every "
    "run. Mini-batch and stochastic runs are drawn update by update, so their noise shows. "
    "Click a run in the loss chart's legend to hide it everywhere. Parameters not on the map "
    "are held at the closed-form optimum."
)

st.subheader("Scoreboard")
left, right = st.columns([1, 3], vertical_alignment="bottom")
left.number_input(
    "Arrived when the loss is within",
    min_value=1e-12,
    max_value=1.0,
    key=race.TOLERANCE,
    step=1e-3,
    format="%.1e",
    persist_state="session",
    help="Relative gap to the optimum loss: 1e-3 means loss ≤ optimum × (1 + 1e-3).",
)
right.caption(
    f"of the closed-form loss {problem.fit.loss:.6g}. Distance is Euclidean over all "
    f"parameters, in the data's units. {race.WINNER_MARK.strip()} marks the winner: the fewest "
    "epochs to arrive within the tolerance and stay there to the end (then the lowest final "
    "loss); a run that touches it and leaves again has not arrived, and a diverged run cannot "
    "win. Wall time is of the descent alone."
)
board = race.scoreboard(runs, problem.fit, float(state[race.TOLERANCE]))
kind, said = race.outcome(board, [name for name, _ in runs])
show, icon = {
    "error": (st.error, ":material/error:"),
    "info": (st.info, ":material/flag:"),
    "success": (st.success, ":material/trophy:"),
}[kind]
show(said, icon=icon)
# A plain table (a few rows): long run names wrap, and every column shows whole. Its cells
# are Markdown, where "2. Momentum" would be a numbered list: a no-break space keeps it text.
st.table(board.table.rename(index=lambda name: name.replace(". ", ".\u00a0", 1)))
