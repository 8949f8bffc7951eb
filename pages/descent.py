"""The Descent page: the fit line, the loss curve and the cost surface, played back together."""

from __future__ import annotations

import streamlit as st

from charts.fit import predicted_vs_actual_figure, sets_side_by_side_figure
from charts.labels import parameter_names
from charts.landscape import default_axes
from charts.player_data import PlayerView
from core import predict, regression_metrics, words
from core.advice import ARRIVED, converged
from core.budget import OverBudget
from core.data import PRESETS
from core.verdict import verdict
from ui import (
    compute,
    downloads,
    pins,
    player,
    rate_curve,
    router,
    sidebar,
    tables,
    tutorial,
    views,
)
from ui.settings import surface_window
from ui.state import PINS, PINS_NOTE
from ui.text import full_names, md_name, md_text
from ui.widgets import draw, remove_button, section

ctx = router.context()
problem = ctx.problem
settings = ctx.settings

st.title("Descent")
st.caption(
    f"{md_text(ctx.dataset.description.rstrip('.'))}. Fitting **{md_name(problem.target_name)}** "
    f"from {', '.join(map(md_name, problem.feature_names))} on {len(problem.y):,} training rows. "
    "Change the learning rate in the sidebar and watch every view follow; press ▶ to replay.",
    help=full_names([problem.target_name, *problem.feature_names]),
)
# Lines that come and go sit in containers that are always drawn, so the player keeps its
# place on the page: moved, the browser would re-create it (and ask for its data again).
opened = sidebar.opened_note()
cleared = st.session_state.pop(PINS_NOTE, None)
with st.container():
    if opened:
        st.caption(opened)
    if cleared:
        st.info(cleared, icon=":material/push_pin:")
player.preload()
pinned, pin_notes = player.pinned_runs(ctx, pins.pin_settings(st.session_state, len(problem.y)))

try:
    run = player.runs_for(ctx, settings, len(pinned))[1]
except OverBudget as error:
    st.warning(f"This run was not started. {error}", icon=":material/hourglass_disabled:")
    player.end_page()
except ValueError as error:
    st.error(f"These settings cannot run: {md_text(str(error))}", icon=":material/error:")
    player.end_page()

said = verdict(
    ctx.spectrum, settings.optimizer, settings.learning_rate, settings.optimizer_params, run=run
)


def _use(rate: float | None, standardize: bool) -> None:
    if rate is not None:
        st.session_state["learning_rate"] = rate
    if standardize:
        st.session_state["standardize"] = True


def _explain_divergence() -> None:
    """The verdict, and a fix the engine has run and seen converge on this data."""
    advice = compute.rate_advice(ctx.problem_key, ctx.upload, settings)
    shown = "The charts show the run up to its last finite epoch." if run.diverged else ""
    st.error(f"{said.sentence} {shown}", icon=":material/trending_up:")
    if advice.rate is not None:
        label = f"Use η = {advice.rate:g}" + (
            " on standardized features" if advice.standardize else ""
        )
    elif advice.standardize:
        label = "Standardize features"
    else:
        label = None
    st.markdown(advice.reason)
    if label:
        st.button(label, on_click=_use, args=(advice.rate, advice.standardize))


def _stopped_by_tolerance() -> None:
    """A tolerance stop: converged only when near the optimum, else stopped and how far."""
    final, best = float(run.history.loss[-1]), float(problem.fit.loss)
    why = f"the loss changed by less than {settings.tol:g} from one epoch to the next"
    epochs = words.epochs(run.epochs_run)
    if converged(run, best):
        st.success(
            f"Converged after {epochs}, within {ARRIVED:.0%} of the optimum's loss ({why}).",
            icon=":material/check_circle:",
        )
        return
    above = f"{(final - best) / best:.0%} above" if best > 0 else f"{final:.3g} above"
    st.warning(
        f"Stopped after {epochs}, {above} the optimum's loss {best:.6g}: {why}, but the "
        "run had not arrived. Lower the tolerance or raise the rate.",
        icon=":material/pause_circle:",
    )


with st.container():
    if said.diverges:
        _explain_divergence()
    else:
        st.markdown(said.sentence)
        if run.stop_reason == "converged":
            _stopped_by_tolerance()

# The player comes first, where a 1366 × 768 screen shows it; its view pickers and pins below.
player_place, pickers_place, pins_place = st.container(), st.container(), st.container()
present = draw("present", pickers_place)
names = parameter_names(problem.feature_names, settings.fit_intercept)
view = pickers_place.columns([1, 1, 1, 1])
feature = 0
if len(problem.feature_names) > 1:
    feature = view[0].selectbox(
        "Fit line against",
        range(len(problem.feature_names)),
        key="view_feature:" + "|".join(problem.feature_names),
        format_func=problem.feature_names.__getitem__,
    )
axes = (
    views.axes_picker(names, view[1:3], key="view", default=default_axes(problem.loss))
    if len(names) >= 2
    else None
)
log_loss = draw("log_loss", view[3])
window, window_problem = surface_window(st.session_state)
with player_place:
    player.render(
        ctx, settings, PlayerView(axes, feature, log_loss, window), present=present, pins=pinned
    )


def _pin_controls() -> None:
    """Pin this run (or why not), and each pin with its settings and a button to remove it."""
    state, n_rows = st.session_state, len(problem.y)
    why = pins.refusal(state, n_rows, ctx.stand_in)
    button, reason = st.columns([1, 3], vertical_alignment="center")
    button.button(
        "Pin this run",
        key="pin_run",
        icon=":material/push_pin:",
        on_click=pins.add_pin,
        args=(state, n_rows, ctx.stand_in),
        disabled=why is not None,
        help="Keep this run drawn, faint, in every view beside the live one (up to three).",
    )
    if why:
        reason.caption(why)
    if waiting := pins.waiting(state):
        st.caption(
            f"This link's {waiting} pinned run{'s' if waiting > 1 else ''} will be drawn once "
            "its file is uploaded."
        )
    for i, pin in enumerate(pins.pin_settings(state, n_rows)):
        name, remove, _ = st.columns([3, 1, 6], vertical_alignment="center")
        name.markdown(pins.label(i, pin))
        remove_button(remove, f"unpin_{i}", f"pin {i + 1}", pins.remove_pin, (state, i))
    for note in pin_notes:
        st.warning(md_text(note), icon=":material/hourglass_disabled:")
    if state.get(PINS):
        st.caption(
            "A pin keeps its rule, rate, batch and schedule; the rest (epochs, start, seed, "
            "the rule's parameters) follows the sidebar, as the live run's does."
        )


with pins_place:
    _pin_controls()
st.caption(
    "Press ▶ to watch the descent, drag the epoch slider to any epoch, or scrub the learning "
    "rate to see every rate's run at once; releasing it (or Enter) sets the sidebar's rate. "
    "Dashed: the closed-form optimum. The address bar holds these settings: copy it to share "
    "this run."
)
if ctx.upload is not None:
    st.caption("Shared links carry the settings, not your file: whoever opens it uploads it again.")
box = section("Loss against the learning rate", "open_rate_curve")
if box is not None:
    with box:
        rate_curve.render(ctx, settings, len(pinned))


def _article() -> None:
    """A tutorial's article beside this run: its printed numbers, its code's, ours."""
    key = ctx.problem_key.data
    example = PRESETS[key.name] if key.source == "preset" else None
    if example is None or example.article is None:
        return
    article = example.article
    with st.expander(f"The article beside this run: {article.title}", expanded=True):
        st.markdown(
            tables.markdown_table(
                tutorial.article_table(article, run, problem, ctx.dataset.features)
            )
        )
        st.markdown(article.differences)
        changed = tutorial.changed_settings(example.run, ctx.dataset, st.session_state)
        if changed:
            st.info(
                "Your settings differ from the tutorial's (" + ", ".join(changed) + "), so "
                "Downhill's column follows yours.",
                icon=":material/tune:",
            )
            st.button(
                "Back to the tutorial's settings",
                on_click=st.session_state.update,
                kwargs=tutorial.tutorial_state(example.run, ctx.dataset),
            )


_article()
with st.expander("Surface window", expanded=bool(st.session_state["window"])):
    draw("window")
    if st.session_state["window"]:
        places = st.columns(4)
        for place, name in zip(
            places, ("window_x_from", "window_x_to", "window_y_from", "window_y_to"), strict=True
        ):
            draw(name, place)
        st.caption("x is the surface's first parameter, y its second (the pickers above).")
    if window_problem:
        st.warning(window_problem)

groups = ctx.dataset.group_rows()
if groups and len(problem.feature_names) == 1:
    X_all, y_all = ctx.dataset.table.xy(problem.target_name, problem.feature_names)
    st.plotly_chart(
        sets_side_by_side_figure(
            {label: (X_all[rows, 0], y_all[rows]) for label, rows in groups.items()},
            float(run.coef[0]),
            run.intercept,
            feature_name=problem.feature_names[0],
            target_name=problem.target_name,
        ),
        key="sets_side_by_side",
    )
    st.caption(
        f"The line fitted here, drawn over each of the {len(groups)} sets of this data: one "
        "line can summarise very different data. Look at the scatter before trusting a fit."
    )

if len(problem.feature_names) > 1:
    fitted = predict(problem.X, run.coef, run.intercept)
    st.plotly_chart(
        predicted_vs_actual_figure(problem.y, fitted, target_name=problem.target_name),
        key="pred_vs_actual",
    )
    st.caption(
        f"Predicted against actual {md_name(problem.target_name)} for the {len(problem.y):,} "
        f"training rows: R² = {regression_metrics(problem.y, fitted).r2:.4g}. A row on the dashed "
        "diagonal is predicted exactly; the farther off it, the larger its error."
    )

st.subheader("Numbers")
# Markdown tables, not st.metric and st.table: a browser opening the page fetches 12 fewer
# script files, and a rerun sends short strings instead of Arrow frames.
st.markdown(tables.markdown_table(tables.run_table(run, float(problem.fit.loss))))
metrics = tables.metrics_of(problem, run.coef, run.intercept)
left, right = st.columns(2)
left.markdown(f"**Parameters**\n\n{tables.markdown_table(tables.parameters_table(run, problem))}")
right.markdown(f"**Fit quality**\n\n{tables.markdown_table(tables.metrics_table(metrics))}")
box = section("Stability of this data (Hessian of the loss)", "open_stability")
if box is not None:
    box.dataframe(tables.stability_table(problem.stability))

box = section("First iterations, step by step", "open_first_iterations")
if box is not None:
    box.dataframe(tables.first_iterations(run, problem.feature_names))

box = section("Predict with the final model", "open_predict")
if box is not None:
    with box:
        inputs = st.columns(min(4, len(problem.feature_names)))
        x_new = [
            inputs[j % len(inputs)].number_input(
                md_name(name),
                value=float(problem.X[:, j].mean()),
                help=full_names([name]),
                key=f"predict_{j}",
                format="%.6g",
            )
            for j, name in enumerate(problem.feature_names)
        ]
        y_new = float(predict([x_new], run.coef, run.intercept)[0])
        st.markdown(f"Predicted **{md_name(problem.target_name)}** = `{y_new:.6g}`")

box = section("Take it with you: history, run record, reproducing script", "open_downloads")
if box is not None:
    with box:
        downloads.render(run, problem, ctx.dataset, metrics)
