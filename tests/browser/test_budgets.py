"""A heavy request answers within its budget and leaves the shared server standing.

On a server shared by a class, a 0.67 MB CSV of 500 numeric columns opened with
100,000 epochs and a diverging rate once grew the server to 23 GiB until the kernel
killed it, ending every session. Here the server runs under an address-space cap, as
on a small machine, and its resident memory (with its worker) is sampled from /proc.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import helpers

pytestmark = pytest.mark.browser

#: The server's virtual memory cap, and the resident memory it must stay under.
ADDRESS_SPACE = 6 * 2**30
PEAK_RSS = 1.5 * 2**30
#: What a person may wait for an answer, run or message.
ANSWER_SECONDS = 60


def wide_csv(rows: int = 200, columns: int = 500) -> bytes:
    values = np.random.default_rng(7).normal(size=(rows, columns))
    header = ",".join(f"c{j}" for j in range(columns))
    body = "\n".join(",".join(f"{v:.6f}" for v in row) for row in values)
    return f"{header}\n{body}\n".encode()


@pytest.fixture(scope="module")
def capped_server() -> Iterator[helpers.Server]:
    with helpers.start_server(
        helpers.ARTIFACTS / "streamlit_capped.log", address_space=ADDRESS_SPACE
    ) as server:
        yield server


@pytest.fixture
def capped_page(browser: Browser, capped_server: helpers.Server) -> Iterator[Page]:
    context = browser.new_context(viewport=helpers.VIEWPORT, base_url=capped_server.url)
    context.set_default_timeout(ANSWER_SECONDS * 1000)
    page = context.new_page()
    yield page
    context.close()


def _answered(page: Page) -> str:
    """The page's text once it shows a run or says why none was started."""
    answer = (
        helpers.main(page)
        .get_by_text("Epochs run")
        .or_(helpers.main(page).get_by_text("was not started"))
    )
    expect(answer.first).to_be_visible(timeout=ANSWER_SECONDS * 1000)
    helpers.settle(page, timeout=ANSWER_SECONDS * 1000)
    return helpers.page_text(page)


@pytest.mark.parametrize("columns", [500, 51])
def test_a_wide_upload_with_many_epochs_and_a_diverging_rate_answers_within_budget(
    columns: int, capped_page: Page, capped_server: helpers.Server
) -> None:
    """500 columns: more features than the server fits at once; 51: the heaviest it runs."""
    page = capped_page
    sampler = helpers.RssSampler(capped_server.process.pid)
    sampler.start()
    try:
        page.goto("/?data_source=helpers.upload&epochs=100000")
        helpers.settle(page, timeout=helpers.SETTLE_MS)
        started = time.monotonic()
        helpers.upload(page, "wide.csv", wide_csv(columns=columns))
        _answered(page)
        opened = time.monotonic() - started
        typed = helpers.sidebar(page).get_by_role("spinbutton", name="or type a rate")
        typed.fill("0.7")
        started = time.monotonic()
        typed.press("Enter")
        expect(helpers.sidebar(page).get_by_text("η = 0.7", exact=False).first).to_be_visible()
        text = _answered(page)
        diverged = time.monotonic() - started
        helpers.shot(page, f"budget_wide_upload_{columns}")
    finally:
        peak = sampler.stop()
    assert opened < ANSWER_SECONDS and diverged < ANSWER_SECONDS, (opened, diverged)
    assert peak < PEAK_RSS, f"server peak RSS {peak / 2**20:.0f} MiB"
    assert "Something went wrong" not in text
    assert "Epochs run" in text or "was not started" in text
    assert capped_server.process.poll() is None, capped_server.log_tail()
    print(
        f"wide helpers.upload: opened {opened:.1f} s, diverging rate {diverged:.1f} s, "
        f"peak RSS {peak / 2**20:.0f} MiB"
    )
