"""Songwriter leads end to end: every phase for every playlist on two sandbox days (a copy of the
shared enrichment is the first; a second snapshot gives velocity), then `songwriter_leads` in a
real Dagster run. The leads are exactly the writers the catalog's ground truth implies, in rank
order, and the CSV, the Parquet file, `track-assets export` and the leads report hold exactly
those rows."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner
from sqlalchemy import make_url, select, text

from track_assets.cli import main
from track_assets.db.engine import shown_url
from track_assets.db.tables import artist_songwriters, artists, songwriters, track_credits
from track_assets.defs.assets.songwriter_leads import songwriter_leads
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.enrichment.exports import (
    LEAD_COLUMN_KINDS,
    TRACK_COLUMN_KINDS,
    compute_songwriter_leads,
)
from track_assets.phases import FIELDS
from track_assets.sandbox.catalog import ground_truth
from track_assets.sandbox.catalog.names import name_tokens
from track_assets.sandbox.catalog.truth import Tier
from track_assets_tests.support.database import connection
from track_assets_tests.support.exports import load_export, load_export_table
from track_assets_tests.support.html_tree import parse_html
from track_assets_tests.support.pipeline import PHASE_ASSETS

pytestmark = [pytest.mark.chromium, pytest.mark.postgres, pytest.mark.slow]


# One backend and one tier: the phases are tested on every combination in their own modules.
@pytest.fixture(params=["postgres"])
def backend(request) -> str:
    return request.param


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


@dataclass
class ExpectedLead:
    """What the ground truth says about one credited writer on its lead tracks."""

    names: set[str] = field(default_factory=set)
    tracks: dict[str, tuple[float, int, str]] = field(default_factory=dict)  # id -> v, plays, why
    playlists: set[str] = field(default_factory=set)
    works: dict[str, str] = field(default_factory=dict)  # song code -> status
    shares: list = field(default_factory=list)
    publishers: set[str] = field(default_factory=set)
    ipis: dict[str, str | None] = field(default_factory=dict)  # track id -> IPI at the MLC


def standing(represented: bool | None, status: str) -> str | None:
    """README "Songwriter leads": represented is never a lead; matched and unrepresented is;
    not matched is a lead on an unsigned work (certain) or a split one (uncertain)."""
    if represented is True:
        return None
    if represented is False:
        return "unrepresented"
    return {"unsigned": "no_publisher", "split": "unmatched_on_split"}.get(status)


UNCERTAIN = "unmatched_on_split"


def work_writer_of(catalog, mlc, writer: str, linked_mbids: set[str]):
    """The work's writer a credit is: the same name words, else (a stage name) the writer
    whose name is the legal-name alias, or whose IPI is the IPI, of the MusicBrainz artist the
    songwriter was linked to (README "How a writer is matched")."""
    by_name = [w for w in mlc.writers if name_tokens(w.name) == name_tokens(writer)]
    if by_name:
        return by_name[0]
    artists = [catalog.mb_artists_by_mbid[m] for m in linked_mbids]
    names = {name_tokens(n) for a in artists for n in (a.name, *(x.name for x in a.aliases))}
    ipis = {i.zfill(11) for a in artists for i in a.ipis}
    bridged = [
        w
        for w in mlc.writers
        if name_tokens(w.name) in names or (w.ipi and w.ipi.zfill(11) in ipis)
    ]
    return bridged[0] if len(bridged) == 1 else None


def expected_leads(
    catalog,
    credit_writers: Mapping[tuple[str, str], int],
    linked: Mapping[int, set[str]],
):
    """Songwriter id -> ExpectedLead, from the truth on the two days: growing means a higher
    play count on day 2; a credited writer is matched to the work's writers by name words, or
    through the aliases and IPIs of the MusicBrainz artist it was linked to (`linked`:
    songwriter id -> MBIDs)."""
    day1 = ground_truth(catalog, catalog.reference_date)
    day2 = ground_truth(catalog, catalog.reference_date + timedelta(days=1))
    leads: dict[int, ExpectedLead] = {}
    for track_id, expected in day2.items():
        velocity = expected.play_count - day1[track_id].play_count
        mlc = expected.mlc
        if velocity <= 0 or mlc.status is None:
            continue
        for writer in dict.fromkeys(w.name for w in expected.credits.writers):
            songwriter = credit_writers[(track_id, writer)]
            work_writer = work_writer_of(catalog, mlc, writer, linked.get(songwriter, set()))
            why = standing(work_writer.represented if work_writer else None, mlc.status.value)
            if why is None:
                continue
            lead = leads.setdefault(songwriter, ExpectedLead())
            lead.names.add(writer)
            lead.tracks[track_id] = (float(velocity), expected.play_count, why)
            lead.playlists.update(expected.playlist_ids)
            lead.works[mlc.song_code] = mlc.status.value
            lead.shares.append(mlc.known_share)
            lead.publishers.update(
                name for p in mlc.publishers for name in (p.name, *p.administrators)
            )
            lead.ipis[track_id] = work_writer.ipi if work_writer else None
    return leads


def materialize_every_playlist(catalog, instance, resources) -> None:
    for playlist in catalog.playlists:
        result = dg.materialize(
            PHASE_ASSETS, partition_key=playlist.id, instance=instance, resources=resources
        )
        assert result.success, playlist.id


def test_leads_equal_the_ground_truth_and_every_export_agrees(
    catalog, sandbox, resources_on_a_copy, instance, tmp_path
):
    resources = resources_on_a_copy  # every playlist fetched and enriched on the first day
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [p.id for p in catalog.playlists])
    sandbox.clock.advance_days(1)
    materialize_every_playlist(catalog, instance, resources)

    result = dg.materialize(
        [songwriter_leads],
        instance=instance,
        resources={key: resources[key] for key in ("database", "exports")},
    )
    assert result.success
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == "leads_exported" and check.passed
    metadata = result.asset_materializations_for_node("songwriter_leads")[0].metadata

    url = resources["database"].url
    with connection(url) as conn:
        credit_writers = {
            (row.track_id, row.name): row.songwriter_id
            for row in conn.execute(
                select(track_credits).where(
                    track_credits.c.role == "writer", track_credits.c.songwriter_id.is_not(None)
                )
            )
        }
        stored_names = dict(conn.execute(select(songwriters.c.id, songwriters.c.name)).all())
        linked: dict[int, set[str]] = {}
        for songwriter_id, mbid in conn.execute(
            select(artist_songwriters.c.songwriter_id, artists.c.musicbrainz_id).join(
                artists, artists.c.id == artist_songwriters.c.artist_id
            )
        ):
            linked.setdefault(songwriter_id, set()).add(mbid)
        known_mbids = set(conn.execute(select(artists.c.musicbrainz_id)).scalars())
        leads = compute_songwriter_leads(conn)

    expected = expected_leads(catalog, credit_writers, linked)
    assert expected, "the catalog gives no lead: the test would prove nothing"
    order = sorted(
        expected,
        key=lambda i: (
            all(why == UNCERTAIN for _, _, why in expected[i].tracks.values()),
            -max(v for v, _, _ in expected[i].tracks.values()),
            -sum(v for v, _, _ in expected[i].tracks.values()),
            -sum(p for _, p, _ in expected[i].tracks.values()),
            stored_names[i].casefold(),
            i,
        ),
    )
    assert [lead.songwriter_id for lead in leads] == order
    assert [lead.rank for lead in leads] == list(range(1, len(order) + 1))
    for lead in leads:
        want = expected[lead.songwriter_id]
        tracks = sorted(want.tracks.items(), key=lambda item: (-item[1][0], item[0]))
        assert lead.writer_name in want.names
        assert lead.track_ids == tuple(track_id for track_id, _ in tracks)
        assert lead.reasons == tuple(sorted({why for _, _, why in want.tracks.values()}))
        assert lead.best_velocity == tracks[0][1][0]
        assert lead.velocity_sum == sum(v for v, _, _ in want.tracks.values())
        assert lead.total_streams == sum(p for _, p, _ in want.tracks.values())
        assert lead.playlist_ids == tuple(sorted(want.playlists))
        assert lead.mlc_song_codes == tuple(sorted(want.works))
        assert lead.mlc_statuses == tuple(want.works[c] for c in sorted(want.works))
        assert lead.min_known_share == min(want.shares)
        assert lead.publishers == tuple(sorted(want.publishers))
        assert lead.ipi == next((want.ipis[t] for t, _ in tracks if want.ipis[t]), None)
        assert set(lead.musicbrainz_artist_ids) <= known_mbids
    reasons = {r for lead in leads for r in lead.reasons}
    assert "unrepresented" in reasons, reasons
    # Some stage name reached the MLC's legal name through its MusicBrainz alias.
    evidence = [e or "" for lead in leads for e in lead.mlc_match_evidence]
    assert any("MusicBrainz alias" in e for e in evidence), evidence

    assert metadata["leads"].value == len(expected)
    assert metadata["leads_by_reason"].value == {
        why: sum(why in reasons_of(want) for want in expected.values())
        for why in ("unrepresented", "no_publisher", UNCERTAIN)
    }
    assert "| rank |" in metadata["top_leads"].value
    csv_path = Path(metadata["songwriter_leads_csv"].value)
    parquet_path = Path(metadata["songwriter_leads_parquet"].value)
    assert csv_path.parent == tmp_path / "exports"
    rows = load_export(csv_path, LEAD_COLUMN_KINDS)
    assert_rows_are_the_expected_leads(rows, order, expected, catalog, known_mbids)
    assert load_export(parquet_path, LEAD_COLUMN_KINDS) == rows
    assert Path(metadata["tracks_csv"].value).exists()
    assert metadata["tracks_exported"].value == len(ground_truth(catalog))
    assert_the_report_shows_the_exports(
        Path(metadata["leads_report"].value),
        rows,
        load_export(Path(metadata["tracks_csv"].value), TRACK_COLUMN_KINDS),
    )
    assert "](data:image/png;base64," in metadata["top_leads_growth"].value

    tracks = len(ground_truth(catalog))
    assert metadata["tables"].value == {
        "export_songwriter_leads": len(expected),
        "export_tracks": tracks,
    }
    assert load_export_table(url, "export_songwriter_leads", LEAD_COLUMN_KINDS) == rows
    assert_readme_sql_answers(url, rows)

    out = tmp_path / "cli"
    env = {"TRACK_ASSETS_DATABASE_URL": url, "DAGSTER_HOME": str(tmp_path / "cli_home")}
    with connection(url) as conn:
        conn.execute(text("DROP TABLE export_songwriter_leads"))
        conn.commit()
    command = CliRunner().invoke(main, ["export", "--dir", str(out), "--to-database"], env=env)
    assert command.exit_code == 0, command.output
    shown = shown_url(make_url(url))
    assert command.output.splitlines() == [
        *(
            str(out / name)
            for name in (
                "tracks.csv",
                "tracks.parquet",
                "songwriter_leads.csv",
                "songwriter_leads.parquet",
            )
        ),
        f"{shown} table export_tracks ({tracks} rows)",
        f"{shown} table export_songwriter_leads ({len(expected)} rows)",
    ]
    assert load_export(out / "songwriter_leads.parquet", LEAD_COLUMN_KINDS) == rows
    assert load_export_table(url, "export_songwriter_leads", LEAD_COLUMN_KINDS) == rows


def readme_sql() -> list[str]:
    """The ```sql examples of README.md, in order."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sql\n(.*?)```", readme, flags=re.DOTALL)


def assert_readme_sql_answers(url: str, rows: list[dict]) -> None:
    """README's three queries give what the exported rows say they should."""
    unrepresented, tracks_of_leads, instagram = readme_sql()
    with connection(url) as conn:
        got = conn.execute(text(unrepresented)).all()
        assert [(r.rank, r.writer_name) for r in got] == [
            (row["rank"], row["writer_name"]) for row in rows if "unrepresented" in row["reasons"]
        ][:10]
        assert got, "no unrepresented lead: the query would prove nothing"
        got = conn.execute(text(tracks_of_leads)).all()
        assert sorted((r.rank, r.track) for r in got) == sorted(
            (row["rank"], name) for row in rows for name in row["track_names"]
        )
        got = conn.execute(text(instagram)).all()
        with_instagram = [row for row in rows if "instagram" in row["social_links"]]
        assert [(r.writer_name, r.instagram) for r in got] == [
            (row["writer_name"], row["social_links"]["instagram"]) for row in with_instagram
        ]


def assert_the_report_shows_the_exports(report: Path, lead_rows, track_rows) -> None:
    """The leads report beside the exports: the leads CSV's writers in its order, each with a
    chart (every lead track has two days of snapshots), and per playlist the coverage the
    tracks CSV gives (a field is covered when not empty)."""
    page = parse_html(report.read_text(encoding="utf-8"))
    leads = page.find_all("article", class_="lead")
    assert [lead.find("h2").text() for lead in leads] == [row["writer_name"] for row in lead_rows]
    assert all(len(lead.find_all("svg")) == 1 for lead in leads)
    table = page.find("table", class_="coverage")
    columns = [th.attrs["title"] for th in table.find("thead").find_all("th")[1:]]
    shown = {
        tr.find("th").text(): dict(
            zip(columns, (td.attrs["title"] for td in tr.find_all("td")), strict=True)
        )
        for tr in table.find("tbody").find_all("tr")
    }
    for playlist in columns:
        tracks = [r for r in track_rows if not playlist or playlist in r["playlist_ids"]]
        for name in (f.name for f in FIELDS):
            have = sum(1 for r in tracks if r[name] not in (None, [], {}))
            assert shown[name][playlist] == f"{have} of {len(tracks)}", (playlist, name)
    assert len(columns) == 1 + len({p for r in track_rows for p in r["playlist_ids"]})


def reasons_of(want: ExpectedLead) -> list[str]:
    return sorted({why for _, _, why in want.tracks.values()})


def assert_rows_are_the_expected_leads(rows, order, expected, catalog, known_mbids) -> None:
    """Export rows against the ground truth (the columns it decides), in rank order."""
    assert [row["songwriter_id"] for row in rows] == order
    day2 = ground_truth(catalog, catalog.reference_date + timedelta(days=1))
    for rank, row in enumerate(rows, start=1):
        want = expected[row["songwriter_id"]]
        tracks = sorted(want.tracks.items(), key=lambda item: (-item[1][0], item[0]))
        track_ids = [track_id for track_id, _ in tracks]
        playlist_ids = sorted(want.playlists)
        assert row["rank"] == rank
        assert row["writer_name"] in want.names
        assert row["reasons"] == reasons_of(want)
        assert row["certain"] == (reasons_of(want) != [UNCERTAIN])
        assert (row["lead_tracks"], row["track_ids"]) == (len(tracks), track_ids)
        assert row["track_names"] == [day2[t].metadata[Tier.DEVELOPMENT].name for t in track_ids]
        assert row["playlist_ids"] == playlist_ids
        assert row["playlist_names"] == [catalog.playlists_by_id[p].name for p in playlist_ids]
        assert row["total_streams"] == sum(p for _, p, _ in want.tracks.values())
        assert row["best_velocity"] == tracks[0][1][0]
        assert row["velocity_sum"] == sum(v for v, _, _ in want.tracks.values())
        assert row["mlc_song_codes"] == sorted(want.works)
        assert row["mlc_statuses"] == [want.works[c] for c in sorted(want.works)]
        assert row["min_known_share"] == pytest.approx(float(min(want.shares)), abs=1e-4)
        assert row["publishers"] == sorted(want.publishers)
        assert row["ipi"] == next((want.ipis[t] for t in track_ids if want.ipis[t]), None)
        assert set(row["musicbrainz_artist_ids"]) <= known_mbids
