"""A class on one server: what one Streamlit server running Downhill holds.

One server runs the app as people start it; Debian's Chromium opens sessions in it
through Playwright, one browser context per student. The server's own CPU time and
resident memory are read from ``/proc`` (Linux), so the browsers' work is not counted
in them. Times of a tweak are the page's own clock, from the key press on the
sidebar's learning-rate slider until the player's views show the new run; with
twelve sessions tweaking at once those times include twelve browsers drawing on the
same machine as the server, so the ratio is an upper bound on what the server adds.
The server's share alone is timed from the key press until the server's message that
the rerun finished (``script_finished``) reaches the page. Memory is read twice: a class
on one example (the sessions share the cached runs) and a class where every student
generates their own data (each session adds its own cached runs, up to the caches' limits).
Last, twenty sessions change the rate every 3-5 s, alone and then beside one session that
opens the heaviest link the server's budget runs, again and again: the ratio of their
rerun times says how much one heavy session costs the rest of the class.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
from contextlib import ExitStack

from playwright.async_api import Page, async_playwright
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.bench_browser import CHANGED_JS, ELAPSED_JS, IDLE_JS, PRESS_JS, SIGNATURE_JS
from benchmarks.report import Row
from tests.browser.helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT, start_server

SUITE = "A class on one server (12 sessions in one Streamlit server, driven by Chromium)"

SESSIONS = 12
#: The class tweaking beside one heavy session, and the rate changes each of them makes.
CLASS = 20
CLASS_TWEAKS = 4
#: The heaviest link the default budget runs: one stochastic pass over 800,000 training
#: rows (a million generated), about 8 s of engine work for every rate it is opened at.
HEAVY = "/?data_source=generate&gen_rows=1000000&batch_mode=stochastic&epochs=1&learning_rate="
#: Fresh page loads timed for the server's CPU per load, and tweaks per session.
LOADS = 3
TWEAKS = 6
TIMEOUT_MS = 180_000
TICKS = os.sysconf("SC_CLK_TCK")

DRAWN_JS = """
() => {
  const player = document.querySelector('.dh-player');
  const busy = document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"], ' +
                                      '[data-testid="stSkeleton"], [data-testid="stSpinner"]');
  return !!player && player.dataset.drawn === '1' && !busy;
}
"""


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


def _finished_at(payload) -> bool:
    if isinstance(payload, str):
        return False
    try:
        return ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished"
    except ValueError:
        return False


async def _open(browser, url: str) -> Page:
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    finished: list[float] = []
    page.__finished = finished

    def watch(ws) -> None:
        ws.on(
            "framereceived",
            lambda payload: _finished_at(payload) and finished.append(time.perf_counter()),
        )

    page.on("websocket", watch)
    await page.goto(url)
    await page.wait_for_function(DRAWN_JS, polling=100, timeout=TIMEOUT_MS)
    return page


async def _idle(page: Page) -> None:
    await page.wait_for_function(IDLE_JS, polling=100, timeout=TIMEOUT_MS)
    await page.wait_for_timeout(300)
    await page.wait_for_function(IDLE_JS, polling=100, timeout=TIMEOUT_MS)


async def _tweak_ms(page: Page, key: str) -> tuple[float, float]:
    """Milliseconds from a key press on the sidebar's rate slider until every view shows the
    change on screen, and until the server's message that its rerun finished arrived."""
    before = await page.evaluate(SIGNATURE_JS)
    await page.evaluate(PRESS_JS)
    pressed = time.perf_counter()
    await page.keyboard.press(key)
    await page.wait_for_function(CHANGED_JS, arg=before, polling="raf", timeout=TIMEOUT_MS)
    elapsed = await page.evaluate(ELAPSED_JS)
    # The views follow the slider before the server answers: wait for its rerun too.
    deadline = pressed + TIMEOUT_MS / 1000
    while not any(at > pressed for at in page.__finished):
        if time.perf_counter() > deadline:
            raise TimeoutError("the server did not finish a rerun after the key press")
        await asyncio.sleep(0.02)
    await _idle(page)
    served = min(at for at in page.__finished if at > pressed)
    return elapsed, (served - pressed) * 1000


async def _focus_rate(page: Page) -> None:
    slider = page.locator('[data-testid="stSidebar"]').get_by_role("slider", name="Learning rate η")
    await slider.focus()


_med = statistics.median


def _keys(count: int) -> list[str]:
    return ["ArrowLeft" if i % 2 == 0 else "ArrowRight" for i in range(count)]


async def _measure(browser, url: str, pid: int) -> list[Row]:
    warm = await _open(browser, url)
    await warm.context.close()

    load_cpu = []
    for _ in range(LOADS):
        start = cpu_seconds(pid)
        page = await _open(browser, url)
        load_cpu.append(cpu_seconds(pid) - start)
        await page.context.close()
    await asyncio.sleep(2)

    # Sessions stay open from here on; the server's memory is read as each one joins.
    base_rss = rss_mib(pid)
    pages, rss = [], []
    for _ in range(SESSIONS):
        pages.append(await _open(browser, url))
        rss.append(rss_mib(pid))
    for page in pages:
        await _focus_rate(page)

    lone = pages[0]
    start = cpu_seconds(pid)
    lone_times = [await _tweak_ms(lone, key) for key in _keys(TWEAKS)]
    tweak_cpu = (cpu_seconds(pid) - start) / TWEAKS

    start_cpu, start_wall = cpu_seconds(pid), time.perf_counter()
    class_times: list[tuple[float, float]] = []
    for key in _keys(TWEAKS):
        class_times += await asyncio.gather(*(_tweak_ms(page, key) for page in pages))
    wall = time.perf_counter() - start_wall
    class_cpu = (cpu_seconds(pid) - start_cpu) / len(class_times)
    for page in pages:
        await page.context.close()
    await asyncio.sleep(2)

    # Every student on their own generated data: each session brings its own runs.
    own_base = rss_mib(pid)
    own = []
    for seed in range(1, SESSIONS + 1):
        own.append(await _open(browser, f"{url}/?data_source=generate&gen_seed={seed}"))
    own_rss = rss_mib(pid)
    for page in own:
        await page.context.close()

    per_session = (rss[-1] - rss[0]) / (SESSIONS - 1)
    lone_ms, together = [t for t, _ in lone_times], [t for t, _ in class_times]
    lone_served, class_served = [s for _, s in lone_times], [s for _, s in class_times]
    lone_median, class_median = statistics.median(lone_ms), statistics.median(together)
    return [
        Row("server CPU per page load (median)", statistics.median(load_cpu) * 1000, "ms"),
        Row("server CPU per learning-rate change, lone session", tweak_cpu * 1000, "ms"),
        Row(f"server CPU per learning-rate change, {SESSIONS} at once", class_cpu * 1000, "ms"),
        Row("learning-rate changes one server sustains (1 / CPU per change)", 1 / class_cpu, "/s"),
        Row(f"learning-rate changes served, {SESSIONS} at once", len(together) / wall, "/s"),
        Row("server memory before any session stays open", base_rss, "MiB"),
        Row("server memory with 1 session", rss[0], "MiB"),
        Row(f"server memory with {SESSIONS // 2} sessions", rss[SESSIONS // 2 - 1], "MiB"),
        Row(f"server memory with {SESSIONS} sessions", rss[-1], "MiB"),
        Row("memory per session, one example (1 -> 12 sessions)", per_session, "MiB"),
        Row(
            f"memory per session, {SESSIONS} sessions each on its own generated data",
            (own_rss - own_base) / SESSIONS,
            "MiB",
        ),
        Row("tweak -> views redrawn, lone session (median)", lone_median, "ms"),
        Row("tweak -> views redrawn, lone session (slowest)", max(lone_ms), "ms"),
        Row(f"tweak -> views redrawn, {SESSIONS} at once (median)", class_median, "ms"),
        Row(f"tweak -> views redrawn, {SESSIONS} at once (slowest)", max(together), "ms"),
        Row("  ratio of medians, class to lone", class_median / lone_median, "x"),
        Row("  ratio of slowest, class to lone", max(together) / max(lone_ms), "x"),
        Row("tweak -> server's rerun finished, lone session (median)", _med(lone_served), "ms"),
        Row("tweak -> server's rerun finished, lone session (slowest)", max(lone_served), "ms"),
        Row(
            f"tweak -> server's rerun finished, {SESSIONS} at once (median)",
            _med(class_served),
            "ms",
        ),
        Row(
            f"tweak -> server's rerun finished, {SESSIONS} at once (slowest)",
            max(class_served),
            "ms",
        ),
        Row("  ratio of medians, class to lone", _med(class_served) / _med(lone_served), "x"),
        Row("  ratio of slowest, class to lone", max(class_served) / max(lone_served), "x"),
    ]


async def _class_tweaks(pages: list[Page]) -> list[float]:
    """Every page changes the rate every 3-5 s; the server's rerun times, in ms."""
    rng = random.Random(0)

    async def student(page: Page) -> list[float]:
        served = []
        for key in _keys(CLASS_TWEAKS):
            await asyncio.sleep(rng.uniform(3, 5))
            served.append((await _tweak_ms(page, key))[1])
        return served

    return [t for times in await asyncio.gather(*map(student, pages)) for t in times]


async def _heavy_session(browser, url: str, stop: asyncio.Event) -> int:
    """Open the heaviest link at new rates, one after another, until ``stop``; the count."""
    context = await browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    page, opened = await context.new_page(), 0
    while not stop.is_set():
        await page.goto(f"{url}{HEAVY}{0.001 * (opened + 1):g}")
        await page.wait_for_function(DRAWN_JS, polling=250, timeout=TIMEOUT_MS)
        opened += 1
    await context.close()
    return opened


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def _beside_a_heavy_session(browser, url: str) -> list[Row]:
    """The class's reruns alone, then beside one session running the heaviest allowed job."""
    pages = [await _open(browser, url) for _ in range(CLASS)]
    for page in pages:
        await _focus_rate(page)
    alone = await _class_tweaks(pages)
    stop = asyncio.Event()
    heavy = asyncio.ensure_future(_heavy_session(browser, url, stop))
    await asyncio.sleep(5)  # the heavy job is under way
    beside = await _class_tweaks(pages)
    stop.set()
    heavy_runs = await heavy
    for page in pages:
        await page.context.close()
    label = f"{CLASS} sessions changing the rate every 3-5 s: server's rerun"
    return [
        Row(f"{label}, alone (median)", _med(alone), "ms"),
        Row(f"{label}, alone (p95)", _p95(alone), "ms"),
        Row(f"{label}, beside one heavy session (median)", _med(beside), "ms"),
        Row(f"{label}, beside one heavy session (p95)", _p95(beside), "ms"),
        Row(
            "  ratio of medians, beside a heavy session to alone",
            _med(beside) / _med(alone),
            "x",
            "≤ 2",
        ),
        Row("  ratio of p95, beside a heavy session to alone", _p95(beside) / _p95(alone), "x"),
        Row("heavy runs (800,000 stochastic updates each) finished meanwhile", heavy_runs, ""),
    ]


async def _run(url: str, pid: int) -> list[Row]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            rows = await _measure(browser, url, pid)
            return rows + await _beside_a_heavy_session(browser, url)
        finally:
            await browser.close()


def run() -> list[Row]:
    """Start the app and fill it with a class of sessions."""
    with ExitStack() as stack:
        server = stack.enter_context(start_server(ARTIFACTS.parent / "benchmarks" / "class.log"))
        return asyncio.run(_run(server.url, server.process.pid))
