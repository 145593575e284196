"""Phase 3: publisher status at The MLC (signed, split, unsigned; not found or not linked are
answers, never "unsigned"), with the work's ISWC, song code, writers' IPIs and publishers."""

import time

import dagster as dg

from track_assets.db.repository import (
    list_track_credits,
    musicbrainz_artists_of_songwriters,
    playlist_track_rows,
    tracks_needing_phase,
)
from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.mlc_records import work_facts
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import Coverage, PhaseReport, coverage_check, phase_result
from track_assets.defs.resources import DatabaseResource, MlcResource
from track_assets.enrichment.mlc_store import store_track_mlc
from track_assets.enrichment.publisher_status import (
    PHASE,
    credited_writer,
    publisher_status_for_track,
)
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters
from track_assets.settings import load_settings

LINKED_MIN = 0.5  # registration lags, but fewer than half linked suggests a problem


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["spotify_credits"],
    pool="mlc_api",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"mlc"},
    check_specs=[dg.AssetCheckSpec("mlc_work_coverage", asset="mlc_publisher_status")],
    description=__doc__,
)
def mlc_publisher_status(
    context: dg.AssetExecutionContext, database: DatabaseResource, mlc: MlcResource
):
    playlist_id = context.partition_key
    started = time.perf_counter()
    counters = RequestCounters()
    now = pipeline_now()
    engine = database.engine()
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
        credits = {
            r.spotify_track_id: [
                c for c in list_track_credits(conn, r.spotify_track_id) if c.role == "writer"
            ]
            for r in rows
        }
        known = musicbrainz_artists_of_songwriters(
            conn, (c.songwriter_id for cs in credits.values() for c in cs if c.songwriter_id)
        )
        writers = {
            track_id: [credited_writer(c, known.get(c.songwriter_id, ())) for c in cs]
            for track_id, cs in credits.items()
        }
        due = tracks_needing_phase(
            conn, PHASE, [r.spotify_track_id for r in rows], now, load_settings().static_ttl
        )
    by_id = {r.spotify_track_id: r for r in rows}
    applicable = [t for t in due if by_id[t].isrc and writers[t]]
    report = PhaseReport(tracks=len(rows), worked=len(due), cache_hits=len(rows) - len(due))
    with fail_fast_on_systemic_errors(), mlc.client(counters) as client:
        isrcs = dict.fromkeys(by_id[t].isrc for t in applicable)
        codes = {isrc: [h.song_code for h in client.recordings_by_isrc(isrc)] for isrc in isrcs}
        records = client.works(code for found in codes.values() for code in found if code)
    works = {code: work_facts(r) for code, r in records.items() if r is not None}
    with engine.begin() as conn:
        for track_id in due:
            row = by_id[track_id]
            result = publisher_status_for_track(
                isrc=row.isrc,
                track_title=row.name or "",
                credited=writers[track_id],
                recording_song_codes=codes.get(row.isrc, []) if row.isrc else [],
                works=works,
            )
            store_track_mlc(conn, track_id, result, works, now)
            outcome = result.status.value if result.status else result.reason.value
            report.statuses[outcome] = report.statuses.get(outcome, 0) + 1
            report.rows_written += 1
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
    with_writers = [r for r in rows if r.isrc and writers[r.spotify_track_id]]
    report.coverage = {
        "publisher_status": Coverage(
            sum(1 for r in with_writers if r.publisher_status), len(with_writers)
        ),
        "iswc": Coverage(sum(1 for r in with_writers if r.iswc), len(with_writers)),
        "ipi": Coverage(sum(1 for r in with_writers if r.ipi), len(with_writers)),
    }
    report.extra = {
        "status_distribution": {
            status: sum(1 for r in rows if r.publisher_status == status)
            for status in ("signed", "split", "unsigned")
        }
    }
    report.requests = counters.snapshot()
    report.seconds = time.perf_counter() - started
    report.preview = [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "status": r.publisher_status,
            "song_code": r.mlc_song_code,
            "ipi": r.ipi,
            "publisher": r.publisher,
        }
        for r in rows
    ]
    yield phase_result(context, database.engine(), report)
    yield coverage_check("mlc_work_coverage", report.coverage["publisher_status"], LINKED_MIN)
