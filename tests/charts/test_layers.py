"""Charts are pure: no Streamlit, checked in a fresh interpreter."""

from tests.layers import ROOT, loaded_packages


def test_charts_import_no_streamlit():
    modules = sorted(f"charts.{p.stem}" for p in (ROOT / "charts").glob("*.py"))
    assert loaded_packages(modules, {"streamlit", "ui"}) == []
    for path in (ROOT / "charts").rglob("*.py"):
        assert "streamlit" not in path.read_text(), path
