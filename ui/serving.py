"""What the web server answers before Streamlit does: its own script files, from memory.

A browser that has nothing cached fetches ~110 of Streamlit's script, style and font
files to open the page. Streamlit's file handler cost the server ~2.2 ms of CPU for each,
whatever its size (measured on the page's 122 files: 0.27 s in all), in its layers of
middleware and in a stat, an open, a read and a close that each go through a worker
thread. Answered here, from bytes read once, a file costs ~0.5 ms (0.07 s in all).

Only the files of Streamlit's own ``static/static`` folder are answered, by exact path, as
Streamlit serves them (same type, cached by the browser as immutable: their names carry a
hash of their content); any other request, and any file not listed when the server
started, goes on to Streamlit unchanged.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Receive, Scope, Send

from ui import player

#: Streamlit's hashed bundles (js, css, media), served under ``/static/``.
BUNDLES = Path(st.__file__).parent / "static" / "static"
#: As Streamlit's handler says it of every hashed file: keep it, it never changes.
IMMUTABLE = (b"cache-control", b"public, immutable, max-age=31536000")


def _content_type(path: Path) -> bytes:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return (f"{kind}; charset=utf-8" if kind.startswith("text/") else kind).encode()


class BundlesFromMemory:
    """ASGI middleware: a GET of one of Streamlit's bundled files, answered from memory.

    Each file is read on its first request and kept (the ~4 MB the page needs; the
    folder holds 26 MB). The paths are listed once, so nothing outside it can be asked for.

    Parameters
    ----------
    app : ASGI application
        Streamlit's own, which answers everything else.
    base : str
        ``server.baseUrlPath``, where the app is served below the host's root.
    """

    def __init__(self, app: ASGIApp, base: str = "") -> None:
        self.app = app
        prefix = f"/{base.strip('/')}" if base.strip("/") else ""
        self.paths = {
            f"{prefix}/static/{path.relative_to(BUNDLES).as_posix()}": path
            for path in BUNDLES.rglob("*")
            if path.is_file()
        }
        self.held: dict[str, tuple[list[tuple[bytes, bytes]], bytes]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a bundled file, or pass the request on to Streamlit."""
        path = scope.get("path", "")
        if scope["type"] != "http" or scope["method"] != "GET" or path not in self.paths:
            await self.app(scope, receive, send)
            return
        if path not in self.held:
            body = self.paths[path].read_bytes()
            length = (b"content-length", str(len(body)).encode())
            kind = (b"content-type", _content_type(self.paths[path]))
            self.held[path] = ([kind, length, IMMUTABLE], body)
        headers, body = self.held[path]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def middleware() -> list[Middleware]:
    """The middleware ``app.py`` gives its ``st.App``, with the app's own static files written.

    Streamlit mounts ``static/`` (plotly.js, the player's module) only if it is there
    when the server starts, so they are written first.
    """
    player.ensure_plotly_js()
    player.module_file()
    base = st.get_option("server.baseUrlPath") or ""
    return [Middleware(BundlesFromMemory, base=base)]
