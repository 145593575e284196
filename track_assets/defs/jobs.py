"""The jobs: fetch a playlist (phase 0), enrich its tracks, and rank the
songwriter leads across every playlist; and the executor every run's steps go through."""

import dagster as dg

from track_assets.defs.crashed_runs import RecordsItsWorker, recording_its_worker
from track_assets.pools import POOLS
from track_assets.settings import CELERY_BROKER_VARIABLE, celery_broker

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
# Steps wait on the services' rate limits, not on the CPU: one step per service pool may run at
# once, not one per CPU (Dagster's default), which held MusicBrainz's first step back 22 s
# behind Chartmetric's on this 2-core machine (docs/facts.md, "Steps at once").
forkserver_executor = recording_its_worker(
    dg.multiprocess_executor, "multiprocess_recording_its_worker"
).configured(
    {
        "start_method": {"forkserver": {"preload_modules": ["track_assets.definitions"]}},
        "max_concurrent": len(POOLS),
    },
    name="forkserver_multiprocess_executor",
)


class _RecordsItsCeleryWorker(RecordsItsWorker):
    # dagster-celery's loop asks the run's executor for its Celery app's settings.
    def app_args(self) -> dict:
        return self._inner.app_args()


def celery_step_executor() -> dg.ExecutorDefinition:
    """Each step a task on the Celery workers listening to the Redis at TRACK_ASSETS_CELERY_BROKER,
    which keeps the results too; the run's worker (the process that launched the run, recorded as
    with the default executor) only submits the steps and waits for their events
    (docs/architecture.md#scaling-out)."""
    from dagster_celery import celery_executor  # only for a deployment on Celery

    recording = dg.executor(
        name="celery_recording_its_worker",
        config_schema=celery_executor.config_schema.as_field(),
        requirements=celery_executor.get_requirements,
    )(
        lambda init_context: _RecordsItsCeleryWorker(
            celery_executor.executor_creation_fn(init_context)
        )
    )
    # Given as the variable, not its value: the URL may hold a password, and the UI shows config.
    broker = {"env": CELERY_BROKER_VARIABLE}
    return recording.configured({"broker": broker, "backend": broker}, name="celery_executor")


def step_executor() -> dg.ExecutorDefinition:
    """The one place that chooses the engine, as the code location loads: Celery when the
    deployment names a broker (checked here, so a malformed URL fails the load), else forked
    processes on the run's machine."""
    return celery_step_executor() if celery_broker() else forkserver_executor


@dg.definitions
def jobs() -> dg.Definitions:
    return dg.Definitions(
        jobs=[fetch_playlist_job, enrich_playlist_job, songwriter_leads_job],
        executor=step_executor(),
    )
