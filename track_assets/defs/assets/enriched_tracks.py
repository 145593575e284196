"""Phase 6: every phase consolidated into the track's row (songwriter, composer, producer,
publisher, label, streams, popularity, genres, followers, Chartmetric figures, MLC status...),
its enrichment status (complete, partial with the phases missing and why, or failed), a dated
snapshot of its volatile figures, and its play-count velocity from those snapshots."""

import time

import dagster as dg

from track_assets.db.repository import playlist_track_ids, playlist_track_rows
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import Coverage, PhaseReport, phase_result
from track_assets.defs.resources import DatabaseResource
from track_assets.enrichment.consolidate import consolidate_track
from track_assets.pipeline_clock import pipeline_now

SEED_FIELDS = (
    "isrc",
    "songwriter",
    "publisher",
    "composer",
    "producer",
    "label",
    "spotify_streams",
    "popularity_score",
    "audio_features",
    "artist_genres",
    "artist_followers",
    "release_date",
    "chartmetric_id",
    "moods",
    "activities",
    "stream_velocity",
    "chartmetric_velocity",
    "track_stage",
    "youtube_views",
    "publisher_status",
    "ipi",
    "iswc",
    "mlc_song_code",
)


@dg.asset(
    partitions_def=playlists_partitions,
    deps=[
        "spotify_track_metadata",
        "spotify_credits",
        "mlc_publisher_status",
        "musicbrainz_social_links",
        "songwriter_identity",
        "chartmetric_analytics",
    ],
    check_specs=[dg.AssetCheckSpec("every_track_consolidated", asset="enriched_tracks")],
    kinds={"sqlalchemy"},
    description=__doc__,
)
def enriched_tracks(context: dg.AssetExecutionContext, database: DatabaseResource):
    started = time.perf_counter()
    now = pipeline_now()
    engine = database.engine()
    with engine.begin() as conn:
        track_ids = playlist_track_ids(conn, context.partition_key)
        results = [consolidate_track(conn, track_id, now=now) for track_id in track_ids]
    report = PhaseReport(tracks=len(track_ids), worked=len(results), rows_written=len(results))
    for result in results:
        report.statuses[result.enrichment_status] = (
            report.statuses.get(result.enrichment_status, 0) + 1
        )
        for phase, why in result.missing.items():
            key = f"{phase}: {why.split(':')[0]}"
            report.failures[key] = report.failures.get(key, 0) + 1
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, context.partition_key)
    report.coverage = {
        name: Coverage(sum(1 for r in rows if getattr(r, name) not in (None, [], {})), len(rows))
        for name in SEED_FIELDS
    }
    report.seconds = time.perf_counter() - started
    report.preview = [
        {
            "track_id": r.spotify_track_id,
            "name": r.name,
            "status": r.enrichment_status,
            "songwriter": r.songwriter,
            "publisher_status": r.publisher_status,
            "streams": r.spotify_streams,
            "velocity": r.stream_velocity,
        }
        for r in rows
    ]
    yield phase_result(context, database.engine(), report)
    yield dg.AssetCheckResult(
        check_name="every_track_consolidated",
        passed=all(r.enrichment_status != "pending" for r in rows),
        metadata={"statuses": dict(report.statuses)},
    )
