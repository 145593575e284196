"""Throughput of the web-player phase (credits + play count per track) on the sandbox.

Starts `track-assets sandbox serve` as a subprocess (rate limits off, clock pinned to the
catalog's reference date) and works the playlist tracks of the generated catalog as phase 2
does (docs/architecture.md#the-web-player): sorted by album, in batches of the phase's size, the
credits (logged in with the sandbox's SPOTIFY_SP_DC), then `play_counts` (one getAlbum per album
holding two or more of the batch, getTrack for the rest). The client is the pipeline's, with its
default concurrency and the pipeline's file rate limiter at the relaxed limit tests use against
the sandbox. Every answer is checked against the catalog's ground truth after the clock stops.

For each mode it prints tracks per hour, requests per track (as we sent them, and as the emulator
answered them), bootstraps, wrong answers, the CPU each process used as a share of one core (our
process, Chromium with Playwright's driver, the emulator, the kernel's interrupt work, everything
else on the machine), and which bound held: a process at a full core (ours and the emulator's
each run Python one thread at a time), every core busy, or neither (waiting on answers).

    .venv/bin/python scripts/bench_web_player.py [--mode session|page|both] [--tracks N]
        [--page-tracks N] [--concurrency N] [--limiter file|none] [--json]

Defaults: 2,000 tracks in session mode, 200 in page mode (about a minute in all). `--tracks`
sets every selected mode's count, `--page-tracks` page mode's alone. Chromium is started before
the clock starts (once per step in the pipeline, about a second); the session's bootstrap pages
are timed. Exits 1 if any answer was wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

import httpx

from track_assets.enrichment.spotify_records import play_counts
from track_assets.phases import SPOTIFY_CREDITS
from track_assets.sandbox.catalog import Catalog, generate, play_count_on
from track_assets.sandbox.catalog.truth import ExpectedCredit, ExpectedCredits, expected_credits
from track_assets.sandbox.client_limits import RELAXED_LIMITS
from track_assets.services.http import (
    FileRateLimiter,
    NullRateLimiter,
    RateLimiter,
    RequestCounters,
)
from track_assets.services.spotify_web import (
    SERVICE,
    SpotifyWebClient,
    TrackCredits,
    WebPlayerBrowser,
)

MODES = ("session", "page")
DEFAULT_TRACKS = {"session": 2000, "page": 200}
DEFAULT_CONCURRENCY = inspect.signature(SpotifyWebClient).parameters["concurrency"].default
SEED = 7
PLAYLISTS = 6
FULL_CORE = 0.8  # a process at this share of one core is taken to be what caps the run
ALL_CORES = 0.85  # the machine at this share of all its cores: CPU-bound as a whole
TICKS = os.sysconf("SC_CLK_TCK")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument(
        "--tracks",
        type=int,
        help=f"tracks per mode (default: session {DEFAULT_TRACKS['session']:,}, page "
        f"{DEFAULT_TRACKS['page']})",
    )
    parser.add_argument("--page-tracks", type=int, help="page mode's tracks, whatever --tracks")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        help="the client's reads at once (default: %(default)s, the pipeline's)",
    )
    parser.add_argument(
        "--limiter",
        choices=("file", "none"),
        default="file",
        help="file: the pipeline's rate limiter at the sandbox's relaxed limit (default); "
        "none: no limiter, to see what it costs",
    )
    parser.add_argument("--seed", type=int, default=SEED, help="catalog generator seed")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args()
    modes = MODES if args.mode == "both" else (args.mode,)
    wanted = {mode: args.tracks or DEFAULT_TRACKS[mode] for mode in modes}
    if "page" in wanted and args.page_tracks:
        wanted["page"] = args.page_tracks
    size = max(wanted.values())
    if min(wanted.values()) < 1 or size < 20:
        parser.error("at least 20 tracks (the generator's smallest catalog)")
    if args.concurrency < 1:
        parser.error("--concurrency must be at least 1")

    catalog = generate(args.seed, PLAYLISTS, size)
    results = []
    with (
        tempfile.TemporaryDirectory() as home,
        running_sandbox(Path(home), args.seed, size, catalog.reference_date) as sandbox,
    ):
        for mode in modes:
            results.append(
                run_mode(mode, wanted[mode], args.concurrency, args.limiter, catalog, sandbox)
            )
    if args.json:
        print(
            json.dumps({"machine_cores": os.cpu_count(), "results": [asdict(r) for r in results]})
        )
    else:
        print_table(results)
    return 0 if all(r.wrong == 0 for r in results) else 1


# -- the sandbox -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sandbox:
    urls: dict[str, str]
    sp_dc: str
    admin_url: str
    pid: int


@contextlib.contextmanager
def running_sandbox(home: Path, seed: int, tracks: int, day: date) -> Iterator[Sandbox]:
    """`track-assets sandbox serve` on the generated catalog, its clock pinned to `day`."""
    cli = Path(sys.executable).with_name("track-assets")
    process = subprocess.Popen(
        [
            *(str(cli), "sandbox", "serve", "--rate-limits", "off"),
            *("--seed", str(seed), "--playlists", str(PLAYLISTS), "--tracks", str(tracks)),
            *("--date", day.isoformat()),
        ],
        env={**os.environ, "DAGSTER_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline()
        if not line:
            raise SystemExit(f"the sandbox did not start (exit status {process.wait()})")
        runtime = json.loads(line)
        web = runtime["services"][SERVICE]
        yield Sandbox(
            web["urls"], web["credentials"]["SPOTIFY_SP_DC"], runtime["admin"], process.pid
        )
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


def reset_server_requests(sandbox: Sandbox) -> None:
    httpx.post(
        f"{sandbox.admin_url}/counters/reset", json={"service": SERVICE}, timeout=10
    ).raise_for_status()


def server_requests(sandbox: Sandbox) -> dict[str, dict[str, int]]:
    """The emulator's own count of the requests it answered, by endpoint and status."""
    answer = httpx.get(f"{sandbox.admin_url}/counters", timeout=10)
    answer.raise_for_status()
    return answer.json()[SERVICE]["requests"]


# -- one mode ----------------------------------------------------------------------------------


@dataclass
class Result:
    mode: str
    tracks: int
    concurrency: int
    limiter: str
    seconds: float
    tracks_per_hour: float
    requests_per_track: float  # as our counters saw them (page mode: every request of the pages)
    server_requests_per_track: float  # as the emulator answered them (cached ones never reach it)
    bootstraps: int
    wrong: int  # tracks whose credits or play count differ from the catalog's
    cpu_ours: float  # share of one core, over the run
    cpu_chromium: float
    cpu_emulator: float
    cpu_interrupts: float  # the kernel's, mostly loopback networking
    cpu_other: float  # everything else on the machine: other users' load
    machine_busy: float  # share of all cores
    bound: str
    server_requests: dict[str, dict[str, int]]


def run_mode(
    mode: str, count: int, concurrency: int, limiter_kind: str, catalog: Catalog, sandbox: Sandbox
) -> Result:
    album_of = {t.id: t.album_id for t in catalog.tracks}
    # As phase 2 orders them: an album's tracks side by side.
    track_ids = sorted(catalog.playlist_ids_by_track_id, key=lambda t: album_of[t] or "")[:count]
    counters = RequestCounters()
    credits: dict[str, object] = {}
    counts: dict[str, int | None] = {}
    with tempfile.TemporaryDirectory() as state_dir, WebPlayerBrowser() as browser:
        client = SpotifyWebClient(
            sandbox.urls,
            sp_dc=sandbox.sp_dc,
            mode=mode,
            concurrency=concurrency,
            counters=counters,
            rate_limiter=make_limiter(limiter_kind, state_dir),
            browser=browser,
        )
        reset_server_requests(sandbox)
        with client, CpuClock(sandbox.pid) as cpu:
            started = time.perf_counter()
            for start in range(0, len(track_ids), SPOTIFY_CREDITS.batch):
                batch = track_ids[start : start + SPOTIFY_CREDITS.batch]
                credits.update(client.track_credits(batch))
                counts.update(play_counts(client, batch, album_of))
            seconds = time.perf_counter() - started
        bootstraps = len(client.bootstraps)
    served = server_requests(sandbox)
    usage = {key: value / seconds for key, value in cpu.usage.items()}
    cores = os.cpu_count() or 1
    return Result(
        mode=mode,
        tracks=len(track_ids),
        concurrency=concurrency,
        limiter=limiter_kind,
        seconds=round(seconds, 2),
        tracks_per_hour=round(len(track_ids) / seconds * 3600),
        requests_per_track=round(counters.total(SERVICE) / len(track_ids), 2),
        server_requests_per_track=round(
            sum(sum(by_status.values()) for by_status in served.values()) / len(track_ids), 2
        ),
        bootstraps=bootstraps,
        wrong=wrong_tracks(catalog, track_ids, credits, counts),
        cpu_ours=round(usage["ours"], 2),
        cpu_chromium=round(usage["chromium"], 2),
        cpu_emulator=round(usage["emulator"], 2),
        cpu_interrupts=round(usage["interrupts"], 2),
        cpu_other=round(usage["other"], 2),
        machine_busy=round(usage["machine"] / cores, 2),
        bound=which_bound(usage, cores),
        server_requests=served,
    )


def make_limiter(kind: str, state_dir: str) -> RateLimiter:
    """ "file": the limiter the pipeline uses, at the relaxed limit that tests and accuracy runs
    set against the sandbox; "none": no limiter, to see what it costs."""
    if kind == "none":
        return NullRateLimiter()
    limits = RELAXED_LIMITS[SERVICE]
    return FileRateLimiter(
        SERVICE, "bench", limits["max_requests"], limits["per_seconds"], state_dir=state_dir
    )


def wrong_tracks(
    catalog: Catalog,
    track_ids: list[str],
    credits: dict[str, object],
    counts: dict[str, int | None],
) -> int:
    """Tracks whose credits or play count differ from the catalog's (checked after the clock)."""
    wrong = 0
    for track_id in track_ids:
        track = catalog.tracks_by_id[track_id]
        found = credits.get(track_id)
        if (
            not isinstance(found, TrackCredits)
            or as_expected(found) != expected_credits(track)
            or counts.get(track_id) != play_count_on(track, catalog.reference_date)
        ):
            wrong += 1
    return wrong


def as_expected(credits: TrackCredits) -> ExpectedCredits:
    def person(credit) -> ExpectedCredit:
        return ExpectedCredit(credit.name, credit.artist_id, credit.subroles)

    return ExpectedCredits(
        performers=tuple(map(person, credits.performers)),
        writers=tuple(map(person, credits.writers)),
        producers=tuple(map(person, credits.producers)),
        composers=tuple(p.name for p in credits.composers),
        lyricists=tuple(p.name for p in credits.lyricists),
        source_names=credits.source_names,
    )


def which_bound(usage: dict[str, float], cores: int) -> str:
    """What capped the run, from each process's CPU (a share of one core)."""
    name, share = max(
        (("our process", usage["ours"]), ("the emulator", usage["emulator"])),
        key=lambda item: item[1],
    )
    if share >= FULL_CORE:  # both run Python one thread at a time (the GIL, one event loop)
        return f"{name} CPU ({share:.0%} of one core)"
    if usage["machine"] >= ALL_CORES * cores:
        top, most = max(
            (
                ("ours", usage["ours"]),
                ("Chromium", usage["chromium"]),
                ("the emulator", usage["emulator"]),
                ("other load", usage["other"]),
            ),
            key=lambda item: item[1],
        )
        return (
            f"machine CPU ({usage['machine'] / cores:.0%} of {cores} cores; "
            f"most: {top}, {most:.2f} cores)"
        )
    return "latency (no process at a full core, cores idle)"


# -- CPU accounting from /proc -----------------------------------------------------------------


class CpuClock:
    """CPU seconds over a `with` block: this process, its other descendants (Chromium and
    Playwright's driver, dead children included through cutime), the sandbox process, and the
    whole machine (from /proc/stat, so other users' load shows as "other")."""

    def __init__(self, sandbox_pid: int) -> None:
        self._sandbox = sandbox_pid
        self.usage: dict[str, float] = {}

    def _sample(self) -> dict[str, float]:
        stats = _all_stats()
        me = os.getpid()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in stats.items():
            children.setdefault(ppid, []).append(pid)
        browser = 0.0
        stack = [c for c in children.get(me, []) if c != self._sandbox]
        while stack:
            pid = stack.pop()
            browser += stats[pid][1] + stats[pid][2]
            stack += children.get(pid, [])
        own = stats.get(me, (0, 0.0, 0.0))[1]
        emulator = sum(stats.get(self._sandbox, (0, 0.0, 0.0))[1:])
        machine, interrupts = _machine()
        return {
            "ours": own,
            "chromium": browser,
            "emulator": emulator,
            "machine": machine,
            "interrupts": interrupts,
        }

    def __enter__(self) -> CpuClock:
        self._start = self._sample()
        return self

    def __exit__(self, *exc_info: object) -> None:
        end = self._sample()
        usage = {key: end[key] - self._start[key] for key in end}
        processes = usage["ours"] + usage["chromium"] + usage["emulator"] + usage["interrupts"]
        usage["other"] = max(0.0, usage["machine"] - processes)
        self.usage = usage


def _all_stats() -> dict[int, tuple[int, float, float]]:
    """pid: (parent pid, own CPU seconds, CPU seconds of its waited-for dead children)."""
    stats = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            text = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        ppid = int(fields[1])
        own = (int(fields[11]) + int(fields[12])) / TICKS
        dead = (int(fields[13]) + int(fields[14])) / TICKS
        stats[int(entry)] = (ppid, own, dead)
    return stats


def _machine() -> tuple[float, float]:
    """Busy CPU seconds of the whole machine (all cores) since boot, and of them the kernel's
    interrupt handling (loopback networking is mostly softirq, charged to no process)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICKS, (values[5] + values[6]) / TICKS


# -- output ------------------------------------------------------------------------------------


def print_table(results: list[Result]) -> None:
    cores = os.cpu_count()
    print(
        f"web-player phase (credits + play count per track) on the sandbox, rate limits off, "
        f"{cores} cores; CPU columns are shares of one core (irq: the kernel's interrupt work, other: the rest of the machine)"
    )
    print(
        f"{'mode':8} {'tracks':>6} {'conc':>4} {'limiter':>7} {'seconds':>7} {'tracks/h':>10} "
        f"{'req/track':>9} {'served/track':>12} {'boots':>5} {'wrong':>5} "
        f"{'ours':>5} {'chrom':>5} {'emul':>5} {'irq':>5} {'other':>5}  bound"
    )
    for r in results:
        print(
            f"{r.mode:8} {r.tracks:6} {r.concurrency:4} {r.limiter:>7} {r.seconds:7.1f} "
            f"{r.tracks_per_hour:10,.0f} {r.requests_per_track:9.2f} "
            f"{r.server_requests_per_track:12.2f} {r.bootstraps:5} {r.wrong:5} "
            f"{r.cpu_ours:5.2f} {r.cpu_chromium:5.2f} {r.cpu_emulator:5.2f} {r.cpu_interrupts:5.2f} "
            f"{r.cpu_other:5.2f}  "
            f"{r.bound}"
        )


if __name__ == "__main__":
    sys.exit(main())
