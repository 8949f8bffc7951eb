"""Streamlit's bundled files answered from memory: the same bytes and type, nothing else."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from starlette.responses import FileResponse

from ui.serving import BUNDLES, BundlesFromMemory


class Streamlit:
    """Stands for Streamlit's own server: records what was passed on to it."""

    def __init__(self) -> None:
        self.passed: list[str] = []

    async def __call__(self, scope, receive, send) -> None:
        self.passed.append(scope["path"])


def get(app, path: str, method: str = "GET") -> list[dict]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path}
    # On a thread of its own: a browser test before this one may have left an event loop
    # running on this thread, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(1) as thread:
        thread.submit(asyncio.run, app(scope, None, send)).result()
    return sent


def test_a_bundled_file_is_answered_with_its_bytes_and_the_type_streamlit_gives_it():
    streamlit = Streamlit()
    app = BundlesFromMemory(streamlit)
    for file in (next(BUNDLES.glob("js/index.*.js")), next(BUNDLES.glob("css/*.css"))):
        path = f"/static/{file.relative_to(BUNDLES).as_posix()}"
        for _ in range(2):  # read from the file, then from memory
            start, body = get(app, path)
            assert start["status"] == 200 and body["body"] == file.read_bytes()
            headers = dict(start["headers"])
            assert headers[b"content-type"].decode() == FileResponse(file).headers["content-type"]
            assert int(headers[b"content-length"]) == file.stat().st_size
    assert streamlit.passed == []


def test_anything_else_goes_on_to_streamlit():
    streamlit = Streamlit()
    app = BundlesFromMemory(streamlit, base="/class/")
    index = next(BUNDLES.glob("js/index.*.js")).name
    paths = [
        f"/static/js/{index}",  # not below the base path
        "/class/static/js/nothing.js",
        "/class/static/js/../../index.html",
        "/class/static/../../../../etc/passwd",
        "/class/",
        "/class/_stcore/health",
    ]
    for path in paths:
        assert get(app, path) == []
    assert get(app, f"/class/static/js/{index}", method="POST") == []
    assert streamlit.passed == [*paths, f"/class/static/js/{index}"]
    assert get(app, f"/class/static/js/{index}")[0]["status"] == 200
