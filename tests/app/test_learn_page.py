"""The Learn page through AppTest: worked numbers, stability, L2, momentum suggestion."""

import re

import numpy as np
import pytest

from core import QuadraticLoss, descend, stability_of
from core.analysis import momentum_suggestion
from core.data import BUNDLED, PRESETS
from core.optimizers import RULES, make_optimizer
from tests.app.helpers import assert_fine, open_page
from ui.lessons import tex
from ui.settings import LEARNING_RATES

X5 = np.arange(1.0, 6.0)[:, None]
Y5 = np.array([2.0, 4.0, 5.0, 4.0, 5.0])


@pytest.fixture
def app():
    return open_page("pages/learn.py")


def latex(at) -> str:
    return "\n".join(element.value for element in at.latex)


def texts(at) -> list[str]:
    return [
        str(element.value)
        for kind in ("markdown", "caption", "info", "warning", "success", "latex")
        for element in getattr(at, kind)
    ] + [f"{m.value} {m.delta or ''}" for m in at.metric]


def tutorial(at, rate=0.01):
    """The five-point tutorial data (its own settings fit every row), at ``rate``."""
    at.selectbox(key="preset").set_value("tutorial_5_points").run()
    at.select_slider(key="rate_ladder").set_value(rate).run()
    assert_fine(at)


def test_renders_every_section(app):
    assert app.title[0].value == "Learn"
    assert [h.value[:3] for h in app.main.header] == ["1 ·", "2 ·", "3 ·", "4 ·", "5 ·"]
    assert "1/n" in " ".join(m.value for m in app.markdown)
    assert any("match the engine" in s.value for s in app.success)
    assert not any("nan" in text.lower().split() for text in texts(app))


def test_first_step_of_the_tutorial_is_worked_by_hand(app):
    tutorial(app)
    shown = latex(app)
    # From w = b = 0: ∂L/∂w = (2/5)(-66) = -26.4, ∂L/∂b = (2/5)(-20) = -8.
    assert r"\frac{2}{5}\cdot (-66) = -26.4" in shown
    assert r"\frac{2}{5}\cdot (-20) = -8" in shown
    assert r"0 - 0.01\cdot (-26.4) = 0.264" in shown
    assert r"0 - 0.01\cdot (-8) = 0.08" in shown
    # The second step starts where the first ended.
    assert r"\hat y_i = w\,x_i + b = 0.264\,x_i + 0.08" in shown
    assert [tab.label for tab in app.tabs] == ["Step 1", "Step 2", "Step 3"]
    rows = app.dataframe[0].value
    assert list(rows["y"]) == [2.0, 4.0, 5.0, 4.0, 5.0]
    assert any("match the engine" in s.value for s in app.success)


#: The state each rule's worked steps name, as LaTeX writes it for the weight w.
STATE_LATEX = {
    "gd": [],
    "momentum": [r"v_{w} \leftarrow \beta\, v_{w} + g_{w}"],
    "nesterov": [r"v_{w} \leftarrow \beta\, v_{w} + g_{w}", r"(\beta\, v_{w} + g_{w})"],
    "adagrad": [r"G_{w} \leftarrow G_{w} + g_{w}^2"],
    "rmsprop": [r"s_{w} \leftarrow \rho\, s_{w} + (1-\rho)\, g_{w}^2"],
    "adam": [r"m_{w} \leftarrow", r"v_{w} \leftarrow", r"\hat m_{w} =", r"\hat v_{w} ="],
}


def engine_states(rule: str, history, steps: int = 3) -> list[list[np.ndarray]]:
    """The engine's own optimizer state after each step, fed the engine's gradients."""
    optimizer = make_optimizer(rule)
    theta = np.append(history.coef[0], history.intercept[0])
    state = optimizer.init(theta)
    states = []
    for e in range(steps):
        grad = np.append(history.grad_coef[e], history.grad_intercept[e])
        _, state = optimizer.update(grad, state, float(history.learning_rate[e]))
        states.append([np.asarray(part) for part in state if isinstance(part, np.ndarray)])
    return states


@pytest.mark.parametrize("rule", list(RULES))
def test_worked_steps_follow_the_chosen_rule(app, rule):
    tutorial(app)
    app.selectbox(key="optimizer").set_value(rule).run()
    assert_fine(app)
    shown = latex(app)
    assert RULES[rule].latex in shown
    # Hand-written for the rules the page first taught; every rule's numbers are checked below.
    for piece in STATE_LATEX.get(rule, []):
        assert piece in shown, piece
    # The engine's run of this rule on the five points, and its state per step.
    run = descend(X5, Y5, optimizer=rule, learning_rate=0.01, epochs=3)
    for e, state in enumerate(engine_states(rule, run.history), start=1):
        # Every parameter after the step, as the engine recorded it, ends a line.
        assert f"= {tex(run.history.coef[e][0])}" in shown
        assert f"= {tex(run.history.intercept[e])}" in shown
        for part in state:  # v; G; s; Adam's m and v
            assert f"= {tex(part[0])}" in shown, (e, part)
    # Plain descent's first step from 0: ∂L/∂w = (2/5)(−66) = −26.4 whatever the rule.
    assert r"= -26.4" in shown
    assert any("match the engine" in s.value for s in app.success)
    assert not any("plain full-batch gradient descent" in i.value for i in app.info)


def test_first_adam_step_is_eta_times_the_sign(app):
    tutorial(app, rate=0.1)
    app.selectbox(key="optimizer").set_value("adam").run()
    shown = latex(app)
    # m̂ = g and v̂ = g² at t = 1, so w and b both move by η = 0.1 (up to ε).
    assert r"\hat m_{w} = \frac{m_{w}}{1-\beta_1^{1}} = \frac{-2.64}{1-0.9^{1}} = -26.4" in shown
    assert r"\sqrt{696.96} + 1\times 10^{-8}} = 0.1" in shown
    assert any("sign of g" in m.value for m in app.markdown)


def test_mini_batches_and_standardizing_are_said_to_differ(app):
    tutorial(app)
    app.radio(key="batch_mode").set_value("stochastic").run()
    app.toggle(key="standardize").set_value(True).run()
    assert_fine(app)
    note = next(i.value for i in app.info if "full batch" in i.value)
    assert "one-row stochastic steps" in note and "raw features" in note
    # Still worked on the raw rows, full batch: the first gradient is the same.
    assert r"\frac{2}{5}\cdot (-66) = -26.4" in latex(app)
    assert any("match the engine" in s.value for s in app.success)


def test_stability_numbers_and_a_diverging_rate(app):
    tutorial(app, rate=0.1)
    limit = next(m for m in app.metric if m.label.startswith("Stable limit"))
    assert limit.value == "0.0845"
    per_epoch = next(m for m in app.metric if m.label.startswith("Distance per epoch"))
    assert per_epoch.value.startswith("grows ×")
    assert any(
        "Plain gradient descent at η = 0.1 diverges" in m.value and "grows ×" in m.value
        for m in app.markdown
    )
    assert not any("nan" in text.lower().split() for text in texts(app))


def test_momentum_says_what_is_known(app):
    tutorial(app)
    app.selectbox(key="optimizer").set_value("momentum").run()
    assert any("2(1+β)/λmax" in m.value for m in app.markdown)
    app.selectbox(key="optimizer").set_value("adam").run()
    assert any("no closed-form limit" in m.value for m in app.markdown)
    assert any(h.value.startswith("Your rule: Adam") for h in app.subheader)


def test_standardization_compares_the_same_epochs(app):
    table = next(d.value for d in app.dataframe if "closed form" in d.value.columns)
    assert list(table.columns) == [
        "raw features",
        "standardized, z units",
        "standardized, mapped back",
        "closed form",
    ]
    app.radio(key="learn_std_rate").set_value("yours").run()
    assert_fine(app)
    assert any("both at η = 0.05" in m.value for m in app.markdown)


def test_maps_open_on_the_narrowest_valley(app):
    app.selectbox(key="preset").set_value("correlated").run()
    assert_fine(app)
    # x1 and x2 are 0.97 correlated: the valley lies in the (w₁, w₂) plane, and
    # standardizing cannot round it.
    assert app.selectbox(key="learn_plane").value == (0, 1)
    assert any("not their correlation" in i.value for i in app.info)


def test_l2_slider_reshapes_the_bowl(app):
    tutorial(app)
    kappa = next(m for m in app.metric if m.label == "Condition number κ")
    app.select_slider(key="learn_l2").set_value(10.0).run()
    assert_fine(app)
    steeper = next(m for m in app.metric if m.label == "Condition number κ")
    assert float(steeper.value) < float(kappa.value)
    ridge = app.dataframe[-1].value
    assert ridge["with λ₂ = 10"].iloc[0] != ridge["without L2"].iloc[0]
    assert abs(float(ridge["with λ₂ = 10"].iloc[0])) < abs(float(ridge["without L2"].iloc[0]))


def test_momentum_suggestion_sets_the_sidebar(app):
    tutorial(app)
    button = next(b for b in app.button if b.key == "learn_use_momentum")
    button.click().run()
    assert_fine(app)
    state = app.session_state
    assert state["optimizer"] == "momentum"
    assert state["learning_rate"] in LEARNING_RATES
    # Tutorial data: κ = 70, η* = (2/(√λmax + √λmin))² ≈ 0.135 -> the stop below, 0.1.
    x = np.arange(1.0, 6.0)[:, None]
    spectrum = stability_of(QuadraticLoss.from_data(x, np.array([2.0, 4, 5, 4, 5]))).raw
    best = momentum_suggestion(spectrum)
    assert state["learning_rate"] == 0.1 < best.learning_rate
    assert 0 < state["beta"] < 1
    assert state["beta"] == pytest.approx((1 - (0.1 * spectrum.lambda_min) ** 0.5) ** 2, abs=1e-4)
    assert app.selectbox(key="optimizer").value == "momentum"


def test_a_flat_direction_is_explained_not_nan(app):
    rows = "\n".join(f"{i},{i},{2 * i + (i % 3)}" for i in range(12))
    app.selectbox(key="data_source").set_value("upload").run()
    app.file_uploader(key="upload_file").set_value(
        ("dup.csv", ("a,b,y\n" + rows).encode(), "text/csv")
    )
    app.run()
    assert_fine(app)
    assert app.session_state["features"] == ["a", "b"]
    shown = texts(app)
    assert any("flat" in text for text in shown)
    assert not any("nan" in text.lower().split() for text in shown)
    assert not any(b.key == "learn_use_momentum" for b in app.button)


DATA_CHOICES = [("preset", key) for key in PRESETS] + [("bundled", key) for key in BUNDLED]


def shrink_factors(text: str) -> list[float]:
    """Every factor the text says something shrinks by: "shrinks ×0.5", "shrinks by ρ² = 0.81"."""
    pattern = r"shrinks?(?: by)?(?: ρ²? = (?:max \|1 − ηλᵢ\| = )?| ×)(\d[\d.]*(?:e[-+]?\d+)?)"
    return [float(match) for match in re.findall(pattern, text, flags=re.IGNORECASE)]


@pytest.mark.parametrize(("source", "name"), DATA_CHOICES)
def test_every_data_choice_reads_right(app, source, name):
    app.session_state["data_source"] = source
    app.session_state[source] = name
    app.run()
    assert_fine(app)
    shown = texts(app)
    assert not any("nan" in text.lower().split() for text in shown)
    for text in shown:
        assert all(factor <= 1 for factor in shrink_factors(text)), text
    for metric in app.metric:
        if "shrink" in metric.label.lower():
            assert float(metric.value) <= 1, metric.label
    # The verdict and the per-epoch factor agree: a distance that grows diverges.
    per_epoch = next(m for m in app.metric if m.label.startswith("Distance per epoch"))
    verdict = next(m.value for m in app.markdown if m.value.startswith("Plain gradient descent at"))
    assert per_epoch.value.startswith("grows") == (" diverges" in verdict)
    assert any("match the engine" in s.value for s in app.success) or any(
        "blew up in its first step" in w.value for w in app.warning
    )


def test_a_lesson_run_that_diverges_is_said_to(app):
    app.session_state["data_source"] = "bundled"
    app.session_state["bundled"] = "engel"
    app.run()
    app.radio(key="learn_std_rate").set_value("yours").run()
    assert_fine(app)
    # Raw engel's limit is 7.6e-07: at 0.05 the raw run blows up at once.
    lesson = next(m.value for m in app.markdown if m.value.startswith("After the same"))
    assert "unbounded (the run diverged at epoch 1) on the raw features" in lesson
