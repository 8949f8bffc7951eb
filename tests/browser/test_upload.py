"""Uploading files through the real file input: good data, broken files and hostile names."""

from __future__ import annotations

import random
import re

import pytest
from playwright.sync_api import Dialog, Page, expect

from tests.browser.helpers import (
    assert_charts_drawn,
    assert_healthy,
    choose,
    learning_rate_slider,
    line_csv,
    main,
    open_app,
    page_text,
    parameter_rows,
    settle,
    shot,
    sidebar,
    upload,
)
from ui.settings import LEARNING_RATES

pytestmark = pytest.mark.browser

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert(2)</script>"


def wait_for_new_weight(page, before: str) -> None:
    """Wait until the parameters table shows a weight of ``speed`` other than ``before``."""
    page.wait_for_function(
        """before => Array.from(document.querySelectorAll(
            '[data-testid="stMain"] [data-testid="stMarkdownContainer"] ' +
            'table tbody td:first-child')).some(cell => cell.textContent === 'w (speed)' &&
                  cell.nextElementSibling.textContent !== before)""",
        arg=before,
        polling=250,
        timeout=120_000,
    )


def wait_for_parameters(page: Page, *labels: str) -> dict[str, list[str]]:
    """Wait until the Parameters table has exactly the rows ``labels``; return it."""
    wanted = sorted(labels)
    page.wait_for_function(
        """wanted => {
          const cells = Array.from(document.querySelectorAll('[data-testid="stMain"] ' +
            '[data-testid="stMarkdownContainer"] table tbody td:first-child'));
          const seen = cells.map(c => c.textContent);
          return wanted.every(w => seen.includes(w));
        }""",
        arg=wanted,
        polling=250,
        timeout=120_000,
    )
    settle(page, "Descent")
    rows = parameter_rows(page)
    assert sorted(rows) == wanted, rows
    return rows


def test_uploaded_csv_replaces_the_data(page: Page) -> None:
    open_app(page)
    assert set(parameter_rows(page)) == {"w (x)", "b (intercept)"}
    upload(page, "heights.csv", line_csv("height_cm", "weight_kg", 0.5, 3.0))
    rows = wait_for_parameters(page, "w (height_cm)", "b (intercept)")
    assert abs(float(rows["w (height_cm)"][1]) - 0.5) < 0.05, rows
    expect(sidebar(page).get_by_role("combobox", name="Target (y)")).to_have_value("weight_kg")
    expect(main(page).get_by_text("Uploaded file heights.csv", exact=False)).to_be_visible()
    # In a tab of its own the page has its upload cookie: no word about embedding.
    expect(sidebar(page).get_by_text("Open Downhill in a tab of its own")).to_have_count(0)
    # The fit view's axis (each view is its own plot: the map's axis is "w (height_cm)").
    expect(main(page).locator(".xtitle", has_text=re.compile("^height_cm$"))).to_have_count(1)
    assert_charts_drawn(page)
    assert_healthy(page)
    shot(page, "uploaded_csv")


def test_broken_files_show_an_error_and_the_app_stays_usable(page: Page) -> None:
    open_app(page)
    upload(page, "good.csv", line_csv("speed", "distance", 2.0, 1.0))
    wait_for_parameters(page, "w (speed)", "b (intercept)")
    garbage = b"\x89PNG\r\n\x1a\n" + random.Random(7).randbytes(4096)
    for name, content, says in (
        ("garbage.csv", garbage, "looks binary"),
        ("empty.csv", b"", "empty"),
    ):
        upload(page, name, content)
        error = sidebar(page).locator('[data-testid="stAlert"]', has_text=f"{name}:")
        expect(error).to_be_visible(timeout=120_000)
        expect(error).to_contain_text(says)
        settle(page, "Descent")
        # The data that was already there stays, and so do the charts.
        assert set(parameter_rows(page)) == {"w (speed)", "b (intercept)"}, name
        assert_charts_drawn(page)
        assert_healthy(page)
        shot(page, f"broken_{name.replace('.', '_')}")
    before = parameter_rows(page)["w (speed)"][0]
    slider = learning_rate_slider(page)
    # New data opens on a rate that fits it; one step right is the ladder's next stop.
    shown = float(slider.get_attribute("aria-valuetext"))
    following = LEARNING_RATES[LEARNING_RATES.index(shown) + 1]
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", f"{following:g}")
    wait_for_new_weight(page, before)
    settle(page, "Descent")
    assert_charts_drawn(page)
    assert_healthy(page)


def test_hostile_column_names_stay_text(page: Page) -> None:
    dialogs: list[str] = []

    def record(dialog: Dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", record)
    open_app(page)
    hostile = line_csv(IMG, SCRIPT, 1.5, -1.0)
    upload(page, "<img src=y onerror=alert(3)>.csv", hostile)
    wait_for_parameters(page, f"w ({IMG})", "b (intercept)")
    expect(sidebar(page).get_by_role("combobox", name="Target (y)")).to_have_value(SCRIPT)
    # Visible as plain text where a person reads them: the features picker and the captions.
    expect(sidebar(page).get_by_text(IMG, exact=True).first).to_be_visible()
    expect(main(page).get_by_text(SCRIPT, exact=False).first).to_be_visible()
    # Let the charts (axis titles, hover labels, legends) draw before looking for injections.
    assert_charts_drawn(page)
    page.wait_for_timeout(500)
    assert page.locator('img[src="x"], img[src="y"]').count() == 0
    assert page.evaluate(
        """() => Array.from(document.querySelectorAll('script'))
            .every(s => !s.textContent.includes('alert(2)'))"""
    )
    text = page_text(page)
    assert "alert(2)" in text and IMG in text
    assert_healthy(page)
    shot(page, "hostile_names")
    assert dialogs == [], dialogs


def test_surface_axis_pickers_name_the_new_parameters(page: Page) -> None:
    open_app(page)
    upload(page, "heights.csv", line_csv("height_cm", "weight_kg", 0.5, 3.0))
    wait_for_parameters(page, "w (height_cm)", "b (intercept)")
    expect(main(page).get_by_role("combobox", name="Surface x-axis")).to_have_value("w (height_cm)")
    expect(main(page).get_by_role("combobox", name="Surface y-axis")).to_have_value("b (intercept)")


def test_an_upload_kept_while_an_example_was_shown_is_named_beside_the_empty_uploader(
    page: Page,
) -> None:
    """Upload, Example, Upload: the uploader comes back empty (the browser forgot its file),
    so the sidebar says which file is still fitted and how to replace it."""
    open_app(page)
    upload(page, "clean.csv", line_csv("speed", "distance", 2.0, 1.0))
    wait_for_parameters(page, "w (speed)", "b (intercept)")
    uploader = sidebar(page).locator('[data-testid="stFileUploader"]')
    kept = "Using clean.csv, uploaded earlier; upload another to replace it."
    # While the uploader shows the file, through later reruns too, nothing more is said.
    before = parameter_rows(page)["w (speed)"][0]
    slider = learning_rate_slider(page)
    slider.focus()
    page.keyboard.press("ArrowRight")
    # Leaving the slider is a change of its own: done now, it cannot close the menu below.
    slider.blur()
    # The rerun starts a moment after the key: wait for its result, not for a quiet page.
    wait_for_new_weight(page, before)
    settle(page, "Descent")
    expect(uploader.locator('[data-testid="stFileChipName"]')).to_have_count(1)
    expect(sidebar(page).get_by_text(kept)).to_have_count(0)
    # Back up the sidebar first: a menu opened while the sidebar scrolls closes again.
    sidebar(page).get_by_role("combobox", name="Data", exact=True).scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    choose(page, "Data", "Example (preset)")
    wait_for_parameters(page, "w (x)", "b (intercept)")
    choose(page, "Data", "Upload a CSV")
    wait_for_parameters(page, "w (speed)", "b (intercept)")
    expect(uploader).to_be_visible()
    expect(uploader.locator('[data-testid="stFileChipName"]')).to_have_count(0)
    expect(sidebar(page).get_by_text(kept)).to_be_visible()
    expect(main(page).get_by_text("Uploaded file clean.csv", exact=False)).to_be_visible()
    assert_healthy(page)
    upload(page, "other.csv", line_csv("hours", "score", 3.0, 10.0))
    wait_for_parameters(page, "w (hours)", "b (intercept)")
    expect(sidebar(page).get_by_text(kept)).to_have_count(0)
