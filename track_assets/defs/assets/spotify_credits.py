"""Phase 2: songwriter, composer, lyricist, producer and performer credits and the play count,
from the Spotify web player (credits need a logged-in token, i.e. SPOTIFY_SP_DC)."""

import time
from collections import defaultdict
from datetime import timedelta

import dagster as dg

from track_assets.db.repository import (
    get_phase_status,
    list_track_credits,
    playlist_track_rows,
    set_phase_status,
    tracks_needing_phase,
)
from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import Coverage, PhaseReport, coverage_check, phase_result
from track_assets.defs.resources import DatabaseResource, SpotifyWebResource
from track_assets.defs.spotify_records import found_credits
from track_assets.enrichment.spotify_credits import (
    CREDITS_PHASE,
    PLAY_COUNT_PHASE,
    WRITER,
    store_play_count,
    store_track_credits,
)
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters
from track_assets.settings import load_settings

RETRY_AFTER = timedelta(days=1)
PLAY_COUNT_COVERAGE_MIN = 0.99
NO_SP_DC = "no_sp_dc"


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["spotify_track_metadata"],
    pool="spotify_web",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"spotify", "chromium"},
    check_specs=[dg.AssetCheckSpec("play_count_coverage", asset="spotify_credits")],
    description=__doc__,
)
def spotify_credits(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    spotify_web: SpotifyWebResource,
):
    playlist_id = context.partition_key
    started = time.perf_counter()
    counters = RequestCounters()
    now = pipeline_now()
    settings = load_settings()
    engine = database.engine()
    with engine.connect() as conn:
        album_of = {r.spotify_track_id: r.album_id for r in playlist_track_rows(conn, playlist_id)}
        on_playlist = list(album_of)
        credits_due = tracks_needing_phase(
            conn, CREDITS_PHASE, on_playlist, now, settings.static_ttl
        )
        counts_due = tracks_needing_phase(
            conn, PLAY_COUNT_PHASE, on_playlist, now, settings.volatile_ttl
        )
    report = PhaseReport(tracks=len(on_playlist), worked=len(set(credits_due) | set(counts_due)))
    report.cache_hits = len(on_playlist) - report.worked
    with fail_fast_on_systemic_errors(), spotify_web.client(counters) as web:
        if web.sp_dc is not None:
            with engine.connect() as conn:
                credits_due += _waiting_for_login(conn, on_playlist, credits_due)
        credits = web.track_credits(credits_due) if credits_due else {}
        play_counts = _play_counts(web, counts_due, album_of)
    with engine.begin() as conn:
        for track_id in credits_due:
            outcome = credits.get(track_id)
            found = found_credits(outcome) if outcome is not None else None
            if found is not None:
                report.rows_written += store_track_credits(conn, found, now=now)
                report.count("done")
                continue
            reason = str(getattr(outcome, "reason", "not_returned"))
            status = "not_applicable" if reason == NO_SP_DC else "failed"
            set_phase_status(
                conn,
                track_id,
                CREDITS_PHASE,
                status,
                reason=reason,
                next_retry_at=now + RETRY_AFTER if status == "failed" else None,
                now=now,
            )
            report.count(status, reason)
        for track_id in counts_due:
            count = play_counts.get(track_id)
            if count is None:
                set_phase_status(
                    conn,
                    track_id,
                    PLAY_COUNT_PHASE,
                    "failed",
                    reason="no_play_count",
                    next_retry_at=now + RETRY_AFTER,
                    now=now,
                )
                report.count("failed", "no_play_count")
                continue
            store_play_count(conn, track_id, count, now=now)
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
        writers = {
            r.spotify_track_id: [
                c.name for c in list_track_credits(conn, r.spotify_track_id) if c.role == WRITER
            ]
            for r in rows
        }
    report.coverage = {
        "songwriters": Coverage(sum(1 for w in writers.values() if w), len(rows)),
        "play_count": Coverage(sum(1 for r in rows if r.spotify_streams is not None), len(rows)),
        "credits_source_names": Coverage(sum(1 for r in rows if r.credits_source_names), len(rows)),
    }
    report.requests = counters.snapshot()
    report.seconds = time.perf_counter() - started
    report.preview = [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "writers": writers[r.spotify_track_id],
            "play_count": r.spotify_streams,
        }
        for r in rows
    ]
    yield phase_result(context, database.engine(), report)
    yield coverage_check(
        "play_count_coverage", report.coverage["play_count"], PLAY_COUNT_COVERAGE_MIN
    )


def _waiting_for_login(conn, track_ids, already) -> list[str]:
    """Tracks set aside for want of SPOTIFY_SP_DC, now that a login cookie is configured."""
    waiting = []
    for track_id in track_ids:
        if track_id in already:
            continue
        status = get_phase_status(conn, track_id, CREDITS_PHASE)
        if status is not None and status.status == "not_applicable" and status.reason == NO_SP_DC:
            waiting.append(track_id)
    return waiting


def _play_counts(web, track_ids, album_of) -> dict[str, int | None]:
    """One getAlbum call covers every due track of an album; single tracks use getTrack."""
    by_album = defaultdict(list)
    for track_id in track_ids:
        by_album[album_of.get(track_id)].append(track_id)
    counts: dict[str, int | None] = {}
    singles = list(by_album.pop(None, []))
    for album_id, members in by_album.items():
        if len(members) < 2:
            singles += members
            continue
        album_counts = web.album_play_counts(album_id).play_counts
        counts.update({t: album_counts.get(t) for t in members})
        singles += [t for t in members if album_counts.get(t) is None]
    if singles:
        counts.update(web.track_play_counts(singles))
    return counts
