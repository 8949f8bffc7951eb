"""Names from an upload reach every page's Markdown escaped (``ui.text.md_text``), never raw.

Long names are shortened where they sit in a sentence, a label or a table (``md_name``),
and the caption's or the input's tooltip gives them whole (``full_names``).

AppTest sees the Markdown the app sends; that Streamlit shows it as typed is checked in a
browser (``tests/browser/test_escaping.py``).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, TIMEOUT, assert_fine, markdown_tables, table_with
from tests.hostile_names import FILE_NAME, HOSTILE, LEFT_OUT, TARGET, hostile_csv
from ui.text import full_names, md_name, md_text

#: The names whose Markdown differs from the name itself (every one but the long plain one).
TRICKY = [name for name in HOSTILE.values() if md_text(name) != name]
FEATURES = [name for name in HOSTILE.values() if name not in (TARGET, LEFT_OUT)]


def shown(at: AppTest) -> list[str]:
    """Every piece of Markdown on the page: text, alerts, widget and metric labels, table labels."""
    texts = [
        str(element.value)
        for kind in ("markdown", "caption", "error", "warning", "info", "success")
        for element in getattr(at, kind)
    ]
    labels = [
        w.label for kind in ("number_input", "selectbox", "multiselect") for w in getattr(at, kind)
    ]
    tables = [
        str(label)
        for table in [*(t.value for t in at.table), *markdown_tables(at)]
        for label in [*table.index, *table.columns]
    ]
    return [*texts, *labels, *[m.label for m in at.metric], *tables]


def assert_no_raw_name(at: AppTest) -> None:
    for text in shown(at):
        for name in TRICKY:
            assert name not in text, (name, text[:300])


def uploaded(name: str = FILE_NAME, content: bytes | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="data_source").set_value("upload").run()
    at.file_uploader(key="upload_file").set_value((name, content or hostile_csv(), "text/csv"))
    at.run()
    assert_fine(at)
    return at


@pytest.fixture(scope="module")
def descent() -> AppTest:
    return uploaded()


def test_the_upload_is_fitted_with_its_own_names(descent):
    assert descent.session_state["target"] == TARGET
    assert descent.session_state["features"] == FEATURES


def test_the_descent_caption_escapes_file_target_and_features(descent):
    caption = descent.main.caption[0]
    assert caption.value.startswith(
        f"Uploaded file {md_text(FILE_NAME)}. Fitting **{md_name(TARGET)}**"
    )
    assert f"from {', '.join(map(md_name, FEATURES))} on " in caption.value
    assert caption.proto.help == full_names([TARGET, *FEATURES])
    assert f"\n\n{HOSTILE['long']}" in caption.proto.help
    assert f"\n\n{md_text(HOSTILE['anchor'])}" in caption.proto.help
    assert any(
        c.value.startswith(f"Predicted against actual {md_name(TARGET)} for")
        for c in descent.main.caption
    )


def test_the_sidebar_names_the_left_out_column_escaped(descent):
    left_out = f"left out: {md_name(LEFT_OUT)} (not numeric)"
    assert any(left_out in c.value for c in descent.sidebar.caption)


def test_the_parameters_table_and_the_prediction_inputs_escape_names(descent):
    index = list(table_with(descent, "closed form").index)
    assert [label.split(" (", 1)[1][:-1] for label in index[:-1]] == list(map(md_name, FEATURES))
    descent.session_state["open_predict"] = True
    descent.run()
    assert_fine(descent)
    inputs = {w.key: w for w in descent.main.number_input if w.key.startswith("predict_")}
    shown = [inputs[f"predict_{j}"] for j in range(len(FEATURES))]
    assert [w.label for w in shown] == list(map(md_name, FEATURES))
    assert [w.proto.help or None for w in shown] == [full_names([name]) for name in FEATURES]
    assert any(m.value.startswith(f"Predicted **{md_name(TARGET)}** = ") for m in descent.markdown)
    assert_no_raw_name(descent)


def test_compare_and_learn_escape_names(descent):
    described = md_text(f"Uploaded file {FILE_NAME}.")
    for page, start in (
        ("pages/compare.py", f"{described} Every run fits **{md_name(TARGET)}**"),
        ("pages/learn.py", f"{described} Everything below"),
    ):
        descent.switch_page(page).run()
        assert_fine(descent)
        assert descent.main.caption[0].value.startswith(start), page
        assert_no_raw_name(descent)
    caption = descent.main.caption[0]
    assert f"training rows** of {md_name(TARGET)} against {md_name(FEATURES[0])}, " in caption.value
    assert caption.proto.help == full_names([TARGET, *FEATURES])
    assert any(f"in units of {md_name(TARGET)}" in c.value for c in descent.main.caption)


def test_a_refused_file_is_named_escaped_and_so_is_the_one_still_fitted():
    at = uploaded()
    bad = HOSTILE["anchor"] + ".csv"
    at.file_uploader(key="upload_file").set_value((bad, b"\x00\x01binary", "text/csv"))
    at.run()
    assert_fine(at)
    assert any(e.value.startswith(md_text(f"{bad}: ")) for e in at.sidebar.error)
    assert any(f"Still fitting {md_name(FILE_NAME)}, " in c.value for c in at.sidebar.caption)
    assert_no_raw_name(at)


def test_typed_coefficients_are_quoted_escaped_in_the_error():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="data_source").set_value("generate").run()
    at.text_input(key="gen_coef").set_value(HOSTILE["image"]).run()
    assert_fine(at)
    said = [*at.sidebar.error, *at.main.warning]
    assert any(md_text(repr(HOSTILE["image"])) in e.value for e in said)
    assert_no_raw_name(at)
