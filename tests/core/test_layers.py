"""The engine imports no user-interface package (checked in a fresh interpreter)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_core_imports_no_streamlit_or_plotly():
    modules = sorted(p.stem for p in (ROOT / "core").glob("*.py") if p.stem != "__main__")
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module('core' if name == '__init__' else 'core.' + name)\n"
        "import core.data\n"
        "ui = {'streamlit', 'plotly', 'charts', 'ui'}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ui)\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_no_source_under_core_mentions_them():
    for path in (ROOT / "core").rglob("*.py"):
        text = path.read_text()
        assert "import streamlit" not in text and "import plotly" not in text, path
