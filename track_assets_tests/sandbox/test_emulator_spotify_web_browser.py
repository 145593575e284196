"""The emulator's web player pages in real Chromium (Debian's /usr/bin/chromium via Playwright):
the track page's play count, "View credits", and a playlist listed across pathfinder pages.

The pages run the emulator's own JS bundle: TOTP token, client token, pathfinder POSTs and the
spclient credits call, all from the browser (docs/architecture.md#the-web-player).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.timeseries import play_count_on
from track_assets.sandbox.emulators.spotify_web import CONTROL_ROTATE, SERVICE, spotify_web_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.spotify_web_fixtures import (
    NEVER_GONNA,
    REFERENCE_DATE,
    STUPID_SONG,
    TODAYS_TOP_HITS,
    reference_catalog_data,
)

pytestmark = pytest.mark.chromium

CHROMIUM = Path("/usr/bin/chromium")
# Needed as root on these machines, and quiet in a closed network (docs/facts.md#chromium-and-playwright).
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DAY = date.fromisoformat(REFERENCE_DATE)
LOADED = "#main:not([data-state='loading'])"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(reference_catalog_data())


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    options = SandboxOptions(seed=5, date=DAY, rate_limits="off")
    with SandboxServer([spotify_web_emulator()], catalog, options) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def open_page(browser, sandbox):
    """`open_page(path, logged_in=False)`: a new browser context (with the sandbox's sp_dc
    cookie when logged in) on the emulator's page, once its script has rendered it."""
    contexts = []
    base = sandbox.base_url(SERVICE)

    def open_(path: str, logged_in: bool = False):
        context = browser.new_context(viewport={"width": 1000, "height": 800})
        contexts.append(context)
        if logged_in:
            sp_dc = sandbox.credentials(SERVICE)["SPOTIFY_SP_DC"]
            context.add_cookies([{"name": "sp_dc", "value": sp_dc, "url": base}])
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.pathfinder_operations = []  # operationName of every pathfinder POST, in order
        page.on(
            "request",
            lambda request: (
                page.pathfinder_operations.append(request.post_data_json["operationName"])
                if request.url.endswith("/pathfinder/v2/query")
                else None
            ),
        )
        page.goto(base + path)
        page.wait_for_selector(LOADED, timeout=10_000)
        main = page.locator("#main")
        assert main.get_attribute("data-state") == "ready", (
            main.get_attribute("data-state"),
            page.locator("[data-testid=error]").all(),
            errors,
        )
        assert errors == []
        return page

    yield open_
    for context in contexts:
        context.close()


def save_screenshot(page, tmp_path: Path, name: str) -> Path:
    """A full-page PNG in tmp_path, copied to $TRACK_ASSETS_TEST_ARTIFACTS when that is set."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    artifacts = os.environ.get("TRACK_ASSETS_TEST_ARTIFACTS")
    if artifacts:
        folder = Path(artifacts)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, folder / path.name)
        assert (folder / path.name).stat().st_size == path.stat().st_size
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 1000
    return path


def test_the_track_page_shows_the_play_count_of_the_catalog(catalog, open_page, tmp_path):
    track = catalog.tracks_by_id[NEVER_GONNA]
    page = open_page(f"/track/{NEVER_GONNA}")

    plays = play_count_on(track, DAY)
    assert plays == 1_137_719_792  # the captured getTrack figure (reference catalog)
    assert page.get_by_test_id("playcount").inner_text() == f"{plays:,}"  # en-US: 1,137,719,792
    assert page.get_by_test_id("entityTitle").inner_text() == track.name
    assert page.pathfinder_operations == ["getTrack"]
    save_screenshot(page, tmp_path, "track-page")


@pytest.mark.parametrize(
    ("logged_in", "shown"),
    [(True, "credits"), (False, "login required")],
    ids=["logged in (sp_dc)", "anonymous"],
)
def test_view_credits_shows_the_writers_to_a_logged_in_session(
    catalog, sandbox, open_page, tmp_path, logged_in, shown
):
    credits = catalog.tracks_by_id[STUPID_SONG].credits
    writers = next(g for g in credits.role_groups if g.title == "Writers").contributors
    page = open_page(f"/track/{STUPID_SONG}", logged_in=logged_in)
    panel = page.get_by_role("dialog", name="Credits")
    assert panel.is_hidden()
    counters = sandbox.counters.snapshot(SERVICE)
    label = "/track-credits-view/v0/experimental/{track_id}/credits"
    before = counters.count(label, 200)

    page.get_by_role("button", name="View credits").click()
    panel.locator("[data-testid=credits-source], [data-testid=credits-login-required]").wait_for()

    names = panel.locator("[data-role=Writers] [data-testid=credits-name]").all_inner_texts()
    if shown == "credits":
        assert names == [person.name for person in writers]  # Daniel Nigro, Olivia Rodrigo
        assert "Daniel Nigro" in panel.inner_text()
        assert panel.get_by_test_id("credits-source").inner_text() == "Source: Olivia Rodrigo PS"
        assert sandbox.counters.snapshot(SERVICE).count(label, 200) == before + 1
    else:
        assert names == []
        assert panel.get_by_test_id("credits-login-required").is_visible()
        assert sandbox.counters.snapshot(SERVICE).count(label) == counters.count(label)
    save_screenshot(page, tmp_path, f"credits-{'logged-in' if logged_in else 'anonymous'}")


def test_the_playlist_page_lists_every_track_across_pages(catalog, open_page, tmp_path):
    playlist = catalog.playlists_by_id[TODAYS_TOP_HITS]
    page = open_page(f"/playlist/{TODAYS_TOP_HITS}")

    rows = page.get_by_test_id("tracklist-row")
    uris = [rows.nth(i).get_attribute("data-track-uri") for i in range(rows.count())]
    assert uris == [f"spotify:track:{item.track_id}" for item in playlist.items]
    assert len(uris) == 50
    # The server answers 25 per page whatever the page asks (as captured), so two requests.
    assert page.pathfinder_operations == ["fetchPlaylist", "fetchPlaylist"]
    assert page.get_by_test_id("entityTitle").inner_text() == playlist.name
    save_screenshot(page, tmp_path, "playlist-page")


def test_a_page_loaded_after_a_hash_rotation_uses_the_new_hashes(catalog, sandbox, open_page):
    rotated = httpx.post(sandbox.base_url(SERVICE) + CONTROL_ROTATE)
    assert rotated.status_code == 200
    page = open_page(f"/track/{NEVER_GONNA}")
    plays = play_count_on(catalog.tracks_by_id[NEVER_GONNA], DAY)
    assert page.get_by_test_id("playcount").inner_text() == f"{plays:,}"
