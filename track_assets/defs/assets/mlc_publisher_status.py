"""Phase 3: publisher status at The MLC (signed, split, unsigned; not found or not linked are
answers, never "unsigned"), with the work's ISWC, song code, writers' IPIs and publishers."""

from functools import partial

import dagster as dg

from track_assets.db.records import Track
from track_assets.defs.phase_asset import PhaseRun, phase_asset
from track_assets.defs.resources import DatabaseResource, FreshnessResource, MlcResource
from track_assets.enrichment.mlc_records import (
    look_up_works,
    mlc_coverage,
    mlc_preview,
    mlc_status_distribution,
)
from track_assets.enrichment.mlc_store import credited_writers, store_track_mlc, writer_credits
from track_assets.enrichment.publisher_status import publisher_status_for_track
from track_assets.phases import MLC_PUBLISHER_STATUS


@phase_asset(MLC_PUBLISHER_STATUS)
def mlc_publisher_status(
    context: dg.AssetExecutionContext,
    database: DatabaseResource,
    freshness: FreshnessResource,
    mlc: MlcResource,
):
    run = PhaseRun(context, MLC_PUBLISHER_STATUS, database, freshness)
    by_id = {row.spotify_track_id: row for row in run.rows()}
    due = run.due()
    if due:
        with run.calling(mlc) as client:
            run.in_batches(due, partial(_fetch_and_store, run, client, by_id))
    yield from run.finish(coverage=mlc_coverage, preview=mlc_preview, extra=mlc_status_distribution)


def _fetch_and_store(run: PhaseRun, client, by_id: dict[str, Track], track_ids: list[str]) -> None:
    with run.storing() as conn:
        writers = credited_writers(conn, writer_credits(conn, track_ids))
    isrcs = dict.fromkeys(by_id[t].isrc for t in track_ids if by_id[t].isrc and writers[t])
    codes, works = look_up_works(client, isrcs)
    with run.storing() as conn:
        for track_id in track_ids:
            row = by_id[track_id]
            result = publisher_status_for_track(
                isrc=row.isrc,
                track_title=row.name or "",
                credited=writers[track_id],
                recording_song_codes=codes.get(row.isrc, []) if row.isrc else [],
                works=works,
            )
            store_track_mlc(conn, track_id, result, works, run.now)
            run.report.count(str(result.status or result.reason))
            run.report.rows_written += 1
