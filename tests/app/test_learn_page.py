"""The Learn page through AppTest: worked numbers, stability, L2, momentum suggestion."""

import numpy as np
import pytest

from core import QuadraticLoss, stability_of
from core.analysis import momentum_suggestion
from tests.app.helpers import assert_fine, open_page
from ui.settings import LEARNING_RATES


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
    """The five-point tutorial data, every row for training, at ``rate``."""
    at.selectbox(key="preset").set_value("tutorial_5_points").run()
    at.slider(key="test_fraction").set_value(0.0).run()
    at.select_slider(key="learning_rate").set_value(rate).run()
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


def test_other_rules_show_their_update_and_still_work_plain_steps(app):
    tutorial(app)
    app.selectbox(key="optimizer").set_value("adam").run()
    assert_fine(app)
    assert r"\beta_1" in latex(app)
    assert any("plain full-batch gradient descent" in i.value for i in app.info)
    assert r"= -26.4" in latex(app)


def test_stability_numbers_and_a_diverging_rate(app):
    tutorial(app, rate=0.1)
    limit = next(m for m in app.metric if m.label.startswith("Stable limit"))
    assert limit.value == "0.0845"
    assert any("The run diverges" in m.value for m in app.markdown)
    assert not any("nan" in text.lower().split() for text in texts(app))


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
