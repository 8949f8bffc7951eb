"""What the browser tests share: where things are, waiting for the app, reading what it shows."""

from __future__ import annotations

import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect

from ui.tables import THIS_RUN

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
#: The class's host name in the README's nginx configuration (deploy/nginx.conf); Chromium
#: finds it on this machine, so the scale-out test opens the app by the name people type.
CLASS_HOST = "downhill.school.example"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    f"--host-resolver-rules=MAP {CLASS_HOST} 127.0.0.1",
]
VIEWPORT = {"width": 1400, "height": 1000}
#: A classroom projector's screen, and a phone's.
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}
#: Milliseconds to wait for a rerun (a fit, a page switch) to finish; the CI boxes are slow.
SETTLE_MS = 120_000

SERVER_START_TIMEOUT = 60.0
#: Text in the server's log that means something went wrong while a test ran.
SERVER_ERRORS = ("Traceback", "Unexpected error while drawing the page", "Uncaught app exception")


@dataclass
class Server:
    """The running app: its base URL, process and log file."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_size(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode("utf-8", "replace")

    def log_tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])


#: Schemes that never reach the network.
LOCAL_SCHEMES = {"data", "blob", "about"}


def outside(urls: list[str], server_url: str) -> list[str]:
    """The URLs among ``urls`` that would reach a host other than the app's own server."""
    own = urlsplit(server_url).netloc
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).netloc != own
    ]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def start_server(
    log: Path,
    script: str = "app.py",
    *,
    address_space: int | None = None,
    env: dict[str, str] | None = None,
    options: tuple[str, ...] = (),
) -> Iterator[Server]:
    """Run ``script`` (the app by default) from the repository root on a free port until the
    block ends.

    Ready when ``/_stcore/health`` answers; fails the test with the log's tail when the server
    exits or does not answer within a minute. Its output goes to ``log``. ``address_space``
    caps the server's virtual memory (bytes; its worker processes inherit the cap), as a
    small shared machine would; ``env`` adds environment variables and ``options`` command-line
    options of ``streamlit run``.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        # The code under test stays as it was at start-up, even while files are being edited.
        "--server.fileWatcherType",
        "none",
        *options,
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}

    def cap() -> None:
        if address_space is not None:
            resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))

    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, env=env, preexec_fn=cap
        )
    running = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while not _healthy(running.url):
            if process.poll() is not None:
                pytest.fail(
                    f"streamlit exited with code {process.returncode} before it answered "
                    f"its health check:\n{running.log_tail()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"streamlit did not answer {running.url}/_stcore/health within "
                    f"{SERVER_START_TIMEOUT:.0f} s:\n{running.log_tail()}"
                )
            time.sleep(0.25)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


# The app is idle when, several polls in a row, no script run is shown as running, no element
# is stale (left from the previous run) or a loading skeleton, and the page has its title.
SETTLED_JS = """
([title, quiet]) => {
  const busy = document.querySelector(
    '[data-testid="stStatusWidget"], [data-testid="stSkeleton"], ' +
    '[data-stale="true"], [data-testid="stSpinner"]');
  const heading = document.querySelector('[data-testid="stMain"] h1');
  const ready = !busy && heading !== null && (title === null || heading.innerText.trim() === title);
  window.__downhillQuiet = ready ? (window.__downhillQuiet || 0) + 1 : 0;
  return window.__downhillQuiet >= quiet;
}
"""
RESET_QUIET_JS = "() => { window.__downhillQuiet = 0; }"


def settle(page: Page, title: str | None = None, timeout: float = SETTLE_MS) -> None:
    """Wait until the app has finished its run and shows a page titled ``title`` (any if None)."""
    page.evaluate(RESET_QUIET_JS)
    page.wait_for_function(SETTLED_JS, arg=[title, 4], polling=250, timeout=timeout)


def open_app(page: Page, path: str = "/", title: str | None = "Descent") -> None:
    """Open ``path`` in a new session and wait for the page to finish drawing."""
    page.goto(path)
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=SETTLE_MS)
    settle(page, title)


def shot(page: Page, name: str) -> Path:
    """A screenshot of the whole page (the main area scrolls on its own, so grow the window)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    height = page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid="stMain"]');
          const inner = main && main.firstElementChild;
          return Math.max(main ? main.scrollHeight : 0, inner ? inner.scrollHeight : 0);
        }"""
    )
    size = page.viewport_size or VIEWPORT
    tall = max(size["height"], min(int(height) + 40, 12_000))
    page.set_viewport_size({"width": size["width"], "height": tall})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


PAGE_TEXT = """() => document.body.innerText + '\\n' + Array.from(
    document.querySelectorAll('[role="gridcell"], [role="columnheader"]'))
    .map(cell => cell.textContent).join('\\n')"""


def page_text(page: Page) -> str:
    """Everything the page shows as text, table cells included (grids draw on a canvas)."""
    return page.evaluate(PAGE_TEXT)


def assert_healthy(page: Page) -> str:
    """No traceback, no 'something went wrong', no NaN anywhere a person could read it."""
    text = page_text(page)
    assert "Traceback" not in text, text[-3000:]
    assert "Something went wrong" not in text, text[-3000:]
    assert not re.search(r"\bNaN\b", text, re.IGNORECASE), _around(text, r"\bNaN\b")
    return text


def _around(text: str, pattern: str) -> str:
    match = re.search(pattern, text, re.IGNORECASE)
    return text[max(0, match.start() - 300) : match.end() + 300] if match else ""


def sidebar(page: Page) -> Locator:
    return page.locator('[data-testid="stSidebar"]')


def main(page: Page) -> Locator:
    return page.locator('[data-testid="stMain"]')


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar selectbox labelled ``label``, as a person would."""
    box = sidebar(page).get_by_role("combobox", name=label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(box).to_have_value(option)


def upload(page: Page, name: str, content: bytes, mime: str = "text/csv") -> None:
    """Choose 'Upload a CSV' (when not chosen yet) and send a file through the real input."""
    data = sidebar(page).get_by_role("combobox", name="Data", exact=True)
    if data.input_value() != "Upload a CSV":
        choose(page, "Data", "Upload a CSV")
    uploader = sidebar(page).locator('[data-testid="stFileUploader"]')
    expect(uploader).to_be_visible(timeout=SETTLE_MS)
    uploader.locator('input[type="file"]').set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": content}]
    )
    # Long names are shortened on screen; the chip's title holds the whole name.
    chip = uploader.locator('[data-testid="stFileChipName"]')
    expect(chip).to_have_attribute("title", name, timeout=SETTLE_MS)


def metric(page: Page, label: str) -> str:
    """The value of the metric labelled ``label``."""
    box = (
        main(page)
        .locator('[data-testid="stMetric"]')
        .filter(has=page.locator('[data-testid="stMetricLabel"]', has_text=label))
    )
    return box.locator('[data-testid="stMetricValue"]').inner_text().strip()


#: The Descent page's figure ``label`` of this run, from its run table (``ui.tables.run_table``:
#: a column headed "this run", one figure a row), or null while there is none.
RUN_NUMBER_JS = f"""label => {{
  const table = Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"] table'))
    .find(t => Array.from(t.querySelectorAll('th'))
      .some(c => c.textContent.trim() === '{THIS_RUN}'));
  const row = table && Array.from(table.querySelectorAll('tbody tr')).find(
    r => r.children[0].textContent.trim() === label);
  return row ? row.children[1].textContent.trim() : null;
}}"""


def run_number(page: Page, label: str) -> str:
    """The Descent page's figure ``label`` of this run (its run table, ``ui.tables.run_table``)."""
    page.wait_for_function(
        f"label => ({RUN_NUMBER_JS})(label) !== null", arg=label, timeout=SETTLE_MS
    )
    return page.evaluate(RUN_NUMBER_JS, label)


def grid(page: Page, heading: str) -> list[list[str]]:
    """Rows (header first) of the table under the bold ``heading``, read from its cells."""
    column = (
        main(page)
        .locator('[data-testid="stColumn"]')
        .filter(has=page.locator("strong", has_text=re.compile(f"^{re.escape(heading)}$")))
    )
    # A Markdown table under a bold title in the same element, or an st.table below one.
    table = column.locator("table").first
    table.wait_for(state="attached", timeout=SETTLE_MS)
    return table.evaluate(
        """table => Array.from(table.querySelectorAll('tr')).map(
            row => Array.from(row.children).map(cell => cell.textContent))"""
    )


def parameter_rows(page: Page) -> dict[str, list[str]]:
    """The Parameters table: row label -> its cells (gradient descent, closed form, ...)."""
    rows = grid(page, "Parameters")
    return {row[0]: row[1:] for row in rows[1:]}


def learning_rate_slider(page: Page) -> Locator:
    return sidebar(page).get_by_role("slider", name="Learning rate η")


def config() -> dict:
    with (REPO / ".streamlit" / "config.toml").open("rb") as handle:
        return tomllib.load(handle)


def line_csv(x_name: str, y_name: str, slope: float, intercept: float, rows: int = 40) -> bytes:
    """``y = slope·x + intercept`` plus a little seeded noise, as CSV text."""
    noise = random.Random(f"{x_name}{slope}")
    lines = [f"{x_name},{y_name}"]
    for i in range(rows):
        x = -2 + 4 * i / (rows - 1)
        lines.append(f"{x:.4f},{slope * x + intercept + noise.gauss(0, 0.05):.4f}")
    return ("\n".join(lines) + "\n").encode()


def chart_titles(page: Page, pattern: str):
    """Figure and subplot titles (subplot titles are annotations) matching ``pattern``."""
    return main(page).locator(".gtitle, .annotation-text", has_text=re.compile(pattern))


def assert_charts_drawn(page: Page) -> None:
    """The learning-rate strip and the player's views are drawn, the 3D scene included."""
    plots = main(page).locator(".js-plotly-plot")
    expect(plots.first).to_be_visible(timeout=SETTLE_MS)
    expect(main(page).locator('.dh-player[data-drawn="1"]')).to_be_attached(timeout=SETTLE_MS)
    for i in range(plots.count()):
        if plots.nth(i).is_visible():
            expect(plots.nth(i).locator("svg.main-svg").first).to_be_attached()
    state = page.evaluate(PLAYER_STATE)
    assert state is not None, "no player drawn"
    if state["plane"]:
        scene = main(page).locator(".dh-surface .gl-container canvas")
        expect(scene.first).to_be_visible(timeout=SETTLE_MS)
        box = scene.first.bounding_box()
        assert box and box["width"] > 100 and box["height"] > 100, box
        assert "scatter3d" in state["types"], state["types"]
    assert state["epochs"] >= 1 and state["rates"] >= 1, state


# What the player shows: the rate and epoch, and per view (fit, loss, surface, map) the
# moving traces' coordinates (the model line, the loss curve with its marker, the paths),
# found by uid.
PLAYER_STATE = """
() => {
  const root = document.querySelector('.dh-player');
  if (!root || root.dataset.drawn !== '1') return null;
  const views = ['fit', 'loss', 'surface', 'map'].map(
    name => root.querySelector(`.dh-${name} .dh-graph`));
  const coords = t => JSON.stringify(['x', 'y', 'z'].map(a => Array.from((t && t[a]) || [])));
  // Each view's moving traces, found by the uid Python gave them (charts/views.py).
  const moves = [['line'], ['train', 'marks'], ['path-0'], ['path-0']];
  const moving = views.map((gd, i) => {
    if (!gd._fullData || !gd._fullData.length) return null;
    return moves[i].map(uid => coords(gd._fullData.find(t => t.uid === uid))).join('');
  });
  return {
    epoch: Number(root.dataset.epoch),
    rateIndex: Number(root.dataset.rateIndex),
    rate: Number(root.dataset.rate),
    epochs: Number(root.dataset.epochs),
    rates: Number(root.dataset.rates),
    plane: root.dataset.plane === 'true',
    playing: root.querySelector('.dh-play').getAttribute('aria-label') === 'Pause',
    label: root.querySelector('.dh-epoch-value').textContent,
    // Every view shows the last position exactly (not a sketch of it, drawn while a
    // scrubber moves): what the graphs hold is what they show.
    settled: root.dataset.settled !== '0',
    moving,
    types: views.map(gd => (gd._fullData || []).map(t => t.type)).flat(),
  };
}
"""


def frames_sent(page: Page) -> list[int]:
    """A counter (``[n]``) of websocket frames the page sends from now on to the server."""
    sent = [0]
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda _payload: sent.__setitem__(0, sent[0] + 1)),
    )
    return sent


class RssSampler(threading.Thread):
    """Samples the resident memory (VmRSS) of a process and its descendants."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.every = every
        self.peak = 0
        self.samples = 0
        self._stop_event = threading.Event()

    def tree(self) -> list[int]:
        pids, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*/children"):
                try:
                    todo += [int(child) for child in task.read_text().split()]
                except OSError:
                    continue
        return pids

    def rss(self) -> int:
        total = 0
        for pid in self.tree():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            total += int(match.group(1)) * 1024 if match else 0
        return total

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, self.rss())
            self.samples += 1
            self._stop_event.wait(self.every)

    def stop(self) -> int:
        self._stop_event.set()
        self.join(timeout=5)
        return self.peak


def moved_past(early: dict) -> str:
    """A condition on the player's state ``s``: a later epoch than ``early``'s, with every view
    moved from where it was then. Each view follows at its own pace, so the 3D scene may skip
    a frame the flat views drew; waiting on this, a check of every view cannot race them."""
    gone = json.dumps(early["moving"])
    return f"s.epoch > {early['epoch']} && s.moving.every((m, i) => m !== {gone}[i])"


#: Each kind of data a person can choose, opened by its link ("upload": sent as a file).
CHOICES = {
    "example with three features": "/?preset=three_features",
    "real dataset": "/?data_source=bundled&bundled=engel",
    "generated": "/?data_source=generate&gen_features=2&gen_coef=2,-1",
    "one parameter (a curve, no surface)": "/?fit_intercept=0",
    "upload": "upload",
}


def open_choice(page: Page, path: str) -> None:
    """Open the Descent page on the data choice ``path`` (a value of :data:`CHOICES`)."""
    if path == "upload":
        open_app(page)
        upload(page, "mine.csv", line_csv("size", "price", 3.0, 50.0))
        settle(page)
    else:
        open_app(page, path)
