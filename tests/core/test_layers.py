"""The engine imports no user-interface package (checked in a fresh interpreter)."""

from tests.layers import ROOT, loaded_packages


def test_core_imports_no_streamlit_or_plotly():
    # Every module, packages included (core.data, core.export), whatever their depth.
    modules = sorted(
        ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for p in (ROOT / "core").rglob("*.py")
        if p.stem != "__main__"
    )
    assert loaded_packages(modules, {"streamlit", "plotly", "charts", "ui"}) == []


def test_no_source_under_core_mentions_them():
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text()
        assert "import streamlit" not in text and "import plotly" not in text, path
