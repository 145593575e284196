"""Phase 5: Chartmetric id (by ISRC, else by Spotify id), moods, activities, reach and the Spotify popularity,
Spotify streams (where the plan allows) and YouTube views series, with their velocity."""

from functools import partial

import dagster as dg

from track_assets.db.repository import chosen_chartmetric_ids
from track_assets.db.statuses import PhaseState
from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import ChartmetricResource, DatabaseResource, FreshnessResource
from track_assets.enrichment.chartmetric_analytics import (
    CHOSEN_BEFORE,
    ChartmetricFindings,
    chartmetric_coverage,
    chartmetric_preview,
    find_chartmetric,
    store_chartmetric_findings,
)
from track_assets.phases import CHARTMETRIC_ANALYTICS


@phase_asset(CHARTMETRIC_ANALYTICS)
def chartmetric_analytics(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    chartmetric: ChartmetricResource,
):
    run = PhaseRun(context, CHARTMETRIC_ANALYTICS, database, freshness)
    isrcs = {row.spotify_track_id: row.isrc for row in run.rows()}
    due = run.due()
    stored: list[ChartmetricFindings] = []
    if due:
        with run.storing() as conn:
            chosen = chosen_chartmetric_ids(conn, due, chosen_since=run.now - freshness.static_ttl)
        context.log.info(f"{len(chosen)} of {len(due)} due tracks have a Chartmetric id chosen")
        with run.calling(chartmetric) as client:
            work = partial(_fetch_and_store, run, client, isrcs, chosen, stored)
            run.in_batches(due, work)
    closed = sum(1 for f in stored if f.chartmetric_id and f.streams is None)
    yield from run.finish(
        coverage=chartmetric_coverage,
        preview=chartmetric_preview,
        extra={
            "streams_not_in_plan": closed,
            "ids_chosen_before": sum(1 for f in stored if f.method == CHOSEN_BEFORE),
        },
    )


def _fetch_and_store(
    run: PhaseRun,
    client,
    isrcs: dict[str, str | None],
    chosen: dict[str, int],
    stored: list[ChartmetricFindings],
    track_ids: list[str],
) -> None:
    findings = [find_chartmetric(client, t, isrcs[t], run.now, chosen.get(t)) for t in track_ids]
    with run.storing() as conn:
        for found in findings:
            store_chartmetric_findings(conn, found, now=run.now)
            settled = PhaseState.DONE if found.chartmetric_id else PhaseState.NOT_APPLICABLE
            run.report.count(settled, found.reason)
            run.report.rows_written += 1
    stored.extend(findings)
