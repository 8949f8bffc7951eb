"""Names on charts: every special character neutralised, long names shortened, directions contained.

That Plotly then draws each name as typed is checked in a browser
(``tests/browser/test_escaping.py``); here, what the figures are given.
"""

import html
import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from charts.fit import predicted_vs_actual_figure, sets_side_by_side_figure
from charts.learn import ridge_surface_figure, surfaces_side_by_side
from charts.player_data import name_labels
from charts.race import race_data
from charts.text import NAME_CHARS, WORD_JOINER, isolated, label, plotly_text, scene_text
from core import loss_surface
from tests.charts.conftest import Problem
from tests.charts.test_player_data import data_of
from tests.hostile_names import HOSTILE, MORE

FSI, PDI, RLO = "\u2068", "\u2069", "\u202e"


@pytest.mark.parametrize(
    ("char", "entity"),
    [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("$", "&#36;"), ("%", "&#37;"),
     ("{", "&#123;"), ("}", "&#125;")],
)  # fmt: skip
def test_each_markup_character_becomes_an_entity(char, entity):
    assert plotly_text(f"a{char}b") == f"a{entity}b"


def test_a_link_a_formula_and_a_template_are_left_without_markup():
    assert plotly_text('<a href="http://127.0.0.1:9/">y</a>', limit=None) == (
        '&lt;a href="http://127.0.0.1:9/"&gt;y&lt;/a&gt;'
    )
    assert plotly_text(r"$\rule{5000px}{5000px}$") == (
        r"&#36;\rule&#123;5000px&#125;&#123;5000px&#125;&#36;"
    )
    assert plotly_text("%{x:.2f}") == "&#37;&#123;x:.2f&#125;"
    assert plotly_text("height_cm (m²)") == "height_cm (m²)"


@given(st.text(max_size=60))
def test_the_entities_read_back_as_the_name(text):
    shown = plotly_text(text, limit=None)
    assert not set("<>$%{}") & set(shown)
    assert html.unescape(shown) == label(text, limit=None)


def test_a_3d_title_keeps_its_characters_but_reads_no_tag():
    assert scene_text("<b>x</b> & $y$ %{z}") == (f"<{WORD_JOINER}b>x<{WORD_JOINER}/b> & $y$ %{{z}}")


def test_long_names_are_shortened_with_an_ellipsis():
    long = HOSTILE["long"]
    for shorten in (plotly_text, scene_text, label):
        shown = shorten(long)
        assert len(shown) == NAME_CHARS and shown.endswith("…")
        assert shown[:-1] == long[: NAME_CHARS - 1]
    assert plotly_text("x" * NAME_CHARS) == "x" * NAME_CHARS
    assert label(long, limit=None) == long


def test_line_breaks_and_controls_become_spaces():
    assert label("a\nb\r\nc\td\x00e") == "a b  c d e"


def test_a_direction_override_stays_inside_its_name():
    assert isolated("plain") == "plain"
    assert isolated(f"{RLO}abc") == f"{FSI}{RLO}abc{PDI}"
    # A stray pop would end the isolate early: it is left out. An isolate opened and
    # never closed is closed before the name ends.
    assert isolated(f"{PDI}\u2067rtl") == f"{FSI}\u2067rtl{PDI}{PDI}"
    assert plotly_text(f"{RLO}abc") == f"{FSI}{RLO}abc{PDI}"


def test_predicted_against_actual_titles_its_axes_with_the_name_as_typed():
    target = HOSTILE["img_tag"]
    fig = predicted_vs_actual_figure([1.0, 2.0, 3.0], [1.1, 1.9, 3.2], target_name=target)
    assert fig.layout.xaxis.title.text == f"actual {plotly_text(target)}"
    assert fig.layout.yaxis.title.text == f"predicted {plotly_text(target)}"
    assert "<a" not in json.dumps(fig.to_plotly_json())


def test_sets_side_by_side_escape_names_in_titles_and_hover():
    sets = {"<b>I</b>": (np.array([1.0, 2.0]), np.array([2.0, 3.0]))}
    feature, target = HOSTILE["katex"], MORE["template"]
    fig = sets_side_by_side_figure(sets, 1.0, 1.0, feature_name=feature, target_name=target)
    points = fig.data[0]
    assert points.hovertemplate == (
        f"{plotly_text(feature)} = %{{x:.4g}}<br>{plotly_text(target)} = %{{y:.4g}}<extra></extra>"
    )
    assert fig.layout.xaxis.title.text == plotly_text(feature)
    assert fig.layout.yaxis.title.text == plotly_text(target)
    assert fig.layout.annotations[0].text == "set &lt;b&gt;I&lt;/b&gt;"


def test_maps_on_the_learn_page_escape_their_axis_names(line_problem):
    names = [HOSTILE["image"], HOSTILE["img_tag"]]
    surface = loss_surface(
        line_problem.loss, (0, 1), np.linspace(0, 3, 5), np.linspace(0, 2, 5), np.zeros(2)
    )
    side = surfaces_side_by_side(
        surface, surface, titles=("raw", "standardized"), axis_names_left=names,
        axis_names_right=names,
    )  # fmt: skip
    ridge = ridge_surface_figure(surface, (1.0, 1.0), (0.9, 1.0), names)
    for fig in (side, ridge):
        assert fig.layout.xaxis.title.text == plotly_text(names[0])
        assert fig.layout.yaxis.title.text == plotly_text(names[1])
        assert fig.data[0].hovertemplate.startswith(
            f"{plotly_text(names[0])} = %{{x:.4g}}<br>{plotly_text(names[1])} = %{{y:.4g}}"
        )


def test_the_player_gets_each_name_in_the_form_each_place_needs():
    labels = name_labels(["w (<b>x</b>)", "b (intercept)"], target="$y$")
    assert labels["target"] == "&#36;y&#36;"
    assert labels["params"] == ["w (&lt;b&gt;x&lt;/b&gt;)", "b (intercept)"]
    assert labels["sceneParams"] == [f"w (<{WORD_JOINER}b>x<{WORD_JOINER}/b>)", "b (intercept)"]
    assert labels["words"] == {"target": "$y$", "params": ["w (<b>x</b>)", "b (intercept)"]}


def test_player_and_race_data_carry_escaped_names(line_problem):
    feature, target = "<b>x</b> $y$ %{z}", HOSTILE["long"]
    problem = Problem(line_problem.X, line_problem.y, [feature])
    runs = [problem.descend(learning_rate=0.1, epochs=20)]
    data = data_of(problem, runs, [0.1], feature_names=[feature], target_name=target)
    param = f"w ({feature})"
    assert data["labels"]["feature"] == plotly_text(feature)
    assert (
        data["labels"]["target"] == plotly_text(target)
        and len(data["labels"]["target"]) == NAME_CHARS
    )
    assert data["labels"]["params"] == [plotly_text(param), "b (intercept)"]
    assert data["labels"]["sceneParams"] == [scene_text(param), "b (intercept)"]
    assert data["labels"]["words"]["feature"] == feature
    assert data["runs"][0]["final"]["params"][0].startswith(f"{label(param)} = ")
    race = race_data([("1. GD", runs[0])], problem.fit, problem.loss, param_names=[param, "b"])
    assert race["labels"]["params"] == [plotly_text(param), "b"]
    assert race["labels"]["words"]["params"] == [param, "b"]
