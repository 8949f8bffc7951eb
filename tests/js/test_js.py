"""The player's JavaScript: its unit tests (``node --test tests/js``), its lint (eslint) and the
one module Streamlit runs, joined from its modules (:func:`ui.player.joined_module`).

Node and the pinned eslint come from ``bash scripts/setup-dev.sh`` (``npm ci``); without them
these tests fail and say so.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from ui.player import joined_module

REPO = Path(__file__).resolve().parents[2]
ESLINT = REPO / "node_modules" / "eslint" / "bin" / "eslint.js"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail("The JS tests need Node.js: run `bash scripts/setup-dev.sh`.")
    return node


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_node(), *args], cwd=REPO, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_the_players_unit_tests_pass() -> None:
    done = _run("--test", "tests/js")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert "# fail 0" in done.stdout and "# pass 0" not in done.stdout


def test_the_players_javascript_passes_lint() -> None:
    if not ESLINT.exists():
        pytest.fail("eslint is not installed: run `bash scripts/setup-dev.sh` (npm ci).")
    done = _run(str(ESLINT), "--max-warnings", "0", "ui/player", "tests/js", "eslint.config.js")
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]


def test_the_joined_module_parses_with_one_default_export() -> None:
    joined = joined_module()
    done = _run("--input-type=module", "--check", stdin=joined)
    assert done.returncode == 0, done.stderr[-3000:]
    assert joined.count("export default") == 1
    assert "\nimport " not in joined and "\nexport const" not in joined


def test_joining_refuses_renamed_imports(tmp_path) -> None:
    (tmp_path / "a.js").write_text("export const A = 1;\n")
    (tmp_path / "index.js").write_text(
        'import { A as B } from "./a.js";\nexport default function () { return B; }\n'
    )
    with pytest.raises(ValueError, match="renames"):
        joined_module(tmp_path)


def test_joining_writes_each_module_once_after_what_it_imports(tmp_path) -> None:
    (tmp_path / "a.js").write_text("export const A = 1;\n")
    (tmp_path / "b.js").write_text('import { A } from "./a.js";\nexport const B = A + 1;\n')
    (tmp_path / "index.js").write_text(
        'import { A } from "./a.js";\nimport { B } from "./b.js";\n'
        "export default function () { return A + B; }\n"
    )
    joined = joined_module(tmp_path)
    assert joined.count("const A = 1;") == 1
    assert joined.index("const A") < joined.index("const B") < joined.index("export default")


def test_the_js_fixtures_are_the_bodies_python_sends_now() -> None:
    """``protocol.test.js`` holds the player's schema against these; regenerate them with
    ``python -m tests.js.fixtures`` when a body changes shape."""
    from tests.js.fixtures import FOLDER, bodies

    for mode, body in bodies().items():
        written = json.loads((FOLDER / f"{mode}.json").read_text(encoding="utf-8"))
        assert written == body, f"tests/js/fixtures/{mode}.json is stale"
