"""The Descent page's player through AppTest: what it is sent, read from its element."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import stated, table_with
from ui.settings import LEARNING_RATES

APP = str(Path(__file__).parents[2] / "app.py")


def player_bytes(at: AppTest) -> tuple[dict, bytes]:
    """The header and the body's bytes the player element carries (empty: the header alone)."""
    players = [e for e in at.main if getattr(e, "type", None) == "bidi_component"]
    assert all(e.proto.component_name == "downhill_player" for e in players)
    heads = [json.loads(e.proto.bytes.split(b"\n", 1)[0]) for e in players]
    assert [h["mode"] for h in heads] == ["preload", "ladder"], "plotly.js is asked for first"
    header, body = players[1].proto.bytes.split(b"\n", 1)
    return json.loads(header), body


def player_data(at: AppTest) -> tuple[dict, dict]:
    """The header and body the player element carries (bytes: a header line, then the body)."""
    header, body = player_bytes(at)
    assert body, "the body was not sent"
    return header, json.loads(body)


def metric(at, label):
    return stated(at)[label]


@pytest.fixture
def app():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_player_gets_every_rate_and_shows_the_sidebars(app):
    header, body = player_data(app)
    assert body["rates"] == list(LEARNING_RATES)
    assert body["rates"][header["selected"]] == app.session_state["learning_rate"] == 0.05
    assert header["plotly"] == "/app/static/plotly.min.js.gz"
    # The player follows the sidebar's slider: its widget key, and each run's stop on it.
    assert header["follow"] == {
        "key": "rate_ladder",
        "stops": list(range(len(LEARNING_RATES))),
    }
    run = body["runs"][header["selected"]]
    assert metric(app, "Epochs run") == f"{run['epochsRun']:,}"
    final = float(table_with(app, "closed form").loc["w (x)", "gradient descent"])
    assert run["final"]["params"][0] == f"w (x) = {final:.3g}"
    assert (Path(APP).parent / "static" / "plotly.min.js.gz").is_file()


def test_a_new_rate_moves_the_selection_and_sends_the_header_alone(app):
    header, same = player_data(app)
    app.select_slider(key="rate_ladder").set_value(3.0).run()
    assert not app.exception
    after, body = player_bytes(app)
    assert after["key"] == header["key"], "the rate alone must not rebuild what the player draws"
    assert body == b"", "the browser holds this body already"
    assert same["rates"][after["selected"]] == 3.0
    shown = same["runs"][after["selected"]]
    assert shown["stop"] == "diverged" and metric(app, "Stopped because") == "diverged"


def test_the_body_goes_again_when_the_browser_says_it_lacks_it(app):
    header, _ = player_data(app)
    app.select_slider(key="rate_ladder").set_value(0.1).run()
    assert player_bytes(app)[1] == b""
    missing = {"missing": f"{header['key']}@1"}
    app.session_state["player"] = missing  # what the element reports when it was re-created
    app.select_slider(key="rate_ladder").set_value(0.2).run()
    assert not app.exception
    again, body = player_data(app)
    assert again["key"] == header["key"] and body["rates"][again["selected"]] == 0.2
    app.select_slider(key="rate_ladder").set_value(0.3).run()
    assert player_bytes(app)[1] == b"", "one report, one resend"


def test_the_rate_scrubber_carries_the_rules_regimes_and_limit(app):
    _, body = player_data(app)
    limit = app.session_state["learning_rate"]  # 0.05 on the default bowl, whose limit is ~1
    regimes = dict(zip(body["rates"], body["regimes"], strict=True))
    assert regimes[limit] == "smooth" and regimes[3.0] == "diverges"
    assert body["limit"]["text"].startswith("Plain gradient descent is stable below 2/λmax ≈ ")
    app.selectbox(key="optimizer").set_value("adam").run()
    _, adam = player_data(app)
    assert set(adam["regimes"]) == {"unknown"} and adam["limit"]["rate"] is None
    assert "no closed-form limit" in adam["limit"]["text"]


def test_a_stochastic_runs_strip_marks_the_rates_whose_runs_diverged():
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["batch_mode"] = "stochastic"
    at.query_params["learning_rate"] = "0.9"
    at.run()
    assert not at.exception, at.exception
    _, body = player_data(at)
    regimes = dict(zip(body["rates"], body["regimes"], strict=True))
    stops = {rate: run["stop"] for rate, run in zip(body["rates"], body["runs"], strict=True)}
    # Under the full-batch limit (0.996), yet every single-row step overshoots its row.
    assert stops[0.9] == "diverged" and regimes[0.9] == "diverges"
    assert all(regimes[r] == "diverges" for r, stop in stops.items() if stop == "diverged")
    # A run that did not blow up keeps its full-batch regime.
    assert stops[0.7] != "diverged" and regimes[0.7] == "oscillates"
    said = next(e.value for e in at.error if "η = 0.9" in e.value)
    assert "converges with full-batch steps" in said and "The run diverged" in said


def test_other_settings_rebuild_the_body(app):
    header, _ = player_data(app)
    app.number_input(key="epochs").set_value(120).run()
    after, body = player_data(app)
    assert after["key"] != header["key"]
    assert body["frames"][-1] == 120


def test_plotly_js_is_gzipped_once_and_again_when_it_differs(tmp_path):
    import gzip

    from ui.player import ensure_plotly_js

    source = tmp_path / "plotly.min.js"
    source.write_text("first " * 100)
    static = tmp_path / "static"
    target = ensure_plotly_js(static, source)
    assert target.name == "plotly.min.js.gz"
    assert gzip.decompress(target.read_bytes()) == source.read_bytes()
    assert len(target.read_bytes()) < len(source.read_bytes()) / 4, "it is compressed"
    written = target.stat().st_mtime_ns
    assert ensure_plotly_js(static, source).stat().st_mtime_ns == written
    source.write_text("second")
    assert gzip.decompress(ensure_plotly_js(static, source).read_bytes()) == b"second"
    target.write_bytes(b"not gzip at all")
    assert gzip.decompress(ensure_plotly_js(static, source).read_bytes()) == b"second"
    assert [p.name for p in static.iterdir()] == [target.name], "no temporary file is left"


def test_the_player_element_imports_its_module_from_static_instead_of_carrying_it(app, tmp_path):
    from ui.player import joined_module, module_file

    path = module_file(tmp_path)
    assert path.read_text(encoding="utf-8") == joined_module()
    assert module_file(tmp_path) == path, "the same module keeps its name"
    players = [e for e in app.main if getattr(e, "type", None) == "bidi_component"]
    assert players
    for player in players:
        assert f"app/static/{path.name}" in player.proto.js_content
        assert len(player.proto.js_content) < 2_000 < len(joined_module()) // 10


def test_a_typed_rate_off_the_ladder_is_the_run_shown(app):
    app.number_input(key="rate_typed").set_value(0.99).run()
    assert not app.exception
    header, body = player_data(app)
    assert body["rates"][header["selected"]] == 0.99
    assert 1.0 in body["rates"]
    # The sidebar's slider has no stop at 0.99: moving it never shows that run by itself.
    stops = header["follow"]["stops"]
    assert stops[header["selected"]] == -1
    assert stops[body["rates"].index(1.0)] == LEARNING_RATES.index(1.0)
