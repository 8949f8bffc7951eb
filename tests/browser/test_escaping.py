"""Names from people's data read as typed in a real browser: no Markdown, LaTeX, HTML or link.

Two views of the same promise. A probe page (``text_probe.py``, its own server) shows a
corpus of tricky names through the helpers in every kind of Streamlit text and in Plotly,
and each must read back exactly. Then the app itself is given a CSV whose column names and
file name are that corpus: on every page each name reads as typed (or shortened with an
ellipsis), nothing is fetched from another host, and nothing is wider than the window.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from charts.labels import parameter_names
from charts.text import label, scene_text, shortened
from tests.browser.helpers import (
    ARTIFACTS,
    SETTLE_MS,
    VIEWPORT,
    Server,
    assert_charts_drawn,
    assert_healthy,
    main,
    open_app,
    outside,
    settle,
    shot,
    sidebar,
    start_server,
    upload,
)
from tests.browser.text_probe import NAMES
from tests.hostile_names import FILE_NAME, HOSTILE, LEFT_OUT, TARGET, hostile_csv

pytestmark = pytest.mark.browser

FEATURES = [name for name in HOSTILE.values() if name not in (TARGET, LEFT_OUT)]
#: What a browser adds around a name that is not the name: word joiners and isolates.
INVISIBLE = re.compile("[\u2060\u2066-\u2069]")
#: Elements that mean a name was read as markup, inside text Streamlit renders.
MARKUP = (
    "img, a, .katex, [role='img'], code, pre, h1, h2, h3, h4, h5, h6, ul, ol, li, blockquote, "
    "del, hr, em, sup, sub, input, table"
)


def plain(text: str) -> str:
    """Text as a reader sees it: no invisible joiners or isolates, runs of spaces as one."""
    return re.sub(r"\s+", " ", INVISIBLE.sub("", text)).strip()


def record_requests(page: Page) -> list[str]:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    return requested


def record_dialogs(page: Page) -> list[str]:
    dialogs: list[str] = []

    def dismiss(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return dialogs


def assert_within_window(page: Page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def links_and_images_elsewhere(page: Page) -> list[str]:
    """Links and images (HTML or SVG) that point at port 9, where the corpus's addresses go."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('a, img, image')).map(
            e => e.getAttribute('href') || e.getAttribute('xlink:href') || e.getAttribute('src')
              || '').filter(url => url.includes('127.0.0.1:9'))"""
    )


# ---- the helpers, one name at a time ----


@pytest.fixture(scope="module")
def probe(browser: Browser) -> Iterator[tuple[Page, Server, list[str]]]:
    with start_server(ARTIFACTS / "streamlit-probe.log", "tests/browser/text_probe.py") as server:
        context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
        context.set_default_timeout(60_000)
        page = context.new_page()
        requested = record_requests(page)
        open_app(page, "/", "Probe")
        expect(main(page).locator(".js-plotly-plot .legendtext").first).to_be_attached(
            timeout=SETTLE_MS
        )
        yield page, server, requested
        context.close()


#: Where each kind of text sits: Markdown, caption, alert, input label, metric label, the
#: table's row label and cell, the Markdown table's row label and cell.
PLACES = [
    '[data-testid="stMarkdown"] [data-testid="stMarkdownContainer"]:not(:has(table))',
    '[data-testid="stCaptionContainer"]',
    '[data-testid="stAlertContentError"]',
    '[data-testid="stNumberInput"] [data-testid="stWidgetLabel"]',
    '[data-testid="stMetricLabel"]',
    '[data-testid="stTable"] tbody th',
    '[data-testid="stTable"] tbody td',
    '[data-testid="stMarkdownContainer"] table tbody td:first-child',
    '[data-testid="stMarkdownContainer"] table tbody td:nth-child(2)',
]

READ_PROBE = """([keys, places, markup]) => keys.map(key => {
  const box = document.querySelector('.st-key-probe_' + key);
  const markdown = Array.from(box.querySelectorAll('[data-testid="stMarkdownContainer"]'));
  return {
    key,
    texts: places.map(place => Array.from(box.querySelectorAll(place)).map(e => e.innerText)),
    markup: markdown.flatMap(m => Array.from(m.querySelectorAll(markup)).map(e => e.tagName)),
    strong: Array.from(box.querySelectorAll('strong')).map(e => e.innerText),
  };
})"""


def test_every_kind_of_streamlit_text_shows_each_name_as_typed(probe) -> None:
    page, _, _ = probe
    shown = page.evaluate(READ_PROBE, [list(NAMES), PLACES, MARKUP])
    for item in shown:
        name = plain(NAMES[item["key"]])
        texts = [[plain(text) for text in place] for place in item["texts"]]
        assert texts == [[f"{item['key']}: {name}"]] + [[name]] * (len(PLACES) - 1), texts
        # One table: the Markdown table the probe draws; a name made into markup adds more.
        assert item["markup"] == ["TABLE"] and item["strong"] == [item["key"]], item


def test_every_plotly_text_shows_each_name_as_typed(probe) -> None:
    page, _, _ = probe
    chart = main(page).locator(".js-plotly-plot").first
    names = [plain(name) for name in NAMES.values()]
    read = chart.evaluate(
        """gd => ({
          annotations: Array.from(gd.querySelectorAll('.annotation-text')).map(t => t.textContent),
          legend: Array.from(gd.querySelectorAll('.legendtext')).map(t => t.textContent),
          title: gd.querySelector('.gtitle').textContent,
          x: gd.querySelector('.xtitle').textContent,
          y: gd.querySelector('.ytitle').textContent,
          links: gd.querySelectorAll('svg a').length,
        })"""
    )
    assert [plain(t) for t in read["annotations"]] == names
    assert [plain(t) for t in read["legend"]] == names
    assert plain(read["title"]) == plain(HOSTILE["anchor"])
    assert plain(read["x"]) == plain(HOSTILE["katex"])
    assert plain(read["y"]) == plain(NAMES["template"])
    assert read["links"] == 0
    # A hover label fills the template's own field, not the one inside the name.
    index = list(NAMES).index("template")
    point = chart.locator(".scatterlayer .trace").nth(index).locator(".point").first
    point.hover(force=True)
    hover = chart.locator(".hoverlayer .hovertext")
    expect(hover).to_have_count(1)
    assert plain(hover.text_content()) == f"{plain(NAMES['template'])}: {index}"


def test_3d_titles_are_sent_without_tags(probe) -> None:
    page, _, _ = probe
    scene = main(page).locator(".js-plotly-plot").nth(1)
    titles = scene.evaluate(
        "gd => ['xaxis', 'yaxis', 'zaxis'].map(a => gd._fullLayout.scene[a].title.text)"
    )
    sent = [NAMES["html_break"], HOSTILE["anchor"], NAMES["entities"]]
    assert titles == [scene_text(name, limit=None) for name in sent]
    assert not any(re.search(r"<[a-z/]", title) for title in titles), titles


def test_the_probe_asks_only_its_server_and_fits_the_window(probe) -> None:
    page, server, requested = probe
    assert links_and_images_elsewhere(page) == []
    assert_within_window(page)
    assert outside(requested, server.url) == []
    shot(page, "escaping_probe")
    plots = main(page).locator(".js-plotly-plot")
    for i in range(plots.count()):
        plots.nth(i).screenshot(path=ARTIFACTS / f"escaping_probe_chart_{i}.png")


# ---- the app, given a file whose names are the corpus ----


def assert_names_read_as_typed(page: Page, names: list[str]) -> None:
    """Each name reads in the page's main area as typed, or shortened with an ellipsis."""
    text = plain(main(page).inner_text())
    for name in names:
        assert plain(name) in text or plain(shortened(name)) in text, (name[:80], text[:3000])


def test_hostile_names_read_as_text_on_every_page(page: Page, server: Server) -> None:
    requested = record_requests(page)
    dialogs = record_dialogs(page)
    open_app(page)
    upload(page, FILE_NAME, hostile_csv())
    caption = main(page).get_by_text("Uploaded file ![f]", exact=False).first
    expect(caption).to_be_visible(timeout=SETTLE_MS)
    settle(page, "Descent")
    assert_charts_drawn(page)
    # The prediction inputs are labelled with the feature names.
    main(page).get_by_text("Predict with the final model").click()
    expect(main(page).get_by_role("spinbutton")).to_have_count(len(FEATURES), timeout=SETTLE_MS)
    settle(page, "Descent")
    assert_names_read_as_typed(page, [FILE_NAME, TARGET, *FEATURES])
    assert f"left out: {plain(LEFT_OUT)} (not numeric)" in plain(sidebar(page).inner_text())
    fit = page.evaluate(
        """() => Array.from(document.querySelectorAll('.dh-fit .xtitle, .dh-fit .ytitle'))
            .map(t => t.textContent)"""
    )
    assert [plain(t) for t in fit] == [plain(label(FEATURES[0])), plain(label(TARGET))]
    actual = main(page).locator(".xtitle", has_text="actual")
    expect(actual).to_have_count(1)
    assert plain(actual.text_content()) == f"actual {plain(label(TARGET))}"
    check_page(page, "descent")

    assert_map_titles(page, "")
    for title in ("Compare", "Learn"):
        sidebar(page).locator('[data-testid="stSidebarNavLink"]', has_text=title).click()
        settle(page, title)
        if title == "Compare":
            assert_map_titles(page, ".dh-race")
        assert_names_read_as_typed(page, [FILE_NAME, TARGET])
        check_page(page, title.lower())
    assert_names_read_as_typed(page, FEATURES)
    assert outside(requested, server.url) == []
    assert dialogs == []


def assert_map_titles(page: Page, player: str) -> None:
    """The player's contour map titles its axes with two parameter names, as typed."""
    drawn = main(page).locator(f".dh-player{player}[data-drawn='1']")
    expect(drawn).to_be_attached(timeout=SETTLE_MS)
    titles = drawn.locator(".dh-map .xtitle, .dh-map .ytitle")
    expect(titles).to_have_count(2)
    names = {plain(label(name)) for name in parameter_names(FEATURES, fit_intercept=True)}
    assert {plain(title) for title in titles.all_text_contents()} <= names


def check_page(page: Page, name: str) -> None:
    """No markup made of a name, no link or image to its address, nothing past the window."""
    page.wait_for_timeout(500)
    assert links_and_images_elsewhere(page) == []
    assert page.locator(".katex .rule").count() == 0
    assert_within_window(page)
    assert_healthy(page)
    shot(page, f"escaping_{name}")
