"""Downhill inside a course page: the README's iframe snippet, on a page of another site.

The course page is served by a small HTTP server of its own and opened as ``localhost``; the
app answers at ``127.0.0.1``: another site, as a school's LMS is for the app's server.
"""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Frame, Page, expect

from tests.browser.helpers import (
    PLAYER_STATE,
    REPO,
    SETTLE_MS,
    Server,
    line_csv,
    main,
    moved_past,
    settle,
    shot,
    sidebar,
    upload,
)

pytestmark = pytest.mark.browser

#: The host the README's snippet names, replaced by the test server's address.
README_HOST = "https://downhill.school.example"


def readme_snippet() -> str:
    """The ``<iframe>`` the README gives teachers, as written there."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text.split("### Embedding it in a course page", 1)[1]
    (snippet,) = re.findall(r"```html\n(<iframe.*?</iframe>)\n```", section, flags=re.DOTALL)
    return snippet


@pytest.fixture
def course(server: Server, tmp_path: Path) -> Iterator[tuple[str, Path, str]]:
    """A site for course pages: its address, its folder and the app's address.

    Each test writes its page into the folder with :func:`lesson`.
    """
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}", tmp_path, server.url
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


def lesson(page: Page, course, extra: str = "") -> Frame:
    """Open a course page embedding the app (with ``extra`` after ``embed=true``); its frame."""
    address, folder, app = course
    snippet = readme_snippet().replace(README_HOST, app).replace("embed=true", f"embed=true{extra}")
    (folder / "lesson.html").write_text(
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Week 3</title></head>"
        f"<body><h1>Week 3: the learning rate</h1>{snippet}</body></html>",
        encoding="utf-8",
    )
    page.goto(f"{address}/lesson.html")
    frame = page.locator("iframe").element_handle().content_frame()
    frame.wait_for_selector('[data-testid="stMain"] h1', timeout=SETTLE_MS)
    settle(frame, "Descent")
    frame.wait_for_function(f"() => ({PLAYER_STATE})() !== null", timeout=SETTLE_MS)
    return frame


def state(frame: Frame) -> dict:
    return frame.evaluate(PLAYER_STATE)


def playing(frame: Frame, condition: str) -> dict:
    """The player's state once ``condition`` (on its state ``s``) holds."""
    test = f"() => {{ const s = ({PLAYER_STATE})(); return s !== null && ({condition}); }}"
    frame.wait_for_function(test, polling=50, timeout=SETTLE_MS)
    return state(frame)


def test_the_readme_snippet_plays_the_player_inside_a_course_page(page: Page, course) -> None:
    frame = lesson(page, course)
    assert page.url.startswith("http://localhost:") and frame.url.startswith("http://127.0.0.1:")
    # Streamlit's embed mode: no toolbar or menu; the link stays an embed after the app
    # writes its settings into it.
    expect(frame.locator('[data-testid="stToolbar"]')).to_have_count(0)
    expect(sidebar(frame)).to_be_visible()
    assert re.search(r"[?&]embed=true\b", frame.url) and "features=" in frame.url, frame.url
    # The attributes the snippet asks for are granted inside the frame.
    allowed = frame.evaluate(
        "() => ['clipboard-write', 'fullscreen'].map(f => document.featurePolicy.allowsFeature(f))"
    )
    assert allowed == [True, True]
    assert state(frame)["label"] == "300 / 300"
    main(frame).get_by_role("button", name="Play").click()
    early = playing(frame, "s.epoch > 0 && s.epoch < 150")
    later = playing(frame, moved_past(early))
    moved = [b != a for b, a in zip(early["moving"], later["moving"], strict=True)]
    assert all(moved), f"views that did not move (fit, loss, surface, map): {moved}"
    shot(page, "embed-playing")
    main(frame).get_by_role("button", name="Pause").click()
    # The rate scrubber moves every view without leaving the frame.
    rate = main(frame).locator(".dh-player").get_by_role("slider", name=re.compile("learning rate"))
    before = state(frame)["rateIndex"]
    rate.press("ArrowRight")
    frame.wait_for_function(f"() => ({PLAYER_STATE})().rateIndex === {before + 1}")


def test_present_mode_works_inside_the_frame(page: Page, course) -> None:
    frame = lesson(page, course)
    player = main(frame).locator(".dh-player")
    expect(player).not_to_have_class(re.compile(r"\bdh-present\b"))
    main(frame).get_by_role("switch", name="Present to a class").click(force=True)
    frame.wait_for_url(re.compile(r"[?&]present=1\b"), timeout=SETTLE_MS)
    settle(frame, "Descent")
    expect(player).to_have_class(re.compile(r"\bdh-present\b"))
    assert re.search(r"[?&]embed=true\b", frame.url), frame.url
    # A slide's link opens presenting: the sidebar folded, one view, playback on top.
    frame = lesson(page, course, "&present=1")
    player = main(frame).locator(".dh-player")
    expect(player).to_have_class(re.compile(r"\bdh-present\b"))
    box = sidebar(frame).bounding_box()
    assert box is None or box["width"] < 5 or box["x"] + box["width"] <= 0, box
    main(frame).get_by_role("button", name="Play").click()
    playing(frame, "s.epoch > 0")
    shot(page, "embed-present")


def test_an_upload_inside_another_sites_page_says_to_open_a_tab(page: Page, course) -> None:
    frame = lesson(page, course)
    with page.expect_console_message(lambda m: "403" in m.text, timeout=SETTLE_MS):
        upload(frame, "line.csv", line_csv("x", "y", 2.0, 1.0))
    expect(sidebar(frame).get_by_text("Open Downhill in a tab of its own")).to_be_visible()
    shot(page, "embed-upload")
