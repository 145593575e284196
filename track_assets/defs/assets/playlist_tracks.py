"""Phase 0: read the playlist (Chartmetric if Spotify does not contradict its copy, then the Web
API, then the web player) and store it, with which source served and why."""

import functools
from contextlib import ExitStack
from datetime import datetime

import dagster as dg

from track_assets.db.records import ChartmetricPlaylistSearch
from track_assets.db.repository import (
    chartmetric_playlist_search_since,
    store_chartmetric_playlist_search,
)
from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import (
    ChartmetricResource,
    DatabaseResource,
    FreshnessResource,
    SpotifyApiResource,
    SpotifyWebResource,
)
from track_assets.enrichment.chartmetric_playlist_search import PlaylistSearch
from track_assets.enrichment.phase_report import Coverage
from track_assets.enrichment.playlist_fetch import (
    PlaylistUnavailable,
    fetch_first_available,
    fetch_summary,
    known_version,
    record_unavailable,
    store_playlist_fetch,
)
from track_assets.enrichment.playlist_sources import sources_in_order
from track_assets.phases import PLAYLIST_TRACKS


@phase_asset(PLAYLIST_TRACKS)
def playlist_tracks(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    chartmetric: ChartmetricResource,
    spotify_api: SpotifyApiResource,
    spotify_web: SpotifyWebResource,
):
    run = PhaseRun(context, PLAYLIST_TRACKS, database, freshness)
    fetched: dict[str, dict] = {}  # playlist -> what its fetch found (fetch_summary)
    stored_count: dict[str, int] = {}  # playlist -> tracks stored on it
    unavailable: dict[str, str] = {}
    tracks: list = []
    searches_kept: list[str] = []  # playlists whose Chartmetric search was answered before
    searched_since = run.now - freshness.static_ttl
    with ExitStack() as clients, run.failing_fast():
        # Each client opened on first use, shared by the copy check, the sources and playlists.
        opened = [
            functools.cache(lambda r=r: clients.enter_context(r.client(run.counters)))
            for r in (chartmetric, spotify_api, spotify_web)
        ]
        for playlist_id in run.playlist_ids:
            try:
                summary, items, stored_count[playlist_id] = _fetch(
                    run, opened, playlist_id, searched_since, searches_kept
                )
            except PlaylistUnavailable as error:
                with run.storing() as conn:
                    record_unavailable(conn, error, now=run.now, run_id=context.run.run_id)
                context.log.warning(str(error))
                unavailable[playlist_id] = str(error)
                continue
            fetched[playlist_id] = summary
            tracks.extend(items)
    if unavailable and not fetched:
        # Nothing could be read: the step fails (a retry would ask the same again).
        raise dg.Failure("\n".join(unavailable.values()), allow_retries=False)
    stored_ids = {t.track_id for t in tracks}
    run.report.worked = run.report.rows_written = len(stored_ids)
    run.report.coverage = {
        "isrc_from_fetch": Coverage(len({t.track_id for t in tracks if t.isrc}), len(stored_ids))
    }
    run.report.preview = [
        {"position": t.position, "track_id": t.track_id, "name": t.name} for t in tracks
    ]
    extra = next(iter(fetched.values())) if len(run.playlist_ids) == 1 else _summed(fetched)
    extra |= {"chartmetric_searches_kept": len(searches_kept)}
    yield from run.finish(extra=extra | ({"unavailable": unavailable} if unavailable else {}))
    yield dg.AssetCheckResult(
        check_name="playlist_has_tracks",
        passed=all(stored_count.values()) and not unavailable,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "tracks": len(stored_ids),
            "skipped": sum(sum(s["skipped"].values()) for s in fetched.values()),
            "playlists_without_tracks": [p for p, n in stored_count.items() if not n],
            "unavailable": sorted(unavailable),
        },
    )


def _fetch(
    run: PhaseRun, opened, playlist_id: str, searched_since: datetime, searches_kept: list[str]
) -> tuple[dict, list, int]:
    """Fetch one playlist from the first source that serves it, and store it: its summary
    for the materialization, its track items and how many tracks were stored. Chartmetric's
    search answer given after `searched_since` is used instead of searching (the playlist is
    added to `searches_kept` when the kept answer served, no search sent)."""
    with run.storing() as conn:
        known = known_version(conn, playlist_id)
        kept = chartmetric_playlist_search_since(conn, playlist_id, since=searched_since)
    search = PlaylistSearch(playlist_id, kept, now=run.now, keep=functools.partial(_keep, run))
    sources = sources_in_order(*opened, playlist_id, known, search)
    result = fetch_first_available(playlist_id, sources)
    if search.from_before:
        searches_kept.append(playlist_id)
    run.context.log.info(f"{playlist_id}: {result.reason}")
    with run.storing() as conn:
        stored = store_playlist_fetch(
            conn, result.playlist, now=run.now, run_id=run.context.run.run_id, reason=result.reason
        )
    items = [item for item in result.playlist.items if item.kind == "track"]
    return fetch_summary(result, stored), items, len(stored.track_ids)


def _keep(run: PhaseRun, search: ChartmetricPlaylistSearch) -> None:
    with run.storing() as conn:
        store_chartmetric_playlist_search(conn, search)


def _summed(fetched: dict[str, dict]) -> dict:
    """A run over many playlists: totals, and each playlist's source and changes."""
    totals = ("new_tracks", "added_to_playlist", "removed_from_playlist")
    return {key: sum(s[key] for s in fetched.values()) for key in totals} | {
        "playlists_fetched": len(fetched),
        "fetches": {
            playlist_id: {
                key: s[key] for key in ("fetch_id", "fetch_method", "playlist_name", *totals)
            }
            for playlist_id, s in fetched.items()
        },
    }
