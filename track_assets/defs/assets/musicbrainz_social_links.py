"""Phase 4: up to 3 writers per track resolved to MusicBrainz artists (evidence first: ISRC ->
recording -> work -> writer; then a Spotify URL relationship; then a name only when an IPI or
ISWC The MLC gives, or a title rare enough to identify a work, corroborates it; an identifier
disagreeing with The MLC's rules an artist out), and their current social links by platform.
Runs after phase 3 so The MLC's writers, IPIs and ISWC are evidence here."""

import time

import dagster as dg

from track_assets.db.repository import (
    list_track_credits,
    playlist_track_rows,
    replace_isrc_musicbrainz_works,
    set_phase_status,
    track_mlc_facts,
    tracks_needing_phase,
)
from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import Coverage, PhaseReport, phase_result
from track_assets.defs.resources import DatabaseResource, MusicBrainzResource
from track_assets.enrichment.musicbrainz_store import (
    PHASE,
    isrc_work_rows,
    mlc_evidence,
    songwriters_to_resolve,
    store_songwriter_resolution,
    stored_songwriter_resolution,
)
from track_assets.enrichment.songwriter_links import (
    CachedMusicBrainzLookups,
    TrackForLinks,
    WriterCredit,
    resolve_songwriter,
    writers_to_resolve,
)
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters
from track_assets.settings import load_settings


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["mlc_publisher_status"],
    pool="musicbrainz_api",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"musicbrainz"},
    check_specs=[dg.AssetCheckSpec("writers_looked_up", asset="musicbrainz_social_links")],
    description=__doc__,
)
def musicbrainz_social_links(
    context: dg.AssetExecutionContext, database: DatabaseResource, musicbrainz: MusicBrainzResource
):
    playlist_id = context.partition_key
    started = time.perf_counter()
    counters = RequestCounters()
    now = pipeline_now()
    ttl = load_settings().static_ttl
    engine = database.engine()
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
        due = tracks_needing_phase(conn, PHASE, [r.spotify_track_id for r in rows], now, ttl)
        mlc_facts = track_mlc_facts(conn, due)
        tracks = {}
        for row in rows:
            if row.spotify_track_id not in due:
                continue
            credits = [
                c for c in list_track_credits(conn, row.spotify_track_id) if c.role == "writer"
            ]
            writers = tuple(
                WriterCredit(c.name, c.spotify_artist_uri, c.songwriter_id) for c in credits
            )
            tracks[row.spotify_track_id] = TrackForLinks(
                row.spotify_track_id,
                row.name or "",
                row.isrc,
                writers,
                mlc_evidence(mlc_facts.get(row.spotify_track_id)),
            )
        chosen = {t: writers_to_resolve(track.writers) for t, track in tracks.items()}
        songwriter_ids = [w.songwriter_id for ws in chosen.values() for w in ws if w.songwriter_id]
        unresolved = set(songwriters_to_resolve(conn, songwriter_ids, now=now, ttl=ttl))
    report = PhaseReport(tracks=len(rows), worked=len(due), cache_hits=len(rows) - len(due))
    report.extra = {
        "songwriters_on_due_tracks": len(set(songwriter_ids)),
        "songwriters_already_resolved": len(set(songwriter_ids) - unresolved),
    }
    resolutions = []
    with fail_fast_on_systemic_errors():
        lookups = CachedMusicBrainzLookups(musicbrainz.client(counters))
        for track_id, writers in chosen.items():
            for writer in writers:
                if writer.songwriter_id in unresolved:
                    unresolved.discard(writer.songwriter_id)  # once, on its first track
                    resolutions.append(resolve_songwriter(writer, tracks[track_id], lookups))
    with engine.begin() as conn:
        for isrc, works in lookups.recording_works_seen().items():
            replace_isrc_musicbrainz_works(conn, isrc, isrc_work_rows(isrc, works, now), now=now)
        for resolution in resolutions:
            store_songwriter_resolution(conn, resolution.writer.songwriter_id, resolution, now=now)
            report.statuses[resolution.method.value] = (
                report.statuses.get(resolution.method.value, 0) + 1
            )
            report.rows_written += 1
        for track_id, writers in chosen.items():
            if writers:
                set_phase_status(conn, track_id, PHASE, "done", now=now)
            else:
                set_phase_status(
                    conn, track_id, PHASE, "not_applicable", reason="no_writers", now=now
                )
                report.not_applicable["no_writers"] = report.not_applicable.get("no_writers", 0) + 1
        linked = looked_up = 0
        preview = []
        for track_id, writers in chosen.items():
            for writer in writers:
                stored = stored_songwriter_resolution(conn, writer.songwriter_id)
                looked_up += stored is not None
                linked += bool(stored and stored.linked)
                preview.append(
                    {
                        "track_id": track_id,
                        "writer": writer.name,
                        "status": stored.status if stored else None,
                    }
                )
    report.coverage = {"writers_linked": Coverage(linked, looked_up)}
    report.requests = counters.snapshot()
    report.seconds = time.perf_counter() - started
    report.preview = preview
    yield phase_result(context, database.engine(), report)
    expected = sum(len(w) for w in chosen.values())
    yield dg.AssetCheckResult(
        check_name="writers_looked_up",
        passed=looked_up == expected,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"looked_up": looked_up, "chosen_writers": expected},
    )
