"""The Learn page: the update rule worked by hand, and why the data's shape sets the rate."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import streamlit as st

from charts.labels import LOSS_NAMES, parameter_names
from charts.landscape import optimum_parameters, within_bowl
from charts.learn import (
    SIDE_BY_SIDE_ASPECT,
    SINGLE_ASPECT,
    convergence_figure,
    ridge_surface_figure,
    surfaces_side_by_side,
)
from core import Run, Scaling, stack_theta, words
from core.analysis import momentum_suggestion, predicted_loss_gap
from core.optimizers import RULES
from core.settings import Settings
from core.verdict import verdict
from core.worked import worked_steps, worked_steps_discrepancy
from ui import compute, lessons, router
from ui.lessons import describe, tex
from ui.settings import SCHEMA
from ui.text import full_names, md_name, md_text

ctx = router.context()
problem = ctx.problem
settings = ctx.settings
fit_intercept = settings.fit_intercept
n_rows = len(problem.y)
names = parameter_names(problem.feature_names, fit_intercept)
d = len(problem.feature_names)
rate = settings.learning_rate
space = "standardized" if settings.standardize else "raw"

#: Stops of the L2 slider: 0, then 1-3 in every decade from 0.001 to 1000.
L2_STOPS = (0.0, *(float(f"{m * 10.0**e:g}") for e in range(-3, 3) for m in (1, 3)), 1000.0)


def _run(run_settings: Settings) -> Run | None:
    """The cached run, or None after saying why it cannot run."""
    try:
        return compute.run_descent(ctx.problem_key, ctx.upload, run_settings)
    except ValueError as error:
        st.error(f"These settings cannot run: {md_text(str(error))}", icon=":material/error:")
        return None


def _use_momentum(beta: float, learning_rate: float) -> None:
    """Put the suggested heavy-ball setting in the sidebar."""
    st.session_state.update(optimizer="momentum", beta=beta, learning_rate=learning_rate)


def _theta_path(run: Run) -> np.ndarray:
    """The run's parameters per epoch (original units), without points that blew up."""
    h = run.history
    theta = stack_theta(h.coef, h.intercept, fit_intercept)
    return within_bowl(theta, h.loss[h.epoch])


st.title("Learn")
st.caption(
    f"{md_text(ctx.dataset.description)} Everything below uses the sidebar's data: **{n_rows:,} "
    f"training rows** of {md_name(problem.target_name)} against "
    f"{', '.join(map(md_name, problem.feature_names))}.",
    help=full_names([problem.target_name, *problem.feature_names]),
)
st.markdown(
    "One loss convention everywhere, as chosen in the sidebar: "
    + (
        "the **mean squared error with a 1/n factor**"
        if settings.loss == "mse"
        else "**half the mean squared error, with a 1/(2n) factor** (the gradient loses its 2)"
    )
    + ", plus the L2 penalty when λ₂ > 0."
)
st.latex(lessons.loss_latex(settings.loss))


def _worked_note() -> str | None:
    """Why the worked steps differ from the sidebar's run, when they do."""
    notes = []
    if not settings.full_batch(n_rows):
        kind = "one-row stochastic steps" if settings.batch_size == 1 else "mini-batches"
        notes.append(
            f"Your run uses {kind}: each of its updates sees a different, shuffled slice of the "
            "rows, so no short sum checks it. The steps below are **full batch**: every update "
            "sums over all rows, with the same rule, rate, start and data."
        )
    if settings.standardize:
        notes.append(
            "Your run descends on standardized features. The steps below use the **raw "
            "features**, so every number is in the data's own units and can be checked against "
            "the rows shown (the same rule and rate; on raw features it may step differently)."
        )
    return " ".join(notes) or None


def update_rule_section() -> None:
    """The chosen rule in LaTeX, then its first three steps worked by hand and checked."""
    st.header("1 · The update rule, step by step", divider="gray")
    rule = RULES[settings.optimizer]
    st.markdown(
        f"**{rule.label}**, exactly as the engine runs it, with "
        "gₜ = ∇L(θₜ) the gradient and θ = (w, b) all parameters:"
    )
    st.latex(rule.latex)
    st.latex(lessons.rule_values(settings))
    st.markdown(rule.words)

    note = _worked_note()
    if note:
        st.info(note, icon=":material/calculate:")
    worked_run = _run(replace(settings, batch_size=None, tol=None, standardize=False))
    steps = []
    if worked_run is not None:
        steps = worked_steps(problem.X, problem.y, worked_run, count=3)
    if worked_run is not None and not steps:
        st.warning("The run blew up in its first step, so there is no step to work through.")
    if steps:
        for tab, step in zip(st.tabs([f"Step {s.epoch}" for s in steps]), steps, strict=True):
            with tab:
                _worked_step(step)
        discrepancy = worked_steps_discrepancy(steps, worked_run.history)
        if discrepancy < 1e-9:
            st.success(
                "Recomputed row by row, these numbers match the engine's own record of the run "
                f"(gradients and parameters agree to a relative {max(discrepancy, 1e-16):.0e}).",
                icon=":material/check_circle:",
            )
        else:
            st.warning(
                f"The hand computation differs from the engine's record by {discrepancy:.2g} "
                "(relative). Please report this data and these settings.",
                icon=":material/warning:",
            )


def _worked_step(step) -> None:
    """One step by hand: the predictions row by row, the gradient, the update."""
    st.markdown(
        f"**Start of step {step.epoch}**: loss L = {step.loss:.6g}. "
        "Predict every row with the current parameters:"
    )
    st.latex(lessons.prediction_latex(step, fit_intercept))
    st.dataframe(lessons.rows_table(step, problem.X, problem.y, problem.feature_names))
    if n_rows > lessons.SHOWN_ROWS:
        st.caption(
            f"The first {lessons.SHOWN_ROWS} of {n_rows:,} rows; the sums below run over every row."
        )
    st.markdown("**Gradient**: each partial derivative of the loss")
    for line in lessons.gradient_latex(step, n_rows, fit_intercept, settings.l2, settings.loss):
        st.latex(line)
    st.markdown(lessons.update_heading(step))
    for line in lessons.update_latex(step, fit_intercept):
        st.latex(line)


def rate_limit_section() -> None:
    """Eigenvalues, the rates they allow and the predicted convergence over the measured one."""
    st.header("2 · Why the learning rate has a limit", divider="gray")
    spectrum = ctx.spectrum
    st.markdown(
        "The loss is a quadratic bowl whose curvature is its Hessian H (constant). Along each "
        "eigenvector of H, with eigenvalue λᵢ, one step of plain gradient descent multiplies the "
        f"distance to the optimum by |1 − ηλᵢ|. For this data ({space} features):"
    )
    st.latex(
        r"\lambda_i \in \{" + r",\ ".join(tex(value) for value in spectrum.eigenvalues) + r"\}"
    )
    contraction = spectrum.contraction(rate)
    cols = st.columns(4)
    cols[0].metric("Stable limit 2/λmax", describe(spectrum.max_stable_lr))
    cols[1].metric("Best constant rate 2/(λmin+λmax)", describe(spectrum.best_lr))
    cols[2].metric("Condition number κ = λmax/λmin", describe(spectrum.condition))
    cols[3].metric(f"Distance per epoch at η = {rate:g}", lessons.per_epoch(contraction))
    if np.isinf(spectrum.condition):
        st.info(
            "λmin = 0: some combination of the parameters does not change the loss at all (a flat "
            "valley floor, e.g. two identical columns). κ is infinite, descent never settles that "
            "direction, and every other number here ignores it.",
            icon=":material/info:",
        )
    convergence_run = _run(
        lessons.plain_settings(settings, schedule="constant", schedule_params=())
    )
    plain = verdict(spectrum, "gd", rate, run=convergence_run)
    st.markdown(f"{plain.sentence} {lessons.contraction_sentence(spectrum, rate)}")
    if convergence_run is not None:
        st.plotly_chart(
            convergence_figure(convergence_run.history.loss, problem.fit.loss, contraction),
            key="learn_convergence",
        )
        losses = convergence_run.history.loss
        gap0 = losses[0] - problem.fit.loss
        check = ""
        if contraction < 1 and convergence_run.epochs_run > 0:
            # Compare where the prediction has fallen a millionfold, before rounding hides the gap.
            epoch = int(min(math.ceil(spectrum.epochs_to_shrink(rate, 1e6)), len(losses) - 1))
            predicted = predicted_loss_gap(gap0, contraction, [epoch])[0]
            check = (
                f" At epoch {epoch:,} it predicts a gap of at most {predicted:.3g}; the run's is "
                f"{max(losses[epoch] - problem.fit.loss, 0.0):.3g}."
            )
        st.caption(
            f"Measured: plain full-batch gradient descent at constant η = {rate:g} on the {space} "
            "features. Predicted: the gap at epoch 0 times ρ²ᵗ, the bound set by the slowest "
            f"direction.{check}"
        )
    if settings.optimizer != "gd":
        _chosen_rule_verdict(spectrum)


def _chosen_rule_verdict(spectrum) -> None:
    """What the sidebar's own rule does at this rate: its limit when one is known, and its run."""
    rule_run = _run(replace(settings, batch_size=None, tol=None))
    chosen = verdict(spectrum, settings.optimizer, rate, settings.optimizer_params, run=rule_run)
    st.subheader(f"Your rule: {chosen.rule_name}")
    st.markdown(f"{chosen.sentence} {RULES[settings.optimizer].limit_words}")
    if not settings.full_batch(n_rows):
        st.caption(
            "This verdict is for full-batch steps (its run sums over every row). Mini-batches "
            "add noise to each step, which a smaller rate absorbs."
        )


#: How the standardization lesson maps its coordinates back, with and without an intercept.
MAPPING_NOTE = {
    True: "The standardized run descends on z-scores zⱼ = (xⱼ − μⱼ)/σⱼ; its weights map back to "
    "the data's units as wⱼ = w_zⱼ/σⱼ and b = b_z − Σ wⱼμⱼ: the same model either way.",
    False: "Without an intercept the columns are only divided by their root mean square sⱼ (a "
    "shift would need a b to absorb it), and wⱼ = w_zⱼ/sⱼ maps the weights back.",
}


def _plane() -> tuple[int, int]:
    """The two parameters the maps show, chosen by the learner; the narrowest valley first."""
    options = lessons.planes(len(names))
    if st.session_state.get("learn_plane") not in options:
        st.session_state.pop("learn_plane", None)
    return st.selectbox(
        "Parameters shown",
        options,
        index=options.index(lessons.steepest_valley(problem.loss)),
        key="learn_plane",
        format_func=lambda plane: f"{names[plane[0]]} and {names[plane[1]]}",
        help="Every other parameter is held at its optimum. The default is the narrowest "
        "valley of the raw loss.",
    )


def _side_by_side(raw_run: Run, std_run: Run, axes: tuple[int, int]) -> None:
    """Contour maps of the raw and the standardized loss, each with its run's path."""
    stability = problem.stability
    shown = list(axes)
    scaling = Scaling.standardizing(problem.loss)
    optimum = optimum_parameters(problem.fit, fit_intercept)
    raw_path = _theta_path(raw_run)
    std_path = scaling.to_scaled(_theta_path(std_run), fit_intercept)
    std_optimum = scaling.to_scaled(optimum, fit_intercept)
    left = lessons.surface_around(
        problem.loss, axes, np.vstack([optimum, raw_path]), optimum, SIDE_BY_SIDE_ASPECT
    )
    right = lessons.surface_around(
        problem.loss.rescaled(scaling),
        axes,
        np.vstack([std_optimum, std_path]),
        std_optimum,
        SIDE_BY_SIDE_ASPECT,
    )
    st.plotly_chart(
        surfaces_side_by_side(
            left,
            right,
            titles=(
                f"Raw features · κ = {describe(stability.raw.condition)}",
                f"Standardized · κ = {describe(stability.standardized.condition)}",
            ),
            axis_names_left=[names[a] for a in axes],
            axis_names_right=[f"{names[a]}, z units" for a in axes],
            paths=(raw_path[:, shown], std_path[:, shown]),
            optima=(optimum[shown], std_optimum[shown]),
        ),
        key="learn_surfaces",
    )
    st.caption(lessons.equal_scale_note([names[a] for a in axes], problem.target_name, axes, d))


def standardization_section() -> tuple[int, int] | None:
    """Raw and standardized bowls side by side, and what the same epochs achieve on each.

    Returns the plane the learner chose to look at (None with a single parameter).
    """
    st.header("3 · Standardization rounds the bowl", divider="gray")
    stability = problem.stability
    choices = {"best": "each at its own safe rate", "yours": f"both at your η = {rate:g}"}
    use_best = (
        st.radio(
            "Rates",
            tuple(choices),
            key="learn_std_rate",
            horizontal=True,
            persist_state="session",
            format_func=choices.get,
        )
        == "best"
    )
    axes = _plane() if len(names) >= 2 else None
    pair = {}
    for label, spec in (("raw", stability.raw), ("standardized", stability.standardized)):
        chosen = lessons.lesson_rate(spec) if use_best else rate
        run = _run(
            lessons.plain_settings(
                settings,
                standardize=label == "standardized",
                learning_rate=chosen,
                schedule="constant",
                schedule_params=(),
            )
        )
        if run is None:
            return axes
        pair[label] = (chosen, run)
    if axes is not None:
        _side_by_side(pair["raw"][1], pair["standardized"][1], axes)
    else:
        st.caption("The model has a single parameter, so there is no surface to draw.")
    st.dataframe(lessons.standardization_table(pair, stability, problem.fit, names))
    gaps = [
        lessons.gap_text(
            verdict(spec, "gd", chosen, run=run), run.history.loss[-1] - problem.fit.loss
        )
        for spec, (chosen, run) in zip(
            (stability.raw, stability.standardized), pair.values(), strict=True
        )
    ]
    which = "each at its own safe rate" if use_best else f"both at η = {rate:g}"
    st.markdown(
        f"After the same **{words.epochs(settings.epochs)}** of plain full-batch descent "
        f"({which}), the loss gap L − L* is {gaps[0]} on the raw features and "
        f"{gaps[1]} on the standardized ones (a run arrives when its loss is within "
        f"{lessons.ARRIVED:.0e} of L*, relative). {MAPPING_NOTE[fit_intercept]}"
        + (f" {lessons.LESSON_RATE_RULE}" if use_best else "")
    )
    if stability.standardized.condition > 10:
        st.info(
            "Standardizing evens out the columns' scales, not their correlation: κ is still "
            f"{describe(stability.standardized.condition)} afterwards because some features move "
            "together. An L2 penalty (next) or dropping a redundant feature rounds the bowl.",
            icon=":material/info:",
        )
    return axes


def ridge_section(axes: tuple[int, int] | None) -> None:
    """A penalty slider that reshapes the bowl, moves its bottom and changes κ."""
    st.header("4 · L2 reshapes the bowl", divider="gray")
    st.markdown(
        "The penalty λ₂ Σ wⱼ² adds 2λ₂ to the curvature along every weight (never along b): the "
        "bowl gets steeper and rounder, and its bottom moves towards w = 0. Slide to see it."
    )
    l2 = st.select_slider(
        "L2 strength λ₂",
        options=L2_STOPS,
        value=0.1,
        key="learn_l2",
        format_func=lambda v: f"{v:g}",
        persist_state="session",
    )
    plain_fit, plain_spectrum = lessons.ridge(ctx.problem_key, ctx.upload, 0.0)
    ridge_fit, ridge_spectrum = lessons.ridge(ctx.problem_key, ctx.upload, l2)
    data_loss = ridge_fit.loss - l2 * float(ridge_fit.coef @ ridge_fit.coef)
    for column, (label, now, before) in zip(
        st.columns(3),
        (
            ("Condition number κ", describe(ridge_spectrum.condition),
             f"from {describe(plain_spectrum.condition)} without L2"),
            ("Stable limit 2/λmax", describe(ridge_spectrum.max_stable_lr),
             f"from {describe(plain_spectrum.max_stable_lr)}"),
            (f"Optimum's training {LOSS_NAMES[settings.loss]}", f"{data_loss:.4g}",
             f"from {plain_fit.loss:.4g}"),
        ),
        strict=True,
    ):  # fmt: skip
        column.metric(label, now, delta=before, delta_color="off", delta_arrow="off")
    if axes is not None:
        _ridge_surface(axes, plain_fit, ridge_fit, l2)
    st.dataframe(
        {
            "parameter": names,
            "without L2": [f"{v:.6g}" for v in optimum_parameters(plain_fit, fit_intercept)],
            f"with λ₂ = {l2:g}": [f"{v:.6g}" for v in optimum_parameters(ridge_fit, fit_intercept)],
        },
        hide_index=True,
    )
    if l2 != settings.l2:
        st.caption(
            f"This slider explores on its own; the sidebar's L2 strength (λ₂ = {settings.l2:g}) "
            "is what your runs use."
        )


def _ridge_surface(axes: tuple[int, int], plain_fit, ridge_fit, l2: float) -> None:
    """The bowl with L2 on the plane ``axes``: both optima, and the path of w towards 0."""
    plain_optimum = optimum_parameters(plain_fit, fit_intercept)
    ridge_optimum = optimum_parameters(ridge_fit, fit_intercept)
    no_weights = ridge_optimum.copy()
    no_weights[: len(problem.feature_names)] = 0.0
    surface = lessons.surface_around(
        replace(problem.loss, l2=l2),
        axes,
        np.vstack([plain_optimum, ridge_optimum, no_weights]),
        ridge_optimum,
        SINGLE_ASPECT,
    )
    figure = ridge_surface_figure(
        surface, plain_optimum[list(axes)], ridge_optimum[list(axes)], [names[a] for a in axes]
    )
    st.plotly_chart(figure, key="learn_ridge")


def momentum_section() -> None:
    """The heavy-ball optimum for this data, one click away from the sidebar."""
    spectrum = ctx.spectrum
    st.header("5 · Momentum's best setting, from the data", divider="gray")
    st.markdown(
        "For a quadratic bowl the best heavy-ball momentum is known in closed form (Polyak, 1964): "
        "with κ = λmax/λmin,"
    )
    st.latex(
        r"\beta^* = \left(\frac{\sqrt\kappa - 1}{\sqrt\kappa + 1}\right)^2, \qquad"
        r"\eta^* = \left(\frac{2}{\sqrt{\lambda_{\max}} + \sqrt{\lambda_{\min}}}\right)^2"
    )
    best = momentum_suggestion(spectrum)
    if best is None:
        st.info(
            "This data has a flat direction (λmin = 0, κ = ∞), so no momentum converges at a "
            "steady rate. Standardize, add a little L2, or drop a duplicated column first.",
            icon=":material/info:",
        )
    else:
        plain_factor = (spectrum.condition - 1) / (spectrum.condition + 1)
        st.latex(
            rf"\kappa = {tex(spectrum.condition, 4)}:\quad \beta^* = {tex(best.beta, 4)},\quad "
            rf"\eta^* = {tex(best.learning_rate, 4)}"
        )
        st.markdown(
            f"On the {space} features the error then shrinks by √β* = "
            f"**{lessons.near_one(best.factor)}** per epoch, against (κ − 1)/(κ + 1) = "
            f"**{lessons.near_one(plain_factor)}** for plain gradient descent at its best rate."
        )
        setting = lessons.momentum_setting(spectrum)
        if setting is None:
            st.caption("No stop of the learning-rate control is small enough to apply it here.")
        else:
            beta, snapped = setting
            st.button(
                f"Use momentum with β = {beta:.4g} and η = {snapped:g}",
                key="learn_use_momentum",
                icon=":material/bolt:",
                on_click=_use_momentum,
                args=(beta, snapped),
            )
            st.caption(
                f"The learning-rate control has stops, so η is the nearest one not above η* "
                f"({snapped:g}), and β is re-tuned to it as (1 − √(ηλmin))² (capped at "
                f"{SCHEMA['beta'].high}). Full batch assumed: mini-batch noise calls for a "
                "smaller η."
            )


update_rule_section()
rate_limit_section()
ridge_section(standardization_section())
momentum_section()
