"""A class on one server: what one Streamlit server running Downhill holds.

One server runs the app as people start it. Debian's Chromium opens it first, through
Playwright: what that browser fetches (the page, Streamlit's scripts, plotly.js) and the
messages it sends the server (the page's first run, then the sidebar's learning-rate
slider moved one stop left and one back) are recorded, and the server's CPU for one
browser opening the page is read. Then a class of 30, and one of 60, students is played by
light clients that do what that browser did, so sixty students do not need sixty browsers
on the same two cores: each fetches what the browser fetched, opens the app's websocket and
sends the browser's own messages, at once for the opening and then every 3-5 s each.

The server's CPU time (user plus system) and resident memory are read from ``/proc``
(Linux), so neither the clients' work nor other programs on the machine are counted in
them: on a shared machine the CPU figures hold where the times do not. A rerun's time runs
from sending the change until the server's message that the rerun finished
(``script_finished``); the first chart is there once the player's data (its body) and every
file the browser fetched have arrived, counted from the moment the whole class opened the
link.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
import websockets
from playwright.async_api import async_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.report import Row
from tests.browser.helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT, start_server

SUITE = "A class on one server (30 and 60 students in one Streamlit server)"

CLASSES = (30, 60)
#: Learning-rate changes each student makes, one every 3-5 s.
CHANGES = 4
PAUSE_S = (3.0, 5.0)
#: Fresh Chromium contexts opening the page, for the server's CPU per page load.
LOADS = 3
TIMEOUT_S = 300.0
TICKS = os.sysconf("SC_CLK_TCK")

DRAWN_JS = """
() => {
  const player = document.querySelector('.dh-player');
  const busy = document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"], ' +
                                      '[data-testid="stSkeleton"], [data-testid="stSpinner"]');
  return !!player && player.dataset.drawn === '1' && !busy;
}
"""
RATE_SLIDER = ('[data-testid="stSidebar"]', "Learning rate η")


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process ``pid`` has used, in seconds (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    # After the command name: state is field 3, utime 14 and stime 15 (1-based, man proc).
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    """Resident memory of the process ``pid`` in MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def _kind(payload: bytes | str) -> ForwardMsg | None:
    if isinstance(payload, str):
        return None
    try:
        return ForwardMsg.FromString(payload)
    except ValueError:
        return None


def _is_finished(message: ForwardMsg | None) -> bool:
    return message is not None and message.WhichOneof("type") == "script_finished"


def _is_player_body(message: ForwardMsg | None) -> bool:
    """Whether ``message`` brings the player's element with its data (not the preload)."""
    if message is None or message.WhichOneof("type") != "delta":
        return False
    element = message.delta.new_element
    if element.WhichOneof("type") != "bidi_component":
        return False
    header = element.bidi_component.bytes.split(b"\n", 1)[0]
    return bool(header) and json.loads(header).get("mode") != "preload"


@dataclass
class Recording:
    """What one Chromium page fetched and sent: files, first run, two rate changes."""

    files: list[str] = field(default_factory=list)
    sent: list[bytes] = field(default_factory=list)
    load_cpu: list[float] = field(default_factory=list)

    @property
    def opening(self) -> bytes:
        return self.sent[0]

    @property
    def changes(self) -> list[bytes]:
        return self.sent[-2:]


async def _chromium_page(browser, url: str, recording: Recording | None = None):
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    if recording is not None:
        own = urlsplit(url).netloc
        page.on(
            "request",
            lambda r: (
                urlsplit(r.url).netloc == own
                and r.url.startswith("http")
                and recording.files.append(r.url)
            ),
        )
        page.on(
            "websocket",
            lambda ws: ws.on(
                "framesent", lambda p: isinstance(p, bytes) and recording.sent.append(p)
            ),
        )
    await page.goto(url)
    await page.wait_for_function(DRAWN_JS, polling=100, timeout=TIMEOUT_S * 1000)
    return page


async def _record(url: str, pid: int) -> Recording:
    """Open the page in Chromium, move the rate one stop and back; the server's CPU per load."""
    recording = Recording()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await (await _chromium_page(browser, url)).context.close()  # the server warms up
            for _ in range(LOADS):
                start = cpu_seconds(pid)
                page = await _chromium_page(browser, url)
                await asyncio.sleep(1)
                recording.load_cpu.append(cpu_seconds(pid) - start)
                await page.context.close()
            page = await _chromium_page(browser, url, recording)
            sidebar, label = RATE_SLIDER
            await page.locator(sidebar).get_by_role("slider", name=label).focus()
            for key in ("ArrowLeft", "ArrowRight"):
                await page.keyboard.press(key)
                await asyncio.sleep(3)
        finally:
            await browser.close()
    if len(recording.sent) != 3:
        raise RuntimeError(f"expected 3 messages from the browser, got {len(recording.sent)}")
    return recording


class Student:
    """One student's light client: the browser's files and websocket messages, replayed."""

    def __init__(self, url: str, recording: Recording) -> None:
        self.url, self.recording = url, recording
        self.finished: list[float] = []
        self.body_at: float | None = None
        self.socket = None
        self.reader: asyncio.Task | None = None

    def _fetch_files(self) -> None:
        with requests.Session() as http:
            for address in self.recording.files:
                http.get(address, timeout=TIMEOUT_S).raise_for_status()

    async def _read(self) -> None:
        async for payload in self.socket:
            message = _kind(payload)
            if _is_finished(message):
                self.finished.append(time.perf_counter())
            elif self.body_at is None and _is_player_body(message):
                self.body_at = time.perf_counter()

    async def open(self) -> float:
        """Open the link; the moment the first chart could be drawn (perf_counter)."""
        files = asyncio.create_task(asyncio.to_thread(self._fetch_files))
        address = self.url.replace("http", "ws", 1) + "/_stcore/stream"
        self.socket = await websockets.connect(
            address,
            subprotocols=["streamlit"],
            origin=self.url,
            max_size=None,
            # No pings of its own: a busy server answers them late, and a browser sends none.
            ping_interval=None,
        )
        self.reader = asyncio.create_task(self._read())
        await self.socket.send(self.recording.opening)
        await files
        files_at = time.perf_counter()
        await self._until(lambda: self.body_at is not None and self.finished)
        return max(files_at, self.body_at)

    async def _until(self, done) -> None:
        deadline = time.perf_counter() + TIMEOUT_S
        while not done():
            if time.perf_counter() > deadline or self.reader.done():
                raise TimeoutError("the server did not answer a student")
            await asyncio.sleep(0.01)

    async def change(self, message: bytes) -> float:
        """Send a rate change; seconds until the server finished its rerun."""
        seen = len(self.finished)
        sent = time.perf_counter()
        await self.socket.send(message)
        await self._until(lambda: len(self.finished) > seen)
        return self.finished[seen] - sent

    async def close(self) -> None:
        await self.socket.close()
        self.reader.cancel()


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def _class(url: str, pid: int, recording: Recording, size: int) -> list[Row]:
    """``size`` students open the link at once, then each changes the rate every 3-5 s."""
    students = [Student(url, recording) for _ in range(size)]
    before_rss, start_cpu, opened = rss_mib(pid), cpu_seconds(pid), time.perf_counter()
    drawn = await asyncio.gather(*(s.open() for s in students))
    open_cpu = cpu_seconds(pid) - start_cpu
    first = [at - opened for at in drawn]
    per_student = (rss_mib(pid) - before_rss) / size
    rng = random.Random(size)

    async def student(one: Student) -> list[float]:
        times = []
        for i in range(CHANGES):
            await asyncio.sleep(rng.uniform(*PAUSE_S))
            times.append(await one.change(recording.changes[i % 2]))
        return times

    start_cpu = cpu_seconds(pid)
    reruns = [t for times in await asyncio.gather(*map(student, students)) for t in times]
    change_cpu = (cpu_seconds(pid) - start_cpu) / len(reruns)
    for one in students:
        await one.close()
    label = f"{size} students"
    return [
        Row(f"{label} open the link at once: first chart (median)", statistics.median(first), "s"),
        Row(f"{label} open the link at once: first chart (p95)", _p95(first), "s"),
        Row(f"{label} open the link at once: server CPU per student", open_cpu / size, "s"),
        Row(f"{label}, a change every 3-5 s each: rerun (median)", statistics.median(reruns), "s"),
        Row(f"{label}, a change every 3-5 s each: rerun (p95)", _p95(reruns), "s"),
        Row(
            f"{label}, a change every 3-5 s each: server CPU per change",
            change_cpu * 1e3,
            "ms",
            "≤ 30 ms",
        ),
        Row(f"{label}: server memory per student", per_student, "MiB"),
    ]


async def _run(url: str, pid: int) -> list[Row]:
    recording = await _record(url, pid)
    rows = [
        Row(
            "server CPU per page load (Chromium, fresh context, median)",
            statistics.median(recording.load_cpu),
            "s",
            "≤ 0.2 s",
        ),
        Row("files one browser fetches from the server to open the page", len(recording.files), ""),
        Row("server memory before the class", rss_mib(pid), "MiB"),
    ]
    for size in CLASSES:
        rows += await _class(url, pid, recording, size)
        await asyncio.sleep(3)
    return rows


def run() -> list[Row]:
    """Start the app and fill it with a class of 30, then one of 60."""
    with ExitStack() as stack:
        server = stack.enter_context(start_server(ARTIFACTS.parent / "benchmarks" / "class.log"))
        return asyncio.run(_run(server.url, server.process.pid))
