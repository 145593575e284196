"""The leads report opened from disk (file://) in real Chromium, as a reader opens it: the lead
names visible in rank order, one drawn chart per lead with a history and the "no history yet"
note for the one without, no console error or warning, and no request but the file itself.

The screenshot of the whole page is kept in build/test-artifacts/report.png under the
repository (git-ignored), or in $TRACK_ASSETS_TEST_ARTIFACTS when that is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from track_assets.db.engine import make_engine
from track_assets.report.render import write_leads_report
from track_assets.services.spotify_web.browser import CHROMIUM_ARGS, DEFAULT_CHROMIUM
from track_assets_tests.report.conftest import EXPECTED_ORDER, NOW

pytestmark = pytest.mark.chromium

REPO_ROOT = Path(__file__).resolve().parents[2]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def screenshot_folder() -> Path:
    folder = Path(
        os.environ.get("TRACK_ASSETS_TEST_ARTIFACTS") or REPO_ROOT / "build" / "test-artifacts"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_reader_sees_the_leads_and_their_charts(leads_database, tmp_path):
    if not Path(DEFAULT_CHROMIUM).exists():
        pytest.skip(f"{DEFAULT_CHROMIUM} is absent (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    engine = make_engine(leads_database, create_missing=False)
    with engine.connect() as conn:
        report = write_leads_report(conn, tmp_path / "reports", now=NOW)
    engine.dispose()
    url = report.path.as_uri()

    console, errors, requests, failed = [], [], [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=DEFAULT_CHROMIUM, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("console", lambda message: console.append((message.type, message.text)))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.on("requestfailed", lambda request: failed.append(request.url))
            page.goto(url, wait_until="load")

            leads = page.locator("article.lead")
            names = leads.locator("h2")
            assert names.all_inner_texts() == EXPECTED_ORDER
            for n in range(names.count()):
                assert names.nth(n).is_visible()
            charted = 0
            for n in range(leads.count()):
                lead = leads.nth(n)
                charts = lead.locator("figure.chart svg")
                if lead.locator("h2").inner_text() == "Dee Fox":  # no snapshot at all
                    assert charts.count() == 0
                    assert lead.locator(".no-history").inner_text() == "no history yet"
                    continue
                assert charts.count() == 1
                box = charts.first.bounding_box()
                assert box and box["width"] > 300 and box["height"] > 120, box
                # The lines are drawn: one path per lead track with a history, not empty.
                assert lead.locator("g[id*='-track-'] path").count() >= 1
                charted += 1
            assert charted == len(EXPECTED_ORDER) - 1

            shot = screenshot_folder() / "report.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()

    assert [entry for entry in console if entry[0] in ("error", "warning")] == []
    assert errors == [] and failed == []
    assert requests == [url]  # the page itself: no stylesheet, script, font or image fetched
    data = shot.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000
