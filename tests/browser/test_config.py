"""Deployment settings and code rules that keep uploads safe (plain pytest, no browser)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from core.data import MAX_UPLOAD_BYTES
from tests.browser.helpers import REPO, config

APP_CODE = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py"))]
APP_CODE += sorted((REPO / "ui").glob("*.py"))


def test_server_settings() -> None:
    settings = config()
    assert isinstance(settings["server"]["maxUploadSize"], int)
    assert settings["server"]["maxUploadSize"] > 0
    assert settings["server"]["enableXsrfProtection"] is True
    assert settings["client"]["showErrorDetails"] == "none"


#: The settings that harden the server, as `.streamlit/config.toml` must hold them.
HARDENING = {
    "global.developmentMode": False,
    "server.enableXsrfProtection": True,
    "server.xsrfCookieSameSite": "lax",
    "server.enableCORS": True,
    "server.allowedHosts": ["localhost", "127.0.0.1", "::1"],
    "server.enableAgentApi": False,
}


@pytest.mark.parametrize("name", sorted(HARDENING))
def test_hardening_settings(name: str) -> None:
    section, key = name.split(".")
    assert config()[section][key] == HARDENING[name]


def test_the_sidebar_knows_the_name_of_streamlits_upload_cookie() -> None:
    # ui/sidebar.py warns inside another site's iframe when this cookie is missing.
    from streamlit.web.server.starlette.starlette_server_config import XSRF_COOKIE_NAME

    from ui.sidebar import XSRF_COOKIE

    assert XSRF_COOKIE == XSRF_COOKIE_NAME


def test_no_other_origin_is_trusted() -> None:
    assert not config()["server"].get("corsAllowedOrigins")


def test_streamlit_still_offers_no_switch_for_clear_cache_or_metrics() -> None:
    # The README says no setting refuses the clear-cache message or closes /_stcore/metrics
    # (streamlit/runtime/app_session.py, web/server/starlette/starlette_routes.py). When an
    # upgrade adds one, this fails: set it above, and change the README.
    from streamlit import config as streamlit_config

    names = {name.lower() for name in streamlit_config.get_config_options()}
    assert not {name for name in names if "clearcache" in name or "metrics" in name} - {
        "server.unsafemetricsuserattributes"  # labels for the metrics, no switch for them
    }


def test_reader_limit_matches_the_server_limit() -> None:
    # Streamlit counts maxUploadSize in MiB.
    assert config()["server"]["maxUploadSize"] * 1024 * 1024 == MAX_UPLOAD_BYTES


def test_sidebar_states_the_configured_upload_limit() -> None:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(REPO / "app.py"), default_timeout=120)
    app.session_state["data_source"] = "upload"
    app.run()
    assert not app.exception
    labels = [element.proto.label for element in app.sidebar.get("file_uploader")]
    limit = config()["server"]["maxUploadSize"]
    assert labels == [f"CSV file (up to {limit} MB)"], labels


@pytest.mark.parametrize("path", APP_CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_no_raw_html(path: Path) -> None:
    source = path.read_text("utf-8")
    assert not re.search(r"unsafe_allow_html\s*=\s*True", source)
    assert not re.search(r"\bst\.html\s*\(|components\.v1|components\.html", source)


def _writes_to_disk(tree: ast.AST) -> list[str]:
    """Calls that write files: open() for writing, Path.write_*, tempfile, shutil copies."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [alias.name for alias in node.names]
            module = getattr(node, "module", None) or ""
            if "tempfile" in names or module == "tempfile":
                found.append(f"line {node.lineno}: imports tempfile")
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in ("write_bytes", "write_text", "copyfileobj", "to_csv", "to_parquet", "save"):
            # to_csv() without a path returns text; with one it writes a file.
            if name == "to_csv" and not node.args and not node.keywords:
                continue
            found.append(f"line {node.lineno}: {name}()")
        if name == "open":
            modes = [a for a in node.args[1:2]] + [
                k.value for k in node.keywords if k.arg == "mode"
            ]
            for mode in modes:
                text = mode.value if isinstance(mode, ast.Constant) else None
                if not isinstance(text, str) or set(text) & set("wax+"):
                    found.append(f"line {node.lineno}: open(..., {ast.unparse(mode)})")
    return found


#: The one function of the app code that writes a file, and why it is no upload: it writes
#: the player's own files into static/ (plotly.js from the installed plotly package, and the
#: player's module), for the browser to load.
STATIC_ASSET_WRITERS = {("ui/player.py", "write_static")}


@pytest.mark.parametrize("path", APP_CODE, ids=lambda p: str(p.relative_to(REPO)))
def test_uploads_are_never_written_to_disk(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    name = str(path.relative_to(REPO))
    tree.body = [
        node
        for node in tree.body
        if not (isinstance(node, ast.FunctionDef) and (name, node.name) in STATIC_ASSET_WRITERS)
    ]
    assert _writes_to_disk(tree) == []


def test_the_disk_check_finds_writes() -> None:
    code = (
        "import tempfile\n"
        "open(p, 'wb').write(raw)\n"
        "Path(p).write_bytes(raw)\n"
        "frame.to_csv('x.csv')\n"
        "open(p)\n"
        "frame.to_csv()\n"
    )
    assert len(_writes_to_disk(ast.parse(code))) == 4


NGINX_CONF = REPO / "deploy" / "nginx.conf"


def test_the_readme_shows_the_nginx_configuration_file_as_it_is() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```nginx\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
    assert blocks == [NGINX_CONF.read_text(encoding="utf-8")]


def test_nginx_takes_the_uploads_the_app_takes() -> None:
    limits = re.findall(r"^\s*client_max_body_size (\d+)m;", NGINX_CONF.read_text(), re.MULTILINE)
    assert limits == [str(config()["server"]["maxUploadSize"])]
