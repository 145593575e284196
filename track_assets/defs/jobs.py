"""The jobs: fetch a playlist (phase 0), enrich its tracks, and rank the
songwriter leads across every playlist."""

import dagster as dg

from track_assets.defs.crashed_runs import recording_its_worker

fetch_playlist_job = dg.define_asset_job(
    "fetch_playlist_job",
    selection=dg.AssetSelection.assets("playlist_tracks"),
    description="Phase 0: read the playlist and register its tracks.",
)

enrich_playlist_job = dg.define_asset_job(
    "enrich_playlist_job",
    # songwriter_leads is downstream too, but unpartitioned: it runs in its own job.
    selection=dg.AssetSelection.assets("playlist_tracks").downstream(include_self=False)
    - dg.AssetSelection.assets("songwriter_leads"),
    description="Phases 1 and up for the playlist's tracks that are not done and fresh.",
)

songwriter_leads_job = dg.define_asset_job(
    "songwriter_leads_job",
    selection=dg.AssetSelection.assets("songwriter_leads"),
    description="Rank the songwriter leads across every playlist and write the exports.",
)


# Every job's steps (the UI's asset runs and backfills too) fork from a server that has imported
# the code location once, instead of each starting Python and importing Dagster and the project
# again (measured in docs/facts.md, "Step launch").
# Each run first records its worker's host and pid, so a run whose worker was killed is known
# as crashed and never blocks the next (defs/crashed_runs.py).
step_executor = recording_its_worker(
    dg.multiprocess_executor, "multiprocess_recording_its_worker"
).configured(
    {"start_method": {"forkserver": {"preload_modules": ["track_assets.definitions"]}}},
    name="forkserver_multiprocess_executor",
)


@dg.definitions
def jobs() -> dg.Definitions:
    return dg.Definitions(
        jobs=[fetch_playlist_job, enrich_playlist_job, songwriter_leads_job],
        executor=step_executor,
    )
