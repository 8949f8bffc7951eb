"""The engine imports no user-interface package (checked in a fresh interpreter)."""

from tests.layers import ROOT, loaded_packages


def test_core_imports_no_streamlit_or_plotly():
    modules = sorted(
        "core" if p.stem == "__init__" else f"core.{p.stem}"
        for p in (ROOT / "core").glob("*.py")
        if p.stem != "__main__"
    )
    assert loaded_packages([*modules, "core.data"], {"streamlit", "plotly", "charts", "ui"}) == []


def test_no_source_under_core_mentions_them():
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text()
        assert "import streamlit" not in text and "import plotly" not in text, path
