"""The leads report's content on a database built through the repository (conftest.py): the
leads and ranks the export's CSV holds, each chart drawn from exactly the track's snapshots, a
lead without snapshots saying so, names shown as text, nothing fetched from a network, and
what changed since the last report."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from track_assets.db.engine import make_engine
from track_assets.db.repository import set_credit_mlc_match
from track_assets.db.tables import track_metric_snapshots
from track_assets.enrichment.exports import LEAD_COLUMN_KINDS, export_from_database
from track_assets.report.charts import top_growth_tracks
from track_assets.report.render import (
    REPORT_FILE,
    STATE_FILE,
    top_growth_markdown,
    write_leads_report,
)
from track_assets_tests.report.conftest import (
    CASES,
    DOLLAR_NAME,
    EXPECTED_ORDER,
    LAST_DAY,
    NOW,
    PLAYLIST_NAMES,
    SCRIPT_NAME,
    TRACK_2_NAME,
    plays_on,
    tid,
)
from track_assets_tests.support.exports import load_export
from track_assets_tests.support.html_tree import Element, parse_html


def write(url: str, directory: Path, now: datetime = NOW):
    engine = make_engine(url, create_missing=False)
    try:
        with engine.connect() as conn:
            return write_leads_report(conn, directory, now=now)
    finally:
        engine.dispose()


@pytest.fixture
def report(leads_database, tmp_path):
    return write(leads_database, tmp_path / "reports")


@pytest.fixture
def page(report) -> Element:
    return parse_html(report.path.read_text(encoding="utf-8"))


def leads_shown(page: Element) -> list[Element]:
    return page.find_all("article", class_="lead")


def test_the_leads_and_ranks_are_the_exported_ones(leads_database, report, page, tmp_path):
    engine = make_engine(leads_database, create_missing=False)
    with engine.connect() as conn:
        [files] = export_from_database(conn, tmp_path / "exports", ("leads",))
    engine.dispose()
    exported = [
        (row["rank"], row["writer_name"]) for row in load_export(files.csv, LEAD_COLUMN_KINDS)
    ]
    shown = [
        (int(article.find(class_="rank").text().lstrip("#")), article.find("h2").text())
        for article in leads_shown(page)
    ]
    assert shown == exported
    assert [name for _, name in shown] == EXPECTED_ORDER
    assert report.path == tmp_path / "reports" / REPORT_FILE


def snapshots_of(url: str, track_id: str) -> list[tuple[str, int]]:
    engine = make_engine(url, create_missing=False)
    with engine.connect() as conn:
        rows = conn.execute(
            select(track_metric_snapshots.c.captured_on, track_metric_snapshots.c.spotify_streams)
            .where(track_metric_snapshots.c.track_id == track_id)
            .order_by(track_metric_snapshots.c.captured_on)
        ).all()
    engine.dispose()
    return [(day.isoformat(), plays) for day, plays in rows]


def test_each_chart_draws_exactly_its_tracks_snapshots(leads_database, page):
    charted = 0
    for article in leads_shown(page):
        rank = article.find(class_="rank").text().lstrip("#")
        svg = article.find("svg")
        for row in article.find("table", class_="tracks").find_all(
            "tr", data_track_id=lambda _: True
        ):
            track_id = row.attrs["data-track-id"]
            snapshots = snapshots_of(leads_database, track_id)
            line = article.find("g", id=f"lead{rank}-track-{track_id}")
            if not snapshots:
                assert line is None
                continue
            charted += 1
            # One marker per snapshot day, in the chart itself...
            assert len(line.find_all("use")) == len(snapshots), (rank, track_id)
            assert svg is not None and any(element is line for element in svg.iter())
            # ...and the figures behind it, day by day.
            history = [
                (cells[1].text(), int(cells[2].text().replace(",", "")))
                for cells in (
                    tr.find_all("td")
                    for tr in article.find("details").find_all("tr", data_track_id=track_id)
                )
            ]
            assert history == snapshots
    assert charted == 4  # Ann Lee's two tracks, the <script> writer's, Cy's


def test_velocity_over_7_and_28_days_is_the_snapshots_growth(page):
    ann = leads_shown(page)[0]
    track1 = ann.find("tr", data_track_id=tid(1)).find_all("td")
    case = CASES[0]
    per_day_7 = (plays_on(case, 29) - plays_on(case, 22)) / 7
    per_day_28 = (plays_on(case, 29) - plays_on(case, 1)) / 28
    assert (per_day_7, per_day_28) == (1040, 620)
    assert [cell.text() for cell in track1[3:6]] == [
        f"{plays_on(case, 29):,}",
        "+1,040/day",
        "+620/day",
    ]
    # The lead's best growth is its fastest track's 7-day figure (the export's best_velocity).
    assert ann.find("dl").find_all("dd")[0].text() == "+1,040/day"


def test_a_lead_without_snapshots_says_no_history_yet(page):
    dee = next(a for a in leads_shown(page) if a.find("h2").text() == "Dee Fox")
    assert dee.find("svg") is None
    assert dee.find(class_="no-history").text() == "no history yet"
    assert dee.find("details") is None
    others = [a for a in leads_shown(page) if a is not dee]
    assert all(len(a.find_all("svg")) == 1 for a in others)


def test_names_from_the_services_show_as_text_never_as_markup(report, page):
    html = report.path.read_text(encoding="utf-8")
    assert "<script" not in html.lower()  # the page has no script at all, and the name is text
    assert [a.find("h2").text() for a in leads_shown(page)][1] == SCRIPT_NAME
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Bo" in html
    assert "<b>Fresh</b>" not in html and PLAYLIST_NAMES["B" * 22] in page.text()
    # A track name is text in the tables and in the chart, drawn as written (not mathtext).
    assert "<i>live</i>" not in html
    ann = leads_shown(page)[0]
    assert [t.text() for t in ann.find("svg").find_all("text")].count(TRACK_2_NAME) == 1
    assert ann.find("tr", data_track_id=tid(2)).find("a").text() == TRACK_2_NAME
    song1 = ann.find("tr", data_track_id=tid(1)).find("a").attrs["href"]
    assert song1 == f"https://open.spotify.com/track/{tid(1)}"  # not the stored javascript:
    # A stored link that is not http(s) is shown, not linked.
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)" in ann.find("ul", class_="links").text()
    assert [a.attrs["href"] for a in ann.find("ul", class_="links").find_all("a")] == [
        "https://instagram.com/annlee",
        "https://annlee.example",
        "https://musicbrainz.org/artist/mb-ann",
    ]


RESOURCE_ATTRIBUTES = ("src", "href", "xlink:href", "data", "poster", "srcset", "action")


def test_the_page_fetches_nothing_from_a_network(report, page):
    """Links a reader may follow are `<a href>`; nothing else names an http(s) resource."""
    html = report.path.read_text(encoding="utf-8")
    for element in page.iter():
        if element.tag == "a":
            continue
        for name in RESOURCE_ATTRIBUTES:
            value = element.attrs.get(name) or ""
            assert not re.match(r"\s*(https?:)?//", value), (element.tag, name, value)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    assert "@import" not in html
    assert not page.find_all("link") and not page.find_all("img") and not page.find_all("iframe")
    # Several charts in one page: no id twice, every internal reference resolves.
    ids = [e.attrs["id"] for e in page.iter() if e.attrs.get("id")]
    assert len(ids) == len(set(ids))
    references = re.findall(r'(?:url\(#|xlink:href="#)([^)"]+)', html)
    assert references and set(references) <= set(ids)


def test_the_summary_counts_coverage_per_field_and_playlist(page):
    table = page.find("table", class_="coverage")
    header = [th.text() for th in table.find("thead").find_all("th")]
    assert header == [
        "field",
        "All tracked playlists 4 tracks",
        "Alpha Hits 3 tracks",
        "Beta <b>Fresh</b> 2 tracks",
    ]
    rows = {
        tr.find("th").text(): [td.attrs["title"] for td in tr.find_all("td")]
        for tr in table.find("tbody").find_all("tr")
    }
    # Play counts: tracks 1, 2 and 4 have some (track 3 none); Alpha holds 1, 2, 4; Beta 1, 3.
    assert rows["spotify_streams"] == ["3 of 4", "3 of 3", "1 of 2"]
    assert rows["isrc"] == ["4 of 4", "3 of 3", "2 of 2"]
    assert rows["label"] == ["0 of 4", "0 of 3", "0 of 2"]


def test_what_changed_since_the_last_report(leads_database, tmp_path):
    folder = tmp_path / "reports"
    first = write(leads_database, folder)
    assert first.changes.first
    assert "This is the first report" in first.path.read_text(encoding="utf-8")

    # Eve Ng becomes unrepresented on her signed work: a lead, between the <script> writer
    # (its track 2 grows faster) and Dee Fox.
    engine = make_engine(leads_database, create_missing=False)
    with engine.begin() as conn:
        set_credit_mlc_match(conn, tid(4), "Eve Ng", mlc_ipi="00000000004", represented=False)
    engine.dispose()
    second = write(leads_database, folder, NOW + timedelta(days=1))
    changes = second.changes
    assert changes.since == NOW
    assert changes.new_leads == ((3, "Eve Ng"),)
    assert [(m.name, m.before, m.after) for m in changes.moved_leads] == [
        ("Dee Fox", 3, 4),
        (DOLLAR_NAME, 4, 5),
    ]
    assert changes.gone_leads == () and changes.leads == (4, 5)
    text = parse_html(second.path.read_text(encoding="utf-8")).find("ul", class_="changes").text()
    assert "new lead at #3: Eve Ng" in text and "Dee Fox: #3 → #4" in text

    # Written again with nothing new (the asset, then `track-assets report`): the same changes.
    third = write(leads_database, folder, NOW + timedelta(days=1, hours=1))
    assert third.changes == changes

    # A kept file that cannot be read: this is a first report again, and nothing fails.
    (folder / STATE_FILE).write_text("{not json", encoding="utf-8")
    assert write(leads_database, folder, NOW + timedelta(days=2)).changes.first
    assert json.loads((folder / STATE_FILE).read_text())["format"] == 1
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [REPORT_FILE, STATE_FILE]
    )  # no temp file


def test_the_top_leads_growth_is_a_small_png(report):
    markdown = top_growth_markdown(report.data)
    match = re.fullmatch(r"!\[[^\]]+\]\(data:image/png;base64,([A-Za-z0-9+/=]+)\)", markdown)
    assert match, markdown[:80]
    png = base64.b64decode(match.group(1))
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert 2_000 < len(png) < 60_000


def test_the_picture_draws_each_best_track_once_with_its_leads(report):
    """Ann Lee and Cy share their best track (track 1); Dee Fox has no history."""
    lines = top_growth_tracks(report.data.leads)
    assert [(t.track_id, [e.lead.writer_name for e in leads]) for t, leads in lines] == [
        (tid(1), ["Ann Lee", DOLLAR_NAME]),
        (tid(2), [SCRIPT_NAME]),
    ]
    # At most `top` tracks: the leads after the last one's are left out.
    assert [(t.track_id, len(leads)) for t, leads in top_growth_tracks(report.data.leads, 1)] == [
        (tid(1), 1)
    ]


def test_with_no_lead_yet_the_page_says_so(sqlite_url, engine_at_head, tmp_path):
    engine_at_head(sqlite_url).dispose()
    written = write(sqlite_url, tmp_path)
    page = parse_html(written.path.read_text(encoding="utf-8"))
    assert leads_shown(page) == []
    assert "No songwriter leads yet" in page.find("section", id="leads").text()
    assert top_growth_markdown(written.data) == "_No lead has a play-count history yet._"


def test_the_last_snapshot_day_is_in_the_title_area(page):
    assert f"latest play-count snapshot {LAST_DAY.date().isoformat()}" in page.find("header").text()
