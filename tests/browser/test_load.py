"""Many people at once: eight sessions upload different files and fit them at the same time.

Every session must finish, see only its own columns and its own slope, and the server's
memory must stay bounded. One asyncio Playwright drives eight browser contexts (eight
Streamlit sessions) concurrently; it runs in its own thread so that it never meets the
synchronous Playwright the other tests use.
"""

from __future__ import annotations

import ast
import asyncio
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest
from playwright.async_api import Page, async_playwright

from tests.browser.helpers import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    PAGE_TEXT,
    REPO,
    RESET_QUIET_JS,
    RUN_NUMBER_JS,
    SETTLED_JS,
    RssSampler,
    line_csv,
)

SESSIONS = 8
#: Peak resident memory of the server (and any children) the test accepts.
MAX_RSS_BYTES = 2 * 1024**3
#: One session's budget, from opening the page to reading its results, with eight at once.
SESSION_TIMEOUT_MS = 240_000


def slope(i: int) -> float:
    return 1.0 + 0.5 * i


def names(i: int) -> tuple[str, str]:
    return f"a{i}", f"b{i}"


@dataclass
class Outcome:
    index: int
    parameters: dict[str, list[str]] = field(default_factory=dict)
    epochs_run: str = ""
    text: str = ""
    dialogs: list[str] = field(default_factory=list)
    seconds: float = 0.0


async def _settle(page: Page, title: str = "Descent") -> None:
    await page.evaluate(RESET_QUIET_JS)
    await page.wait_for_function(
        SETTLED_JS, arg=[title, 4], polling=250, timeout=SESSION_TIMEOUT_MS
    )


async def _parameters(page: Page) -> dict[str, list[str]]:
    rows = await page.evaluate(
        """() => {
          const column = Array.from(document.querySelectorAll('[data-testid="stColumn"]'))
            .find(c => Array.from(c.querySelectorAll('strong'))
              .some(s => s.textContent.trim() === 'Parameters'));
          const table = column && column.querySelector('table');
          if (!table) return [];
          return Array.from(table.querySelectorAll('tr')).map(
            row => Array.from(row.children).map(cell => cell.textContent));
        }"""
    )
    return {row[0]: row[1:] for row in rows[1:]}


async def _session(browser, url: str, i: int) -> Outcome:
    outcome = Outcome(i)
    started = time.monotonic()
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, base_url=url)
    context.set_default_timeout(SESSION_TIMEOUT_MS)
    page = await context.new_page()

    async def record(dialog) -> None:
        outcome.dialogs.append(dialog.message)
        await dialog.dismiss()

    page.on("dialog", record)
    try:
        await page.goto("/")
        await _settle(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        await sidebar.get_by_role("combobox", name="Data", exact=True).click()
        await page.get_by_role("option", name="Upload a CSV", exact=True).click()
        uploader = sidebar.locator('[data-testid="stFileUploader"]')
        x_name, y_name = names(i)
        await uploader.locator('input[type="file"]').set_input_files(
            files=[
                {
                    "name": f"session{i}.csv",
                    "mimeType": "text/csv",
                    "buffer": line_csv(x_name, y_name, slope(i), -float(i)),
                }
            ]
        )
        await page.wait_for_function(
            """label => Array.from(document.querySelectorAll(
                '[data-testid="stMarkdownContainer"] table tbody td:first-child'))
                .some(cell => cell.textContent === label)""",
            arg=f"w ({x_name})",
            polling=250,
            timeout=SESSION_TIMEOUT_MS,
        )
        await _settle(page)
        outcome.parameters = await _parameters(page)
        outcome.epochs_run = await page.evaluate(RUN_NUMBER_JS, "Epochs run")
        outcome.text = await page.evaluate(PAGE_TEXT)
        await page.screenshot(path=str(ARTIFACTS / f"load_session_{i}.png"))
    finally:
        outcome.seconds = time.monotonic() - started
        await context.close()
    return outcome


async def _warm_up(browser, url: str) -> None:
    """One session draws the page first, so the concurrent ones meet a started app."""
    context = await browser.new_context(base_url=url)
    page = await context.new_page()
    await page.goto("/")
    await page.wait_for_selector('[data-testid="stMain"] h1', timeout=SESSION_TIMEOUT_MS)
    await context.close()


async def _all_sessions(url: str, chromium: str) -> list[Outcome | BaseException]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            await _warm_up(browser, url)
            return await asyncio.gather(
                *(_session(browser, url, i) for i in range(SESSIONS)), return_exceptions=True
            )
        finally:
            await browser.close()


def _in_own_thread(coroutine):
    """Run ``coroutine`` on a fresh event loop in a worker thread (away from sync Playwright)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.mark.browser
def test_eight_sessions_at_once_each_see_only_their_own_data(server, chromium: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sampler = RssSampler(server.process.pid)
    baseline = sampler.rss()
    sampler.start()
    started = time.monotonic()
    outcomes = _in_own_thread(_all_sessions(server.url, chromium))
    elapsed = time.monotonic() - started
    peak = sampler.stop()

    report = [
        f"sessions: {SESSIONS} at once, each uploading its own CSV and fitting it",
        f"server RSS before: {baseline / 2**20:.0f} MiB",
        f"server RSS peak:   {peak / 2**20:.0f} MiB ({sampler.samples} samples, every 0.1 s)",
        f"wall time: {elapsed:.1f} s",
    ]
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            report.append(f"session failed: {outcome!r}")
        else:
            report.append(f"session {outcome.index}: {outcome.seconds:.1f} s")
    (ARTIFACTS / "load.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))

    failures = [o for o in outcomes if isinstance(o, BaseException)]
    assert not failures, failures
    for outcome in outcomes:
        i = outcome.index
        x_name, _ = names(i)
        assert sorted(outcome.parameters) == sorted([f"w ({x_name})", "b (intercept)"]), (
            i,
            outcome.parameters,
        )
        closed_form = float(outcome.parameters[f"w ({x_name})"][1])
        assert abs(closed_form - slope(i)) < 0.05, (i, closed_form)
        assert outcome.epochs_run == "300", (i, outcome.epochs_run)
        assert outcome.dialogs == []
        for j in range(SESSIONS):
            if j == i:
                continue
            for name in names(j):
                assert not re.search(rf"(?<![\w]){name}(?![\w])", outcome.text), (
                    f"session {i} shows {name} from session {j}"
                )
    assert peak < MAX_RSS_BYTES, f"server peak RSS {peak / 2**20:.0f} MiB"


# Streamlit runs each session's script in its own thread, so the first sessions after a start
# import the pages' modules at the same time. This replays exactly that, in a fresh interpreter:
# eight threads run the pages' chart imports together, five times over.
_FIRST_IMPORTS = """
import sys, threading
import numpy, pandas, plotly.graph_objects, plotly.subplots, streamlit
STATEMENTS = {statements!r}
failures = []
for attempt in range(5):
    for name in [m for m in sys.modules if m == "charts" or m.startswith("charts.")]:
        del sys.modules[name]
    barrier = threading.Barrier({sessions})

    def session(i):
        barrier.wait()
        try:
            exec(STATEMENTS[i % len(STATEMENTS)], {{}})
        except Exception as error:
            failures.append(repr(error))

    threads = [threading.Thread(target=session, args=(i,)) for i in range({sessions})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
print("\\n".join(failures))
"""


def _chart_imports_of_pages() -> list[str]:
    """Each page's ``from charts... import ...`` statements, as one block of code per page."""
    blocks = []
    for path in sorted((REPO / "pages").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        lines = [
            ast.unparse(node)
            for node in tree.body
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "charts"
        ]
        if lines:
            blocks.append("\n".join(lines))
    return blocks


def test_pages_import_safely_when_sessions_start_together() -> None:
    statements = _chart_imports_of_pages()
    assert statements, "no page imports charts"
    code = _FIRST_IMPORTS.format(statements=statements, sessions=SESSIONS)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    failures = [line for line in done.stdout.splitlines() if line.strip()]
    assert failures == [], "\n".join(failures[:5])
