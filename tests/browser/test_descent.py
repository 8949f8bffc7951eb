"""The Descent page in a real browser: what a person sees after each thing they do."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PLAYER_STATE,
    REPO,
    SETTLE_MS,
    assert_charts_drawn,
    assert_healthy,
    chart_titles,
    learning_rate_slider,
    main,
    open_app,
    parameter_rows,
    run_number,
    settle,
    shot,
    sidebar,
)

pytestmark = pytest.mark.browser

DOCS_SCREENSHOT = REPO / "docs" / "screenshot.png"


def test_default_page_renders_every_chart(page: Page) -> None:
    open_app(page)
    assert_charts_drawn(page)
    for title in ("Fit", "Loss", "Cost surface", "Contour map"):
        expect(chart_titles(page, f"^{title}$")).to_have_count(1)
    for name in ("fit", "loss", "surface", "map"):
        alternative = main(page).locator(f".dh-{name} figcaption")
        expect(alternative).to_contain_text("stopped" if name != "surface" else "optimum")
    for label in ("Epochs run", "Final loss", "Optimum loss", "Stopped because"):
        assert run_number(page, label), label
    assert run_number(page, "Epochs run") == "300"
    rows = parameter_rows(page)
    assert set(rows) == {"w (x)", "b (intercept)"}, rows
    assert_healthy(page)
    path = shot(page, "default_page")
    if os.environ.get("DOWNHILL_UPDATE_SCREENSHOT"):
        # The README's picture: DOWNHILL_UPDATE_SCREENSHOT=1 pytest tests/browser -k default_page
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS_SCREENSHOT)


def test_changing_the_learning_rate_changes_the_run(page: Page) -> None:
    open_app(page)
    slider = learning_rate_slider(page)
    expect(slider).to_have_attribute("aria-valuetext", "0.05")
    before = parameter_rows(page)
    loss_before = run_number(page, "Final loss")
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", "0.02")
    expect(page).to_have_url(re.compile(r"learning_rate=0\.02"), timeout=SETTLE_MS)
    settle(page, "Descent")
    after = parameter_rows(page)
    assert after.keys() == before.keys()
    assert after["w (x)"][0] != before["w (x)"][0], (before, after)
    assert after["w (x)"][1] == before["w (x)"][1], "the closed form must not move"
    assert run_number(page, "Final loss") != loss_before
    assert_charts_drawn(page)
    assert_healthy(page)
    shot(page, "learning_rate_0.02")


def test_play_moves_every_view(page: Page) -> None:
    open_app(page)
    # The page settles before the player has drawn (plotly.js may still be loading).
    page.wait_for_function(f"() => ({PLAYER_STATE})() !== null", timeout=SETTLE_MS)
    before = page.evaluate(PLAYER_STATE)
    assert before["label"] == "300 / 300", "the player opens on the finished run"
    main(page).get_by_role("button", name="Play").click()
    page.wait_for_function(
        f"() => {{ const s = ({PLAYER_STATE})(); return s && s.epoch < 300; }}",
        polling=50,
        timeout=30_000,
    )
    early = page.evaluate(PLAYER_STATE)
    page.wait_for_function(
        f"() => {{ const s = ({PLAYER_STATE})(); return s && s.epoch > {early['epoch']}; }}",
        polling=50,
        timeout=30_000,
    )
    later = page.evaluate(PLAYER_STATE)
    assert later["label"] != before["label"], later["label"]
    moved = [b != a for b, a in zip(before["moving"], later["moving"], strict=True)]
    assert all(moved), f"views that did not move: {before['types']} {moved}"
    shot(page, "playing")
    main(page).get_by_role("button", name="Pause").click()
    paused = page.evaluate(PLAYER_STATE)["epoch"]
    page.wait_for_timeout(1500)
    assert page.evaluate(PLAYER_STATE)["epoch"] == paused, "Pause stops the playback"


def test_diverging_rate_warns_and_still_draws(page: Page) -> None:
    open_app(page, "/?learning_rate=5")
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", "5")
    alert = main(page).locator('[data-testid="stAlert"]', has_text="blew up at epoch")
    expect(alert).to_be_visible()
    expect(sidebar(page).get_by_text("will diverge")).to_be_visible()
    assert_charts_drawn(page)
    expect(chart_titles(page, r"^Loss · diverged at epoch \d+$")).to_have_count(1)
    assert run_number(page, "Stopped because") == "diverged"
    assert_healthy(page)
    shot(page, "diverged")


def test_a_refused_typed_rate_leaves_the_box_to_follow_the_fix(page: Page) -> None:
    """Typing 0 is refused with a message; the fix the page offers then shows in the box.

    With the box's own limits, Chromium kept the refused 0 in the box after the fix set
    the rate, so the box and the run disagreed.
    """
    open_app(page, "/?learning_rate=1.2")
    box = sidebar(page).get_by_role("spinbutton", name="or type a rate")
    box.fill("0")
    box.press("Enter")
    expect(sidebar(page).get_by_text("η = 0 cannot run")).to_be_visible()
    expect(box).to_have_value("1.2")
    main(page).get_by_role("button", name="Use η").first.click()
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", "0.7")
    expect(box).to_have_value("0.7")
    assert_healthy(page)


def test_shared_link_reopens_the_same_run(page: Page) -> None:
    open_app(page, "/?optimizer=adam&learning_rate=0.2&epochs=120")
    expect(sidebar(page).get_by_role("combobox", name="Update rule")).to_have_value("Adam")
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", "0.2")
    expect(sidebar(page).get_by_label("Epochs", exact=True)).to_have_value("120")
    assert run_number(page, "Epochs run") == "120"
    assert page.evaluate(PLAYER_STATE)["label"] == "120 / 120"
    assert_healthy(page)
    shot(page, "shared_link")


def test_downloads_reproduce_the_run_shown(page: Page, tmp_path) -> None:
    """The script downloaded from the page reproduces the parameters the page shows; the
    history has a row per epoch."""
    open_app(page, "/?epochs=120")
    shown = float(parameter_rows(page)["w (x)"][0])
    # The downloads sit in a section that runs only when opened.
    main(page).get_by_text("Take it with you").click()
    with page.expect_download() as script_download:
        main(page).get_by_role("button", name=re.compile("Reproducing script")).click()
    script = tmp_path / "downhill_run.py"
    script_download.value.save_as(script)
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=True
    )
    assert "epochs run: 120" in result.stdout
    printed = float(re.search(r"w\[x\] = (\S+)", result.stdout).group(1))
    assert printed == pytest.approx(shown, rel=1e-4)  # the table shows about 6 digits

    with page.expect_download() as history_download:
        main(page).get_by_role("button", name=re.compile("History")).click()
    history = tmp_path / "history.csv"
    history_download.value.save_as(history)
    with history.open(newline="") as lines:
        rows = list(csv.reader(lines))
    assert len(rows) == 1 + 121  # header, then epochs 0..120
    assert_healthy(page)


def test_a_laptop_screen_shows_the_controls_and_views_without_scrolling(page: Page) -> None:
    """At 1366 × 768: what to do is said, and play, the rate scrubber and the first views show."""
    page.set_viewport_size({"width": 1366, "height": 768})
    open_app(page)
    assert_charts_drawn(page)
    expect(main(page).get_by_text("Change the learning rate")).to_be_in_viewport()
    player = main(page).locator(".dh-player")
    expect(player.get_by_role("button", name="Play")).to_be_in_viewport()
    scrubber = player.get_by_role("slider", name=re.compile("learning rate"))
    expect(scrubber).to_be_in_viewport()
    for view in (".dh-fit", ".dh-loss"):
        box = player.locator(f"{view} .dh-graph").bounding_box()
        assert box and box["y"] + 0.4 * box["height"] < 768, (view, box)
    assert_healthy(page)
