"""Two app servers behind nginx, run with the README's own configuration file.

``deploy/nginx.conf`` is the file the README shows; it runs here as it is, only its ports
changed, in Debian's nginx (``scripts/setup-dev.sh`` installs it where it can; without it this
test is skipped). Two ``streamlit run`` servers are started as the README says, and ten
browser sessions open in one Chromium, which finds the class's host name on this machine.
nginx's access log, in a format set around the file, names for every request the session's
key (its cookie), when the request started, and the app server that answered it: so the test
sees where each session's page, websocket and upload went.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.helpers import (
    ARTIFACTS,
    CLASS_HOST,
    REPO,
    SERVER_ERRORS,
    SETTLE_MS,
    VIEWPORT,
    Server,
    assert_charts_drawn,
    assert_healthy,
    free_port,
    learning_rate_slider,
    line_csv,
    main,
    parameter_rows,
    settle,
    shot,
    start_server,
    upload,
)
from ui.settings import LEARNING_RATES, to_query

pytestmark = pytest.mark.browser

NGINX_CONF = REPO / "deploy" / "nginx.conf"
WORK = ARTIFACTS / "scale-out"
SESSIONS = 10
#: How the README starts each app server behind the proxy (the helper binds 127.0.0.1).
BEHIND_PROXY = ("--server.allowedHosts", CLASS_HOST)
STREAM = "GET /_stcore/stream "
UPLOAD = "PUT /_stcore/upload_file/"

#: Around the file, as a machine's /etc/nginx/nginx.conf is: where nginx writes (the test's
#: folder), and an access log line per request: the session's key, when the request ended and
#: how long it took, the app servers tried (the last one answered), its status and its line.
MAIN_CONF = """{user}pid {work}/nginx.pid;
worker_processes 1;
events {{ worker_connections 512; }}
http {{
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    log_format sessions '$downhill_key $msec $request_time "$upstream_addr" $status "$request"';
    access_log {work}/access.log sessions;
    include {work}/downhill.conf;
}}
"""
LOG_LINE = re.compile(r'^(\S+) (\S+) (\S+) "([^"]*)" (\d+) "(.*)"$')


@dataclass(frozen=True)
class Hit:
    """One request nginx logged: the session's key, when it started, who answered, what."""

    key: str
    start: float
    server: str
    status: int
    request: str


@dataclass
class Proxy:
    """nginx running the configuration file: its address, process and logs."""

    url: str
    process: subprocess.Popen
    work: Path

    def hits(self) -> list[Hit]:
        """Every request logged so far (a websocket is logged when it closes)."""
        hits = []
        for line in (self.work / "access.log").read_text("utf-8").splitlines():
            key, ended, took, servers, status, request = LOG_LINE.match(line).groups()
            answered = servers.split(", ")[-1]
            hits.append(Hit(key, float(ended) - float(took), answered, int(status), request))
        return hits

    def error_log(self) -> str:
        path = self.work / "error.log"
        return path.read_text("utf-8", "replace")[-3000:] if path.exists() else "(no log)"


@dataclass
class Session:
    """One browser session: a context of its own (its own cookies), its page, and the value
    of the cookie nginx picks its server by (set by nginx's first answer)."""

    context: BrowserContext
    page: Page
    key: str = ""


@dataclass(frozen=True)
class Stop:
    """An app server stopped: its address, when it was asked to stop and when it had."""

    server: str
    asked: float
    ended: float


def nginx_binary() -> str | None:
    """Debian's nginx (in /usr/sbin, which is not on every user's PATH), or None."""
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.access(found, os.X_OK) else None


def site_config(port: int, servers: list[Server]) -> str:
    """``deploy/nginx.conf`` listening on ``port`` and passing to ``servers``: nothing else."""
    text = NGINX_CONF.read_text("utf-8")
    upstreams = [server.url.removeprefix("http://") for server in servers]
    changes = [("listen 80", f"listen {port}", 2)]
    changes += [(f"127.0.0.1:{8501 + i}", upstream, 1) for i, upstream in enumerate(upstreams)]
    for old, new, count in changes:
        assert text.count(old) == count, f"deploy/nginx.conf has changed: not {count} × {old}"
        text = text.replace(old, new)
    return text


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def start_nginx(binary: str, servers: list[Server]) -> Iterator[Proxy]:
    """nginx in the foreground with the configuration file, until the block ends."""
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    port = free_port()
    (WORK / "downhill.conf").write_text(site_config(port, servers))
    # As root, nginx's workers would otherwise run as nobody, who cannot write in WORK.
    user = "user root;\n" if os.getuid() == 0 else ""
    (WORK / "nginx.conf").write_text(MAIN_CONF.format(user=user, work=WORK))
    command = [binary, "-p", str(WORK), "-c", str(WORK / "nginx.conf"), "-e", "error.log"]
    with (WORK / "nginx.out").open("wb") as out:
        process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=out, stderr=out)
    proxy = Proxy(f"http://{CLASS_HOST}:{port}", process, WORK)
    try:
        deadline = time.monotonic() + 30
        while not _listening(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"nginx did not start:\n{proxy.error_log()}")
            time.sleep(0.1)
        yield proxy
    finally:
        stop_nginx(proxy)


def stop_nginx(proxy: Proxy) -> None:
    """Stop gracefully (every open request logged first); only kill when that hangs."""
    if proxy.process.poll() is None:
        proxy.process.send_signal(signal.SIGQUIT)
    try:
        proxy.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proxy.process.kill()
        proxy.process.wait(timeout=15)


def answer(proxy: Proxy, path: str, host: str) -> tuple[int, str]:
    """nginx's answer to ``GET path`` naming ``host``: its status and the cookie it sets."""
    port = int(proxy.url.rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": host})
        response = connection.getresponse()
        response.read()
        return response.status, response.getheader("Set-Cookie", "")
    finally:
        connection.close()


def check_what_nginx_answers_itself(proxy: Proxy) -> None:
    """The class's host gets the app and a key, not the metrics; any other name nothing."""
    host = proxy.url.removeprefix("http://")
    status, cookie = answer(proxy, "/", host)
    assert status == 200
    assert re.match(r"downhill=\w+; ", cookie), cookie
    assert answer(proxy, "/_stcore/metrics", host)[0] == 404
    with pytest.raises(http.client.RemoteDisconnected):
        answer(proxy, "/", f"127.0.0.1:{host.rsplit(':', 1)[1]}")


def check_the_page(page: Page) -> None:
    """The Descent page is drawn, its charts and player included, and nothing went wrong."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=SETTLE_MS)
    settle(page, "Descent")
    assert_charts_drawn(page)
    assert_healthy(page)


def open_sessions(browser: Browser, proxy: Proxy, count: int, stack: ExitStack) -> list[Session]:
    """``count`` new sessions, one after the other, each checked once it is drawn.

    One after the other: ten pages drawing their 3D scenes at once in software WebGL, on
    the machine that also runs both servers, measure that machine, not the servers.
    """
    sessions = []
    for _ in range(count):
        context = browser.new_context(viewport=VIEWPORT, base_url=proxy.url)
        context.set_default_timeout(60_000)
        stack.callback(context.close)
        page = context.new_page()
        page.goto("/")
        check_the_page(page)
        key = {cookie["name"]: cookie["value"] for cookie in context.cookies()}["downhill"]
        sessions.append(Session(context, page, key))
    return sessions


def servers_of(proxy: Proxy, sessions: list[Session], since: float = 0.0) -> dict[str, str]:
    """Session key -> the one app server that answered its requests started after ``since``."""
    hits = proxy.hits()
    found = {}
    for session in sessions:
        answered = {hit.server for hit in hits if hit.key == session.key and hit.start > since}
        assert len(answered) == 1, f"session {session.key} was served by {answered}"
        found[session.key] = answered.pop()
    return found


def spread(browser: Browser, proxy: Proxy, stack: ExitStack) -> list[Session]:
    """Ten sessions, and more only in the rare case (1 in 500) that all ten got one server."""
    sessions = open_sessions(browser, proxy, SESSIONS, stack)
    while len(set(servers_of(proxy, sessions).values())) < 2 and len(sessions) < 2 * SESSIONS:
        sessions += open_sessions(browser, proxy, 1, stack)
    return sessions


def step_rate(page: Page, steps: int) -> float:
    """Move the learning rate ``steps`` stops along its ladder with the keyboard; once the
    server has run the change, the link says so. Returns the new rate."""
    slider = learning_rate_slider(page)
    index = LEARNING_RATES.index(float(slider.get_attribute("aria-valuetext")))
    rate = LEARNING_RATES[index + steps]
    slider.focus()
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", f"{rate:g}")
    link = re.escape(to_query({"learning_rate": rate})["learning_rate"])
    expect(page).to_have_url(re.compile(rf"[?&]learning_rate={link}(&|$)"), timeout=SETTLE_MS)
    settle(page, "Descent")
    return rate


def upload_a_file(page: Page) -> None:
    """Upload a CSV through the real file input; the page then fits it."""
    upload(page, "heights.csv", line_csv("height_cm", "weight_kg", 0.5, 3.0))
    uploaded = main(page).get_by_text("Uploaded file heights.csv", exact=False)
    expect(uploaded).to_be_visible(timeout=SETTLE_MS)
    check_the_page(page)


def tweak_the_upload(page: Page) -> None:
    """Two rate changes: the fit changes, and still fits the uploaded file."""
    for steps in (1, -1):
        before = parameter_rows(page)
        step_rate(page, steps)
        after = parameter_rows(page)
        assert set(after) == {"w (height_cm)", "b (intercept)"}, after
        assert after != before, after


def stop(server: Server) -> Stop:
    """Stop an app server as its machine would (SIGTERM)."""
    asked = time.time()
    server.process.terminate()
    server.process.wait(timeout=30)
    return Stop(server.url.removeprefix("http://"), asked, time.time())


def check_routes(proxy: Proxy, sessions: list[Session], homes: dict[str, str], stop: Stop) -> None:
    """From nginx's log of every request: each session's requests, its websockets and
    uploads included, went to its own server until the stop, and to the survivor after it."""
    survivor = next(server for server in homes.values() if server != stop.server)
    hits = proxy.hits()
    for session in sessions:
        mine = [hit for hit in hits if hit.key == session.key]
        before = [hit for hit in mine if hit.start < stop.asked]
        after = [hit for hit in mine if hit.start > stop.ended]
        assert {hit.server for hit in before} <= {homes.get(session.key)}, before
        assert {hit.server for hit in after} <= {survivor}, after
        websockets = [hit for hit in before + after if hit.request.startswith(STREAM)]
        assert websockets and all(hit.status == 101 for hit in websockets), mine
        if homes.get(session.key) == stop.server:  # reloaded on the survivor
            assert any(hit.request.startswith(STREAM) for hit in after), mine
    uploads = [hit for hit in hits if hit.request.startswith(UPLOAD)]
    assert len(uploads) == 1 and uploads[0].status < 300, uploads


def test_two_servers_behind_the_readme_nginx_configuration(browser: Browser) -> None:
    binary = nginx_binary()
    if binary is None:
        pytest.skip("nginx is not installed: `bash scripts/setup-dev.sh` as root installs it")
    with ExitStack() as stack:
        servers = [
            stack.enter_context(
                start_server(ARTIFACTS / f"scale-out-{i}.log", options=BEHIND_PROXY)
            )
            for i in range(2)
        ]
        proxy = stack.enter_context(start_nginx(binary, servers))
        check_what_nginx_answers_itself(proxy)
        sessions = spread(browser, proxy, stack)
        homes = servers_of(proxy, sessions)
        uploader = sessions[0]
        upload_a_file(uploader.page)
        tweak_the_upload(uploader.page)
        # The other server's sessions each change their rate, then that server stops.
        held = [s for s in sessions if homes[s.key] != homes[uploader.key]]
        rates = [step_rate(s.page, -1 - i % 4) for i, s in enumerate(held)]
        links = [s.page.url for s in held]
        stopped = stop(next(s for s in servers if s.url.endswith(homes[held[0].key])))

        fresh = open_sessions(browser, proxy, 2, stack)
        for session, rate, link in zip(held, rates, links, strict=True):
            session.page.reload()
            check_the_page(session.page)
            expect(learning_rate_slider(session.page)).to_have_attribute(
                "aria-valuetext", f"{rate:g}"
            )
            assert session.page.url == link
        shot(held[0].page, "scale_out_reloaded_on_the_survivor")
        tweak_the_upload(uploader.page)  # the survivor's sessions go on as they were
        shot(uploader.page, "scale_out_upload_after_the_stop")

        for session in sessions + fresh:
            session.context.close()
        stop_nginx(proxy)
        check_routes(proxy, sessions + fresh, homes, stopped)
        for server in servers:
            logged = server.log.read_text("utf-8", "replace")
            assert not [marker for marker in SERVER_ERRORS if marker in logged], logged[-4000:]
