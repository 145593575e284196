"""Phase 1: ISRC, album, label, release date, popularity, artists and audio features."""

import time
from datetime import timedelta

import dagster as dg

from track_assets.db.repository import (
    get_album,
    playlist_track_ids,
    playlist_track_rows,
    set_phase_status,
    tracks_needing_phase,
)
from track_assets.defs.failures import fail_fast_on_systemic_errors
from track_assets.defs.partitions import playlists_partitions
from track_assets.defs.reporting import Coverage, PhaseReport, coverage_check, phase_result
from track_assets.defs.resources import DatabaseResource, SpotifyApiResource, SpotifyWebResource
from track_assets.defs.spotify_records import album_row, artist_row, track_row
from track_assets.enrichment.spotify_metadata import PHASE, TrackMetadata, store_track_metadata
from track_assets.pipeline_clock import pipeline_now
from track_assets.services.http import RequestCounters
from track_assets.settings import load_settings

RETRY_UNKNOWN_AFTER = timedelta(days=1)
ISRC_COVERAGE_MIN = 0.99


@dg.asset(
    partitions_def=playlists_partitions,
    deps=["playlist_tracks"],
    pool="spotify_api",
    retry_policy=dg.RetryPolicy(max_retries=2, delay=30, backoff=dg.Backoff.EXPONENTIAL),
    kinds={"spotify"},
    check_specs=[dg.AssetCheckSpec("isrc_coverage", asset="spotify_track_metadata")],
    description=__doc__,
)
def spotify_track_metadata(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    spotify_api: SpotifyApiResource,
    spotify_web: SpotifyWebResource,
):
    playlist_id = context.partition_key
    started = time.perf_counter()
    counters = RequestCounters()
    now = pipeline_now()
    settings = load_settings()
    engine = database.engine()
    with engine.connect() as conn:
        on_playlist = playlist_track_ids(conn, playlist_id)
        needing = tracks_needing_phase(conn, PHASE, on_playlist, now, settings.static_ttl)
    report = PhaseReport(tracks=len(on_playlist), worked=len(needing))
    report.cache_hits = len(on_playlist) - len(needing)
    context.log.info(f"{len(needing)} of {len(on_playlist)} tracks need Spotify metadata")
    if needing:
        with fail_fast_on_systemic_errors():
            fetched = _fetch(context, needing, spotify_api, spotify_web, counters)
        with engine.begin() as conn:
            for track_id in needing:
                metadata = fetched.get(track_id)
                if metadata is None:
                    set_phase_status(
                        conn,
                        track_id,
                        PHASE,
                        "failed",
                        reason="unknown to the Spotify Web API",
                        next_retry_at=now + RETRY_UNKNOWN_AFTER,
                        now=now,
                    )
                    report.count("failed", "unknown to the Spotify Web API")
                    continue
                store_track_metadata(conn, metadata, now=now)
                report.count("done")
                report.rows_written += 1
    with engine.connect() as conn:
        rows = playlist_track_rows(conn, playlist_id)
        albums = {r.album_id: get_album(conn, r.album_id) for r in rows if r.album_id}
    report.coverage = {
        name: Coverage(sum(1 for r in rows if have(r)), len(rows))
        for name, have in {
            "isrc": lambda r: r.isrc,
            "album": lambda r: r.album_id,
            "release_date": lambda r: r.release_date,
            "popularity": lambda r: r.popularity is not None,
            "audio_features": lambda r: r.audio_features,
            "label": lambda r: r.album_id and albums.get(r.album_id) and albums[r.album_id].label,
        }.items()
    }
    report.requests = counters.snapshot()
    report.seconds = time.perf_counter() - started
    report.preview = [
        {
            "track_id": r.spotify_track_id,
            "isrc": r.isrc,
            "name": r.name,
            "release_date": r.release_date,
            "label": (albums.get(r.album_id) or None) and albums[r.album_id].label,
        }
        for r in rows
    ]
    yield phase_result(context, database.engine(), report)
    yield coverage_check("isrc_coverage", report.coverage["isrc"], ISRC_COVERAGE_MIN)


def _fetch(context, needing, spotify_api, spotify_web, counters) -> dict[str, TrackMetadata]:
    """Web API first; the web player fills what the tier withholds (label, followers) and
    what only it has (monthly listeners)."""
    from track_assets.services.spotify_api import NotInTier

    with spotify_api.client(counters) as api:
        tracks = api.tracks(needing, market=spotify_api.market)
        found = {requested: t for requested, t in tracks.items() if t is not None}
        album_ids = sorted({t.album.id for t in found.values() if t.album.id})
        artist_ids = sorted({a.id for t in found.values() for a in t.artists if a.id})
        albums = api.albums(album_ids)
        artists = api.artists(artist_ids)
        try:
            features = api.audio_features(found)
            features_reason = None
        except NotInTier as closed:
            context.log.info(str(closed))
            features, features_reason = {}, "not_in_tier"
        context.log.info(f"Spotify Web API tier: {api.tier}")
    labels_needed = [a for a, album in albums.items() if album is not None and album.label is None]
    with spotify_web.client(counters) as web:
        web_labels = {album_id: web.album_play_counts(album_id).label for album_id in labels_needed}
        overviews = web.artist_overview(artist_ids)
    album_rows = {
        album_id: album_row(album, web_labels.get(album_id))
        for album_id, album in albums.items()
        if album is not None
    }
    artist_rows = {
        artist_id: artist_row(artist, overviews.get(artist_id))
        for artist_id, artist in artists.items()
        if artist is not None
    }
    result = {}
    for requested, track in found.items():
        row, sourcing = track_row(requested, track, features.get(requested))
        album, album_sourcing = album_rows.get(track.album.id, (None, None))
        result[requested] = TrackMetadata(
            track=row,
            track_sourcing=sourcing,
            album=album,
            album_sourcing=album_sourcing or _nothing(),
            artists=[artist_rows[a.id] for a in track.artists if a.id in artist_rows],
            audio_features_reason=features_reason
            or (None if features.get(requested) else "not_returned"),
        )
    return result


def _nothing():
    from track_assets.enrichment.spotify_metadata import Sourced

    return Sourced()
