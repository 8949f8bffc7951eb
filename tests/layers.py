"""Which packages a layer pulls in, asked of a fresh interpreter (nothing imported before)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def loaded_packages(modules: list[str], packages: set[str]) -> list[str]:
    """The modules of ``packages`` loaded after importing ``modules`` in a fresh interpreter."""
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in {packages!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [name for name in result.stdout.strip().split(",") if name]
