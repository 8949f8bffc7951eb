"""Charts are pure: no Streamlit, checked in a fresh interpreter."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]


def test_charts_import_no_streamlit():
    code = (
        "import sys, charts, charts.fit, charts.learn, charts.player_data, charts.race\n"
        "banned = {'streamlit', 'ui'}\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in banned)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
    for path in (ROOT / "charts").rglob("*.py"):
        assert "streamlit" not in path.read_text(), path
