"""Automatic runs (docs/architecture.md#sensors-and-the-nightly-schedule): a new playlist gets its fetch, a
landed fetch gets its enrichment when something is due, the nightly schedule refetches every
playlist, and the leads are re-ranked after enrichment. Run keys make each happen once."""

from collections import Counter

import dagster as dg

from track_assets.db.repository import (
    latest_playlist_fetch,
    list_playlists,
    playlist_fetches_after,
    playlist_track_counts,
    upsert_playlist,
)
from track_assets.defs.jobs import enrich_playlist_job, fetch_playlist_job, songwriter_leads_job
from track_assets.defs.partitions import (
    PLAYLISTS_PARTITION,
    balanced_ranges,
    consecutive_groups,
    playlists_run_request,
    runs_at_once,
)
from track_assets.defs.resources import DatabaseResource, FreshnessResource
from track_assets.enrichment.scheduling import enrichment_due, phase_ttls, playlists_due_for_fetch
from track_assets.pipeline_clock import pipeline_now
from track_assets.playlist_refs import InvalidPlaylistRef, parse_playlist_ref
from track_assets.settings import nightly_cron

# As often as the sensor daemon looks (every 5 s): a tick is one or two indexed queries, and a
# playlist added or fetched gets its run within seconds instead of up to a quarter minute.
SENSOR_INTERVAL_SECONDS = 5
TAG_LENGTH = 200  # a run tag's value stays readable in the UI


@dg.sensor(
    job=fetch_playlist_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Fetches each playlist that was never fetched; gives a partition added in the "
    "UI its database row.",
)
def playlist_watch_sensor(context: dg.SensorEvaluationContext, database: DatabaseResource):
    keys = context.instance.get_dynamic_partitions(PLAYLISTS_PARTITION)
    requests = []
    with database.transaction() as conn:
        tracked = {p.spotify_playlist_id for p in list_playlists(conn)}
        for key in keys:
            if key not in tracked:
                try:
                    ref = parse_playlist_ref(key)
                except InvalidPlaylistRef as error:
                    context.log.warning(f"partition {key!r} is not a playlist id: {error}")
                    continue
                upsert_playlist(
                    conn, spotify_playlist_id=key, url=ref.url, is_editorial=ref.is_editorial
                )
                context.log.info(f"playlist {key} registered from its partition")
            if latest_playlist_fetch(conn, key) is None:
                requests.append(dg.RunRequest(partition_key=key, run_key=f"first-fetch:{key}"))
    if not requests:
        return dg.SkipReason(f"all {len(keys)} playlists have been fetched")
    return requests


@dg.sensor(
    job=enrich_playlist_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Enriches a playlist when a fetch lands with new tracks, or tracks that are "
    "pending, stale (volatile figures past their TTL) or due a retry. One run for the playlists "
    "due at a tick (a range of consecutive partitions each).",
)
def playlist_fetch_sensor(
    context: dg.SensorEvaluationContext, database: DatabaseResource, freshness: FreshnessResource
):
    cursor = int(context.cursor or 0)
    ttls = phase_ttls(freshness.static_ttl, freshness.volatile_ttl)
    due: dict[str, tuple[int, str]] = {}  # playlist -> (its latest fetch, why it is due)
    skipped = []
    with database.transaction() as conn:
        fetches = _landed(context.instance, playlist_fetches_after(conn, cursor))
        if not fetches:
            return dg.SkipReason("no new fetch from a finished run")
        now = pipeline_now()
        order = context.instance.get_dynamic_partitions(PLAYLISTS_PARTITION)
        tracked = set(order)
        # Only a playlist's latest fetch in the batch counts: one run covers all of them.
        latest = {fetch.playlist_id: fetch for fetch in fetches}
        cursor = fetches[-1].id
        for fetch in latest.values():
            reason = None
            if fetch.playlist_id in tracked:
                reason = enrichment_due(conn, fetch, now, ttls)
            if reason is None:
                skipped.append(fetch.id)
                continue
            context.log.info(f"fetch {fetch.id} of {fetch.playlist_id}: {reason}")
            due[fetch.playlist_id] = (fetch.id, reason)
        tracks = playlist_track_counts(conn, list(due))
    if skipped:
        context.log.info(f"nothing due after fetches {skipped}")
    requests = []
    for group in balanced_ranges(order, tracks, runs_at_once(context.instance)):
        fetch_ids = [due[p][0] for p in group]
        reasons = Counter(due[p][1] for p in group)
        requests.append(
            playlists_run_request(
                group,
                # A fetch id is in one group only, and the cursor never goes back: once only.
                run_key=f"fetch:{max(fetch_ids)}",
                tags={
                    "track_assets/fetch_id": ",".join(map(str, fetch_ids))[:TAG_LENGTH],
                    "track_assets/due": "; ".join(
                        f"{n} x {r}" if n > 1 else r for r, n in reasons.items()
                    )[:TAG_LENGTH],
                },
            )
        )
    return dg.SensorResult(run_requests=requests, cursor=str(cursor))


def _landed(instance: dg.DagsterInstance, fetches: list) -> list:
    """The fetches up to the first whose run is still going: a run fetching many playlists
    gets one enrichment run when it ends, not one per sensor tick while it fetches."""
    finished: dict[str, bool] = {}
    for index, fetch in enumerate(fetches):
        if fetch.run_id is None:
            continue
        if fetch.run_id not in finished:
            run = instance.get_run_by_id(fetch.run_id)
            finished[fetch.run_id] = run is None or run.is_finished
        if not finished[fetch.run_id]:
            return fetches[:index]
    return fetches


@dg.schedule(
    job=fetch_playlist_job,
    cron_schedule=nightly_cron(),
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refetches every playlist not yet fetched today (the pipeline's date), in one "
    "run per range of consecutive partitions; the fetch sensor then refreshes volatile figures, "
    "appends snapshots and retries what is due.",
)
def nightly_fetch_schedule(context: dg.ScheduleEvaluationContext, database: DatabaseResource):
    today = pipeline_now().date()
    with database.transaction() as conn:
        due = playlists_due_for_fetch(conn, list_playlists(conn), today)
    order = context.instance.get_dynamic_partitions(PLAYLISTS_PARTITION)
    groups = consecutive_groups(order, [p.spotify_playlist_id for p in due])
    if not groups:
        return dg.SkipReason(f"every playlist was already fetched on {today.isoformat()}")
    # One run per range of consecutive playlists (usually one for all of them).
    return [
        playlists_run_request(group, run_key=f"{today.isoformat()}:{_span(group)}")
        for group in groups
    ]


def _span(group: list[str]) -> str:
    return group[0] if len(group) == 1 else f"{group[0]}...{group[-1]}"


@dg.sensor(
    job=songwriter_leads_job,
    minimum_interval_seconds=SENSOR_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Re-ranks the songwriter leads after enriched_tracks is materialized for any "
    "playlist (one run for however many landed since the last tick).",
)
def songwriter_leads_sensor(context: dg.SensorEvaluationContext):
    latest = context.instance.fetch_materializations(dg.AssetKey("enriched_tracks"), limit=1)
    if not latest.records:
        return dg.SkipReason("enriched_tracks has never been materialized")
    storage_id = latest.records[0].storage_id
    if context.cursor and storage_id <= int(context.cursor):
        return dg.SkipReason("no enrichment since the last ranking")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=f"enriched:{storage_id}")], cursor=str(storage_id)
    )


@dg.definitions
def automation() -> dg.Definitions:
    return dg.Definitions(
        sensors=[playlist_watch_sensor, playlist_fetch_sensor, songwriter_leads_sensor],
        schedules=[nightly_fetch_schedule],
    )
