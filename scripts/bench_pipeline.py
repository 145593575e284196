"""Throughput of the pipeline's phases on the sandbox, at the real services' rate limits.

Starts every emulator (limits enforced, as the real services do) over a generated catalog,
materializes the selected phases of every playlist in real in-process Dagster runs with the
resources' production settings, and prints tracks per hour, coverage and requests per service.

    .venv/bin/python scripts/bench_pipeline.py [--tracks 100] [--playlists 4] [--tier development]
        [--phases 0,1,2] [--seed 7]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

PHASES = {
    "0": "playlist_tracks",
    "1": "spotify_track_metadata",
    "2": "spotify_credits",
    "5": "chartmetric_analytics",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=100)
    parser.add_argument("--playlists", type=int, default=4)
    parser.add_argument("--tier", choices=("development", "extended"), default="development")
    parser.add_argument("--phases", default="0,1,2", help="comma-separated of 0,1,2,5")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as home:
        os.environ["DAGSTER_HOME"] = home
        for name in ("SPOTIFY_CLIENT_ID", "SPOTIFY_SP_DC", "CHARTMETRIC_REFRESH_TOKEN"):
            os.environ.pop(name, None)
        return run(Path(home), args)


def run(home: Path, args) -> int:
    import dagster as dg

    from track_assets.defs.assets.chartmetric_analytics import chartmetric_analytics
    from track_assets.defs.assets.playlist_tracks import playlist_tracks
    from track_assets.defs.assets.spotify_credits import spotify_credits
    from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
    from track_assets.defs.partitions import PLAYLISTS_PARTITION
    from track_assets.defs.resources import (
        ChartmetricResource,
        DatabaseResource,
        FreshnessResource,
        SpotifyApiResource,
        SpotifyWebResource,
    )
    from track_assets.sandbox.catalog import generate
    from track_assets.sandbox.emulators import all_emulators
    from track_assets.sandbox.options import SandboxOptions
    from track_assets.sandbox.server import SandboxServer

    assets_by_name = {
        a.key.to_user_string(): a
        for a in (playlist_tracks, spotify_track_metadata, spotify_credits, chartmetric_analytics)
    }
    selected = [assets_by_name[PHASES[p.strip()]] for p in args.phases.split(",")]
    catalog = generate(args.seed, args.playlists, args.tracks)
    options = SandboxOptions(seed=1, tier=args.tier, date=catalog.reference_date)
    resources = {
        "database": DatabaseResource(url=f"sqlite:///{home / 'bench.sqlite'}"),
        "chartmetric": ChartmetricResource(),
        "spotify_api": SpotifyApiResource(),
        "spotify_web": SpotifyWebResource(),
        "freshness": FreshnessResource(),
    }
    seconds: dict[str, float] = {}
    requests: dict[str, int] = {}
    tracks_by_phase: dict[str, int] = {}
    coverage: dict[str, dict] = {}
    started = time.perf_counter()
    with (
        SandboxServer(all_emulators(), catalog, options, runtime_dir=home) as sandbox,
        dg.DagsterInstance.ephemeral() as instance,
    ):
        for playlist in catalog.playlists:
            instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
            result = dg.materialize(
                selected, partition_key=playlist.id, instance=instance, resources=resources
            )
            for event in result.get_asset_materialization_events():
                name = event.asset_key.to_user_string()
                meta = event.materialization.metadata
                seconds[name] = seconds.get(name, 0.0) + meta["seconds"].value
                tracks_by_phase[name] = tracks_by_phase.get(name, 0) + meta["tracks_worked"].value
                for service, summary in meta["requests"].value.items():
                    requests[service] = requests.get(service, 0) + summary["total"]
                for field, figures in meta["coverage"].value.items():
                    coverage[f"{name}.{field}"] = figures
        violations = {
            name: sum(sandbox.counters.snapshot(name).violations.values())
            for name in ("spotify_api", "spotify_web", "chartmetric")
        }
    total = time.perf_counter() - started
    distinct = len({t for p in catalog.playlists for t in p.track_ids})
    print(
        f"pipeline on the sandbox: {args.playlists} playlists, {distinct} distinct tracks, "
        f"{args.tier} tier, real rate limits, phases {args.phases}"
    )
    print(f"  wall time {total:.1f} s  ->  {distinct / total * 3600:,.0f} tracks/hour end to end")
    for name, spent in seconds.items():
        worked = tracks_by_phase[name]
        rate = f"{worked / spent * 3600:,.0f} tracks/hour" if spent else "-"
        print(f"  {name:24} {worked:5} tracks in {spent:7.1f} s  ({rate})")
    print("  requests: " + ", ".join(f"{s} {n}" for s, n in sorted(requests.items())))
    print(
        "  rate-limit violations counted by the emulators: "
        + ", ".join(f"{s} {n}" for s, n in violations.items())
    )
    last = {k: v for k, v in coverage.items() if v["of"]}
    print(
        "  coverage (last playlist): "
        + ", ".join(f"{k.split('.')[-1]} {v['have']}/{v['of']}" for k, v in last.items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
