"""What the running server refuses because of `.streamlit/config.toml` (no browser needed).

Each test talks to the app's server as an attacker's client would: a websocket whose
Host header names another machine (what a page reached through DNS rebinding
sends), a debug message that would shut the server down, a call to the agent API.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg

from tests.browser.helpers import Server

STREAM = "/_stcore/stream"


async def _status_of_websocket(server: Server, host: str, message: bytes | None = None) -> int:
    """101 when the server accepts a websocket whose Host header is ``host``, else the
    HTTP status it refused it with; ``message`` is sent once it is open."""
    address = urlsplit(server.url)
    uri = f"ws://{host}:{address.port}{STREAM}"
    try:
        # The connection goes to the server whatever the Host header names.
        async with websockets.connect(uri, host=address.hostname, port=address.port) as socket:
            if message is not None:
                await socket.send(message)
                await asyncio.sleep(1.0)
            return 101
    except websockets.exceptions.InvalidStatus as refused:
        return refused.response.status_code


def status_of_websocket(server: Server, host: str, message: bytes | None = None) -> int:
    # In its own thread: the synchronous Playwright of the other browser tests keeps an event
    # loop running in this one, where asyncio.run() is refused.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _status_of_websocket(server, host, message)).result()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_websocket_for_this_machine_is_accepted(server: Server, host: str) -> None:
    assert status_of_websocket(server, host) == 101


@pytest.mark.parametrize("host", ["attacker.example", "127.0.0.1.attacker.example", "10.0.0.7"])
def test_a_websocket_for_another_host_is_refused(server: Server, host: str) -> None:
    assert status_of_websocket(server, host) == 403


def test_no_websocket_can_shut_the_server_down(server: Server) -> None:
    offset = server.log_size()
    shutdown = BackMsg(debug_shutdown_runtime=True).SerializeToString()
    assert status_of_websocket(server, "127.0.0.1", shutdown) == 101
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as health:
        assert health.status == 200
    assert "Client tried to shut down runtime" in server.log_since(offset)


def test_the_agent_api_is_off(server: Server) -> None:
    request = urllib.request.Request(
        f"{server.url}/_stcore/agent/interact",
        data=b"{}",
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert json.loads(refused.value.read())["error"]["code"] == "not_available"


def test_no_header_forbids_framing_and_the_upload_cookie_stays_on_this_site(
    server: Server,
) -> None:
    # A course page may show the app in an iframe (README, "Embedding it in a course page"):
    # neither the page nor its scripts say otherwise.
    for path in ("/", "/?embed=true"):
        with urllib.request.urlopen(f"{server.url}{path}", timeout=10) as response:
            headers = {name.lower(): value for name, value in response.headers.items()}
        assert "x-frame-options" not in headers, headers
        assert "frame-ancestors" not in headers.get("content-security-policy", ""), headers
    # The upload token's cookie, set when the page checks the server's health: SameSite=Lax,
    # so a page of another site cannot send it (and uploads there are refused).
    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as health:
        cookie = health.headers["Set-Cookie"]
    assert cookie.startswith("_streamlit_xsrf=") and "SameSite=Lax" in cookie, cookie
