"""The pipeline's throughput against the bound the services' rate limits impose.

Runs the pipeline as a user does (`make demo`'s way: real `dagster asset materialize` processes
on a real instance in a temporary DAGSTER_HOME, `track-assets sandbox serve` enforcing the real
services' limits, the clients at their default limits) and prints, per sandbox day:

- per service: requests, requests per track, the bound those requests impose at the client's
  limit (requests / rate), the rate-limit violations the emulators counted;
- the run: wall time, the bound (the slowest service's), efficiency = bound / wall, tracks/h,
  where the time went (inside steps waiting on a limiter, inside steps working, outside any
  step: process and run start-up, step launches), cache hits, peak RSS of the processes
  including Chromium;
- `--nightly N`: the nightly refresh of N playlists with nothing new (fetch run, then the
  enrichment run finding nothing due), seconds per playlist, limits off (with
  `--nightly-at-real-limits`: the refresh at the real limits, its setup still without);
- `--web`: the web-player phase alone in both access modes, limits off (bench_web_player.py);
- `--runs N`: each day's enrichment as N runs started together over balanced ranges of the
  playlists, as the fetch sensor starts them (default 1, as `make demo` does);
- `--limits-off`: the full pipeline with the limits off on both sides, so its wall time is the
  pipeline's own cost (run it at 200 and 2,000 tracks to see the cost per track stay flat).

    .venv/bin/python scripts/bench.py [--tracks 120] [--playlists 6] [--tier development]
        [--days 2] [--runs 1] [--nightly 50 [--nightly-at-real-limits]] [--web] [--limit chartmetric.requests=10/1] [--limits-off]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

from track_assets.phases import ENRICHMENT_ASSETS, PLAYLIST_TRACKS
from track_assets.sandbox.client_limits import relaxed_limit_environment
from track_assets.settings import RESOURCE_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
FETCH = PLAYLIST_TRACKS.asset
ENRICH = ",".join(ENRICHMENT_ASSETS)
LIMITS_OFF = ("--rate-limits", "off")


@dataclass
class Run:
    """One `dagster asset materialize` process."""

    what: str
    wall: float
    peak_rss_mb: float
    ok: bool


@dataclass
class Day:
    label: str
    tracks: int
    runs: list[Run] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)
    bound: dict[str, float] = field(default_factory=dict)
    limiter_wait: float = 0.0
    in_steps: float = 0.0
    cache_hits: dict[str, int] = field(default_factory=dict)
    wall: float = 0.0  # from the fetch run's start to the last run's end (runs side by side)

    @property
    def bound_seconds(self) -> float:
        return max(self.bound.values(), default=0.0)

    def figures(self) -> dict:
        wall = self.wall
        return {
            "day": self.label,
            "tracks": self.tracks,
            "wall_seconds": round(wall, 1),
            "bound_seconds": round(self.bound_seconds, 1),
            "bound_service": max(self.bound, key=self.bound.get) if self.bound else None,
            "efficiency": round(self.bound_seconds / wall, 3) if wall else None,
            "tracks_per_hour": round(self.tracks * 3600 / wall) if wall else None,
            # Every request's wait added up: requests wait side by side, so this is not time.
            "request_seconds_waiting_on_limiters": round(self.limiter_wait, 1),
            "seconds_in_steps": round(self.in_steps, 1),
            "seconds_outside_steps": round(max(wall - self.in_steps, 0), 1),
            "peak_rss_mb": round(max((r.peak_rss_mb for r in self.runs), default=0), 1),
            "requests": self.requests,
            "requests_per_track": {
                s: round(n / self.tracks, 2) for s, n in self.requests.items() if self.tracks
            },
            "bound_per_service_seconds": {s: round(b, 1) for s, b in self.bound.items()},
            "violations": self.violations,
            "cache_hits": self.cache_hits,
            "runs": [asdict(r) for r in self.runs],
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=120)
    parser.add_argument("--playlists", type=int, default=6)
    parser.add_argument("--tier", choices=("development", "extended"), default="development")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--nightly", type=int, default=0, help="playlists for the nightly figure")
    parser.add_argument("--web", action="store_true", help="the web-player phase alone")
    parser.add_argument(
        "--limit",
        action="append",
        default=[],
        help="a plan above the real limit, both sides: SERVICE.LIMITER=N/SECONDS",
    )
    parser.add_argument(
        "--runs", type=int, default=1, help="enrichment runs at once, as the fetch sensor starts"
    )
    parser.add_argument(
        "--limits-off", action="store_true", help="the pipeline's own cost: no limit anywhere"
    )
    parser.add_argument(
        "--nightly-at-real-limits",
        action="store_true",
        help="the nightly refresh at the real limits (its setup still without limits)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args()

    limits = "off" if args.limits_off else args.limit
    results: dict = {"tier": args.tier, "limits": limits, "enrichment_runs": args.runs}
    if args.tracks:
        days = full_pipeline(args)
        results["pipeline"] = [d.figures() for d in days]
    if args.nightly:
        results["nightly"] = nightly(args)
        print_nightly(results["nightly"])
    if args.web:
        print()
        results["web_player"] = web_player()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


# -- the full pipeline ---------------------------------------------------------------------------


def full_pipeline(args) -> list[Day]:
    off = {"sandbox_extra": LIMITS_OFF, "relaxed_clients": True} if args.limits_off else {}
    with deployment(args, args.playlists, args.tracks, **off) as env:
        days = []
        for number in range(1, args.days + 1):
            if number > 1:
                admin(env, "POST", "/clock", {"advance_days": 1})
            admin(env, "POST", "/counters/reset", {})
            day = Day(f"day {number}", tracks_on_playlists(env))
            started, clock = time.time(), time.perf_counter()
            day.runs.append(materialize(env, FETCH, partition_range(env)))
            ranges = partition_ranges(env, args.runs)
            with ThreadPoolExecutor(len(ranges)) as pool:
                day.runs += pool.map(lambda r: materialize(env, ENRICH, r), ranges)
            day.wall = time.perf_counter() - clock
            account(env, day, since=started)
            print_days([day])
            days.append(day)
        return days


def nightly(args) -> dict:
    """N playlists of about 2 tracks each enriched, then refreshed with nothing new: the fetch
    run, then the enrichment run that finds nothing due. Limits off, so the time is the
    pipeline's own and the requests it made give the bound the real limits would add; with
    --nightly-at-real-limits the refresh runs at the real limits on both sides."""
    n = args.nightly
    with deployment(args, n, max(20, 2 * n), sandbox_extra=LIMITS_OFF, relaxed_clients=True) as env:
        whole = partition_range(env)
        materialize(env, FETCH, whole)
        materialize(env, ENRICH, whole)
        admin(env, "POST", "/counters/reset", {})
        if args.nightly_at_real_limits:
            env = real_limits(env)
        fetch = materialize(env, FETCH, whole)
        enrich = materialize(env, ENRICH, whole)
        counters = admin(env, "GET", "/counters")
        violations = {s: c["total_violations"] for s, c in counters.items()}
    requests = {s: c["total"] for s, c in counters.items()}
    real = {s: requests[s] / client_rate({}, s) for s in requests if client_rate({}, s)}
    return {
        "playlists": n,
        "fetch_seconds": round(fetch.wall, 1),
        "enrich_nothing_due_seconds": round(enrich.wall, 1),
        "seconds_per_playlist": round((fetch.wall + enrich.wall) / n, 2),
        "requests": requests,
        "bound_at_real_limits_seconds": round(max(real.values(), default=0), 1),
        "bound_service": max(real, key=real.get) if real else None,
        "at_real_limits": args.nightly_at_real_limits,
        "violations": violations,
        "ok": fetch.ok and enrich.ok,
    }


def real_limits(env: dict) -> dict:
    """The sandbox enforcing every limit from now on, and the environment for clients at their
    default (real) limits."""
    limits = admin(env, "GET", "/limits")
    admin(
        env,
        "POST",
        "/limits",
        {
            service: {name: {"mode": "enforce"} for name in limiters}
            for service, limiters in limits.items()
        },
    )
    return {k: v for k, v in env.items() if k not in relaxed_limit_environment()}


@contextlib.contextmanager
def deployment(
    args, playlists: int, tracks: int, sandbox_extra=(), relaxed_clients: bool = False
) -> Iterator[dict]:
    home = Path(tempfile.mkdtemp(prefix="bench-home-"))
    shutil.copy(ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPOTIFY_", "CHARTMETRIC_"))}
    env |= {"DAGSTER_HOME": str(home), "TRACK_ASSETS_SANDBOX": "on"}
    for name in (
        "MLC_USERNAME",
        "MLC_PASSWORD",
        "MUSICBRAINZ_CONTACT",
        "TRACK_ASSETS_DATABASE_URL",
    ):
        env.pop(name, None)
    catalog = ["--seed", str(args.seed), "--playlists", str(playlists), "--tracks", str(tracks)]
    serve = [str(BIN / "track-assets"), "sandbox", "serve", *catalog, "--tier", args.tier]
    for limit in args.limit:
        serve += ["--limit", limit]
        service, rest = limit.split(".", 1)
        count, seconds = rest.split("=", 1)[1].split("/")
        variables = RESOURCE_VARIABLES[service]
        env[variables["max_requests"]], env[variables["per_seconds"]] = count, seconds
    if relaxed_clients:
        env |= relaxed_limit_environment()  # the tests' limits against a sandbox with none
    log = home / "sandbox.log"
    sandbox = subprocess.Popen(
        [*serve, *sandbox_extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=log.open("w"),
        text=True,
        start_new_session=True,
    )
    try:
        first = sandbox.stdout.readline()
        if not first:
            raise SystemExit(f"the sandbox did not start: {log.read_text()[-2000:]}")
        announced = json.loads(first)
        env["BENCH_ADMIN_URL"] = announced["admin"]
        track_assets(env, "db", "upgrade")
        urls = track_assets(env, "sandbox", "playlists", *catalog).split()
        track_assets(env, "playlists", "add", *urls)
        yield env
    finally:
        os.killpg(sandbox.pid, signal.SIGINT)
        sandbox.wait(timeout=60)
        shutil.rmtree(home, ignore_errors=True)


def track_assets(env: dict, *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "track-assets"), *args], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def partition_range(env: dict) -> str:
    [whole] = partition_ranges(env, 1)
    return whole


def partition_ranges(env: dict, runs: int) -> list[str]:
    return track_assets(env, "runs", "ranges", "--runs", str(runs)).split()


def materialize(env: dict, selection: str, partition_range: str) -> Run:
    command = [
        str(BIN / "dagster"),
        "asset",
        "materialize",
        "-m",
        "track_assets.definitions",
        "--select",
        selection,
        "--partition-range",
        partition_range,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    peak = PeakRss(process.pid)
    _, stderr = process.communicate()
    peak.stop()
    ok = process.returncode == 0 and "RUN_SUCCESS" in stderr
    if not ok:
        print(f"{selection}: run failed\n{stderr[-3000:]}", file=sys.stderr)
    return Run(selection.split(",")[0], time.perf_counter() - started, peak.mb, ok)


class PeakRss:
    """The largest sum of resident memory over a process and its descendants (Chromium too),
    sampled every quarter second from /proc."""

    def __init__(self, pid: int) -> None:
        self.pid, self.mb, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            self.mb = max(self.mb, sum(_rss_kb(p) for p in _tree(self.pid)) / 1024)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def _rss_kb(pid: int) -> int:
    with contextlib.suppress(OSError, ValueError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def admin(env: dict, method: str, path: str, body: dict | None = None) -> dict:
    import httpx

    response = httpx.request(method, env["BENCH_ADMIN_URL"] + path, json=body, timeout=60)
    response.raise_for_status()
    return response.json() if response.content else {}


def tracks_on_playlists(env: dict) -> int:
    from sqlalchemy import func, select

    from track_assets.db.engine import make_engine
    from track_assets.db.tables import playlist_tracks
    from track_assets.settings import default_database_url

    engine = make_engine(default_database_url(Path(env["DAGSTER_HOME"])))
    try:
        with engine.connect() as conn:
            query = select(func.count(func.distinct(playlist_tracks.c.track_id)))
            return conn.execute(query).scalar_one() or 0
    finally:
        engine.dispose()


def account(env: dict, day: Day, since: float) -> None:
    """The day's requests and violations (the emulators' counters), each service's bound at the
    client's limit, and from the runs' event logs the time inside steps, the limiter waits and
    the cache hits."""
    import dagster as dg

    counters = admin(env, "GET", "/counters")
    if day.tracks == 0:  # day 1: playlists unknown before the fetch
        day.tracks = tracks_on_playlists(env)
    for service, counted in counters.items():
        day.requests[service] = counted["total"]
        day.violations[service] = counted["total_violations"]
        rate = client_rate(env, service)
        if rate is not None:
            day.bound[service] = day.requests[service] / rate
    os.environ["DAGSTER_HOME"] = env["DAGSTER_HOME"]
    instance = dg.DagsterInstance.get()
    spans = []  # of every run's steps: runs side by side overlap
    for record in instance.get_run_records():
        if (record.start_time or 0) < since:
            continue
        starts = {}
        for event in instance.all_logs(record.dagster_run.run_id):
            kind = event.dagster_event.event_type_value if event.dagster_event else None
            if kind == "STEP_START":
                starts[event.step_key] = event.timestamp
            elif kind in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
                spans.append((starts.pop(event.step_key), event.timestamp))
            elif kind == "ASSET_MATERIALIZATION":
                metadata = event.dagster_event.event_specific_data.materialization.metadata
                hits = metadata.get("cache_hits")
                asset = event.dagster_event.asset_key.to_user_string()
                if hits is not None:
                    day.cache_hits[asset] = hits.value
                requests = metadata.get("requests")
                for summary in (requests.value if requests else {}).values():
                    day.limiter_wait += float(summary.get("rate_limit_wait_seconds", 0))
    day.in_steps = covered(spans)
    instance.dispose()


def client_rate(env: dict, service: str) -> float | None:
    """Requests per second the pipeline's client for `service` allows: the limit the
    environment sets (`--limit`), else its resource's default."""
    from track_assets.defs.resources import resources

    resource = resources().resources.get(service)
    if resource is None:
        return None
    defaults = type(resource).model_fields  # the instance may hold an EnvVar
    variables = RESOURCE_VARIABLES[service]
    count = env.get(variables["max_requests"]) or defaults["max_requests"].default
    seconds = env.get(variables["per_seconds"]) or defaults["per_seconds"].default
    return int(count) / float(seconds)


def covered(spans: list[tuple[float, float]]) -> float:
    """The time inside at least one of the spans (steps run side by side)."""
    total, end = 0.0, float("-inf")
    for start, stop in sorted(spans):
        if stop > end:
            total += stop - max(start, end)
            end = stop
    return total


def web_player() -> dict:
    """bench_web_player.py's table (both access modes, limits off), printed and kept."""
    done = subprocess.run(
        [str(BIN / "python"), str(ROOT / "scripts" / "bench_web_player.py"), "--mode", "both"],
        check=True,
        capture_output=True,
        text=True,
    )
    print(done.stdout, end="")
    return {"table": done.stdout}


# -- printing ------------------------------------------------------------------------------------


def print_days(days: list[Day]) -> None:
    for day in days:
        f = day.figures()
        print(f"\n{f['day']}: {f['tracks']} tracks")
        print(f"{'service':<13} {'requests':>8} {'per track':>9} {'bound s':>8} {'violations':>10}")
        for service in sorted(f["requests"]):
            print(
                f"{service:<13} {f['requests'][service]:>8} "
                f"{f['requests_per_track'].get(service, 0):>9} "
                f"{f['bound_per_service_seconds'].get(service, 0):>8} "
                f"{f['violations'].get(service, 0):>10}"
            )
        print(
            f"wall {f['wall_seconds']} s, bound {f['bound_seconds']} s ({f['bound_service']}), "
            f"efficiency {f['efficiency']}, {f['tracks_per_hour']} tracks/h, "
            f"peak RSS {f['peak_rss_mb']} MB"
        )
        print(
            f"time: {f['seconds_in_steps']} s with a step running, "
            f"{f['seconds_outside_steps']} s outside any step (process start, run start, step "
            f"launches); requests waited {f['request_seconds_waiting_on_limiters']} "
            "request-seconds on limiters (every request's wait added up, side by side)"
        )


def print_nightly(figures: dict) -> None:
    print(
        f"\nnightly, nothing new, {figures['playlists']} playlists: fetch run "
        f"{figures['fetch_seconds']} s, enrichment run (nothing due) "
        f"{figures['enrich_nothing_due_seconds']} s, {figures['seconds_per_playlist']} s a "
        f"playlist ({'at the real limits' if figures['at_real_limits'] else 'limits off'}); "
        f"requests {figures['requests']}, which at the real limits take at least "
        f"{figures['bound_at_real_limits_seconds']} s ({figures['bound_service']}); "
        f"violations {figures['violations']}"
    )


if __name__ == "__main__":
    sys.exit(main())
