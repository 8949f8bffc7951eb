"""The player's downloads for slides: the playback as a WebM video and as a GIF, read back with
``ffprobe`` (Debian's ffmpeg, installed for the tests by ``scripts/setup-dev.sh``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    ARTIFACTS,
    PLAYER_STATE,
    REPO,
    SETTLE_MS,
    assert_charts_drawn,
    main,
    open_app,
    shot,
)

pytestmark = pytest.mark.browser

#: How long a frame of playback lasts at each speed, as the player's own code says.
PLAY_MS = {
    int(speed): int(ms)
    for speed, ms in re.findall(
        r"(\d+): (\d+)",
        re.search(r"PLAY_MS = \{([^}]*)\}", (REPO / "ui/player/stage.js").read_text()).group(1),
    )
}


def _ffmpeg() -> tuple[str, str]:
    found = shutil.which("ffprobe"), shutil.which("ffmpeg")
    if None in found:
        pytest.skip("ffprobe and ffmpeg read the downloads back: `bash scripts/setup-dev.sh`")
    return found


def _probe(ffprobe: str, path: Path) -> dict:
    done = subprocess.run(
        [ffprobe, "-v", "error", "-count_frames", "-show_entries",
         "stream=codec_name,width,height,nb_read_frames,color_range:format=format_name,duration",
         "-of", "json", str(path)],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    probed = json.loads(done.stdout)
    return {**probed["streams"][0], **probed["format"]}


def _download(page: Page, button: str, target: Path) -> Path:
    player = main(page).locator(".dh-player")
    with page.expect_download(timeout=300_000) as download:
        player.get_by_role("button", name=button).click()
        expect(player.get_by_role("button", name="Cancel")).to_be_visible()
    download.value.save_as(target)
    note = player.get_by_test_id("player-record-note")
    expect(note).to_contain_text("Downloaded", timeout=60_000)
    return target


def _frames(ffmpeg: str, path: Path, name: str) -> list[Path]:
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(path), str(folder / "frame%03d.png")],
        check=True, timeout=300,
    )  # fmt: skip
    return sorted(folder.glob("frame*.png"))


def _pixels(ffmpeg: str, picture: Path) -> np.ndarray:
    done = subprocess.run(
        [ffmpeg, "-v", "error", "-i", str(picture), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    return np.frombuffer(done.stdout, np.uint8).reshape(720, 1280, 3).astype(float)


def _changed(a: np.ndarray, b: np.ndarray) -> float:
    """The share of pixels that differ clearly (by more than 60 of 255 in a channel)."""
    return float((np.abs(a - b).max(axis=2) > 60).mean())


def _midtone_shift(video: np.ndarray, gif: np.ndarray) -> float:
    """How much lighter the video's mid-tones come out than the GIF's, on average (of 255).

    Full-range video read as video range (16-235) stretches every level v to
    (v - 16) * 255 / 219: a grey of 150 gains 6 and one of 220 gains 16, and light grid lines
    turn white. Lossy compression moves levels both ways, so the mean stays near 0.
    """
    levels = gif.mean(axis=2)
    middle = (levels > 60) & (levels < 235)
    return float((video.mean(axis=2) - levels)[middle].mean())


def test_the_playback_downloads_as_a_video_and_a_gif_of_every_frame(page: Page, tmp_path) -> None:
    ffprobe, ffmpeg = _ffmpeg()
    open_app(page)
    assert_charts_drawn(page)
    player = main(page).locator(".dh-player")
    player.get_by_label("playback speed").select_option("2")
    frames = int(player.locator(".dh-epoch").get_attribute("max")) + 1
    video = _probe(ffprobe, _download(page, "Download video (WebM)", tmp_path / "film.webm"))
    shot(page, "film-downloaded")
    assert "webm" in video["format_name"].split(","), video
    assert (video["codec_name"], video["width"], video["height"]) == ("vp8", 1280, 720), video
    assert int(video["nb_read_frames"]) == frames, (video, frames)
    assert float(video["duration"]) == pytest.approx(frames * PLAY_MS[2] / 1000, abs=0.002)
    pictures = _frames(ffmpeg, tmp_path / "film.webm", "film-webm")
    assert len(pictures) == frames
    gif = _probe(ffprobe, _download(page, "GIF", tmp_path / "film.gif"))
    assert (gif["format_name"], gif["codec_name"]) == ("gif", "gif"), gif
    assert (gif["width"], gif["height"]) == (1280, 720), gif
    assert int(gif["nb_read_frames"]) == frames, (gif, frames)
    drawn = _frames(ffmpeg, tmp_path / "film.gif", "film-gif")
    assert len(drawn) == frames
    first, last = _pixels(ffmpeg, pictures[0]), _pixels(ffmpeg, pictures[-1])
    # Playback moves (the caption's epoch, the fit line, the path, the loss marker): measured
    # 0.8 % of the pixels; the GIF (255 colours) shows what the video (lossy VP8) shows, frame
    # by frame (measured 0.07 % of the pixels apart).
    assert _changed(first, last) > 0.004, "the video's first and last frames are alike"
    # Video range, as every player takes VP8 to be, and said so: its greys are the page's.
    assert video.get("color_range") == "tv", video
    for video_frame, gif_frame in ((pictures[0], drawn[0]), (pictures[-1], drawn[-1])):
        seen, shown = _pixels(ffmpeg, video_frame), _pixels(ffmpeg, gif_frame)
        assert _changed(seen, shown) < 0.002, video_frame.name
        assert abs(_midtone_shift(seen, shown)) < 2, (video_frame.name, _midtone_shift(seen, shown))


def test_a_film_under_way_can_be_cancelled_and_leaves_nothing_behind(page: Page) -> None:
    open_app(page)
    assert_charts_drawn(page)
    player = main(page).locator(".dh-player")
    note = player.get_by_test_id("player-record-note")
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    player.get_by_role("button", name="GIF").click()
    expect(note).to_contain_text(re.compile(r"Frame \d+ of \d+"), timeout=120_000)
    expect(player.locator(".dh-film")).to_be_attached()
    player.get_by_role("button", name="Cancel").click()
    expect(note).to_contain_text("Cancelled", timeout=60_000)
    expect(player.locator(".dh-film")).to_have_count(0)
    expect(player.get_by_role("button", name="Cancel")).to_be_hidden()
    expect(player.get_by_role("button", name="GIF")).to_be_enabled()
    assert downloads == []


def test_a_browser_without_a_video_encoder_says_so_and_still_makes_the_gif(page: Page) -> None:
    # Chromium has no VideoEncoder on a page served over plain http from another computer.
    page.add_init_script("delete window.VideoEncoder")
    open_app(page)
    assert_charts_drawn(page)
    player = main(page).locator(".dh-player")
    webm = player.get_by_role("button", name="Download video (WebM)")
    expect(webm).to_be_disabled()
    note = player.get_by_test_id("player-record-note")
    expect(note).to_contain_text("The video needs the page served over https")
    # Disabled looks disabled: faded, and no pointer.
    look = webm.evaluate("(b) => [getComputedStyle(b).opacity, getComputedStyle(b).cursor]")
    assert float(look[0]) < 0.6 and look[1] == "not-allowed", look
    gif = player.get_by_role("button", name="GIF")
    expect(gif).to_be_enabled()
    assert gif.evaluate("(b) => getComputedStyle(b).opacity") == "1"
    shot(page, "film-without-encoder")


def test_presenting_films_the_view_shown_alone_in_presentation_sizes(page: Page, tmp_path) -> None:
    ffprobe, ffmpeg = _ffmpeg()
    page.set_viewport_size({"width": 1280, "height": 720})
    open_app(page, "/?present=1")
    page.wait_for_function(f"() => ({PLAYER_STATE})() !== null", polling=100, timeout=SETTLE_MS)
    player = main(page).locator(".dh-player")
    player.get_by_role("button", name="3D surface").click()
    expect(player).to_have_attribute("data-view", "surface")
    frames = int(player.locator(".dh-epoch").get_attribute("max")) + 1
    video = _probe(ffprobe, _download(page, "Download video (WebM)", tmp_path / "surface.webm"))
    assert (video["width"], video["height"], int(video["nb_read_frames"])) == (1280, 720, frames)
    assert float(video["duration"]) == pytest.approx(frames * PLAY_MS[1] / 1000, abs=0.002)
    pictures = _frames(ffmpeg, tmp_path / "surface.webm", "film-present-surface")
    # One view fills the frame: what is drawn under the caption (title, scene, ticks) spans more
    # than a tile of four (640 x 338) could; measured 878 x 602 px.
    ys, xs = np.nonzero(_pixels(ffmpeg, pictures[-1])[44:].min(axis=2) < 200)
    assert xs.max() - xs.min() > 800 and ys.max() - ys.min() > 450, (xs.min(), xs.max(), ys.max())
