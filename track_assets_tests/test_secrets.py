"""No credential leaks: with sentinel credentials on every service (set as a deployment sets them,
in the environment, the services' URLs pointing at a sandbox that accepts only those), a real
`dagster asset materialize` of every phase and the exports, and one run whose Spotify secret is
rejected, leave no client secret, password, refresh token, sp_dc cookie or issued access token
in their stdout/stderr, the Dagster instance (every event of every run, metadata and errors
included; the run records; the compute logs and every other file in DAGSTER_HOME), the exports,
the database (every column of every table) or what the webhook receiver was sent."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import make_url

from track_assets.db.engine import make_engine
from track_assets.db.tables import track_credits
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.phases import ENRICHMENT_ASSETS, PLAYLIST_TRACKS
from track_assets.sandbox.catalog import generate_catalog, load_catalog
from track_assets.sandbox.client_limits import relaxed_limit_environment
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import RESOURCE_VARIABLES, SERVICE_NAMES
from track_assets_tests.http.server import Canned, ScriptedServer
from track_assets_tests.support.dagster_dev import REPO_ROOT
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES
from track_assets_tests.support.postgres import PostgresServer
from track_assets_tests.support.secrets import (
    SENTINELS,
    IssuedTokens,
    Scan,
    secret_values,
    sentinel_emulators,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.chromium]

BIN = Path(sys.executable).parent
HOOK = "/hooks/track-assets"
PHASES = ",".join((PLAYLIST_TRACKS.asset, *ENRICHMENT_ASSETS))  # phases 0-7, every step
# The failing run: a Spotify client secret the accounts service rejects.
WRONG = {"wrong SPOTIFY_CLIENT_SECRET": "SENTINEL-wrong-spotify-client-secret-c4d2"}


@dataclass
class Command:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Leftovers:
    """What the runs left, and what must not be in it."""

    home: Path
    exports: Path
    database_url: str
    commands: list[Command]
    tokens: IssuedTokens
    playlist_id: str
    webhook_requests: list = field(default_factory=list)

    def scan(self) -> Scan:
        """A scan for every secret, the playlist id its control (it is in every source)."""
        return Scan(secret_values(WRONG, self.tokens.named()), {"playlist id": self.playlist_id})


@pytest.fixture(scope="module")
def leftovers(postgres_server: PostgresServer, tmp_path_factory) -> Leftovers:
    root = tmp_path_factory.mktemp("secrets")
    home, exports = root / "dagster_home", root / "exports"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    url = make_url(postgres_server.create_database("secrets_track_assets"))
    database_url = url.set(password=SENTINELS["DATABASE_PASSWORD"]).render_as_string(
        hide_password=False
    )  # the test cluster trusts loopback connections: any password is accepted
    catalog = load_catalog(generate_catalog(seed=11, playlists=3, tracks=20))
    playlist = min(
        (p for p in catalog.playlists if not p.editorial),
        key=lambda p: sum(1 for i in p.items if i.kind == "track"),
    )
    tokens = IssuedTokens()
    options = SandboxOptions(seed=3, tier="development", rate_limits="off")
    receiver = ScriptedServer().start()
    receiver.always(HOOK, Canned(204))
    commands: list[Command] = []
    try:
        with SandboxServer(sentinel_emulators(tokens), catalog, options) as sandbox:
            env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES}
            env |= {
                "DAGSTER_HOME": str(home),
                "TRACK_ASSETS_DATABASE_URL": database_url,
                "TRACK_ASSETS_EXPORT_DIR": str(exports),
                "TRACK_ASSETS_SANDBOX": "off",  # every service through the variables below
                "TRACK_ASSETS_WEBHOOK_URL": receiver.url + HOOK,
                "MUSICBRAINZ_CONTACT": "secrets-test@track-assets.invalid",
                **{k: v for k, v in SENTINELS.items() if k != "DATABASE_PASSWORD"},
                **_service_urls(sandbox),
                **relaxed_limit_environment(),
            }

            def start(*argv: str, **overrides: str) -> tuple[list[str], subprocess.Popen]:
                process = subprocess.Popen(
                    argv,
                    env=env | overrides,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    start_new_session=True,
                )
                return list(argv), process

            def finish(*started: tuple[list[str], subprocess.Popen]) -> list[Command]:
                done = []
                for argv, process in started:
                    try:
                        stdout, stderr = process.communicate(timeout=240)
                    finally:
                        with suppress(ProcessLookupError):  # a step process left behind
                            os.killpg(process.pid, signal.SIGKILL)
                    commands.append(Command(argv, process.returncode, stdout, stderr))
                    log = root / f"command-{len(commands)}.log"  # for whoever reads a failure
                    log.write_text(f"{argv}\n{process.returncode}\n{stdout}\n{stderr}")
                    done.append(commands[-1])
                return done

            with dg.DagsterInstance.from_config(str(home)) as instance:
                instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
            materialize = [str(BIN / "dagster"), "asset", "materialize", "-m"]
            materialize.append("track_assets.definitions")
            [enriched] = finish(start(*materialize, "--select", PHASES, "--partition", playlist.id))
            assert enriched.returncode == 0, enriched.stderr[-3000:]
            # The exports; meanwhile a run whose Spotify secret is rejected (its step fails at
            # once with the service's message), and the summary a user prints.
            leads, failed, status = finish(
                start(*materialize, "--select", "songwriter_leads"),
                start(
                    *materialize,
                    "--select",
                    "playlist_tracks",
                    "--partition",
                    playlist.id,
                    SPOTIFY_CLIENT_SECRET=WRONG["wrong SPOTIFY_CLIENT_SECRET"],
                ),
                start(str(BIN / "track-assets"), "status"),
            )
            assert leads.returncode == 0, leads.stderr[-3000:]
            assert failed.returncode != 0, failed.stderr[-3000:]
            assert status.returncode == 0, status.stderr
    finally:
        receiver.stop()
    return Leftovers(
        home, exports, database_url, commands, tokens, playlist.id, receiver.requests()
    )


def _service_urls(sandbox: SandboxServer) -> dict[str, str]:
    """Each service's URL variables (SPOTIFY_API_BASE_URL, ...) set to its emulator."""
    return {
        RESOURCE_VARIABLES[name][f"{key}_url"]: url
        for name in SERVICE_NAMES
        for key, url in sandbox.runtime.services[name].urls.items()
    }


def test_the_runs_used_every_credential_and_one_was_rejected(leftovers):
    """What the scans below look at: every service issued tokens to the sentinels, the rejected
    secret failed its step with the service's message, the good runs wrote the exports."""
    services = {where.split()[0] for where in leftovers.tokens.tokens.values()}
    assert services >= {"spotify_api", "spotify_web", "chartmetric", "mlc"}, services
    failed = leftovers.commands[2]
    assert failed.returncode != 0
    assert "SpotifyCredentialsRejected: Spotify rejected the app credentials" in failed.stderr
    # The exports, and the leads report with the figures it keeps for the next one.
    written = {p.suffix for p in leftovers.exports.iterdir()}
    assert written == {".csv", ".parquet", ".html", ".json"}
    assert leftovers.webhook_requests, "phase 7 sent nothing to the webhook receiver"
    engine = make_engine(leftovers.database_url)
    try:
        with engine.connect() as conn:
            credits = conn.execute(select(func.count()).select_from(track_credits)).scalar_one()
    finally:
        engine.dispose()
    assert credits > 0  # credits need the logged-in token the sp_dc cookie gets


def test_no_secret_in_stdout_or_stderr(leftovers):
    scan = leftovers.scan()
    for command in leftovers.commands:
        name = " ".join([Path(command.argv[0]).name, *command.argv[1:]])
        scan.text("stdout/stderr", f"{name} (stdout)", command.stdout)
        scan.text("stdout/stderr", f"{name} (stderr)", command.stderr)
    assert scan.items == {"stdout/stderr": 8}
    assert "1 playlists" in leftovers.commands[-1].stdout  # `track-assets status`
    assert_no_leak(scan)


def test_no_secret_in_the_dagster_instance(leftovers):
    """Every event of every run (serialized whole: messages, metadata, error info), every run
    record (config and tags), and every file in DAGSTER_HOME (compute logs, storage)."""
    scan = leftovers.scan()
    kinds: Counter[str] = Counter()
    with dg.DagsterInstance.from_config(str(leftovers.home)) as instance:
        runs = instance.get_runs()
        # Phases 0-7, the leads, the rejected secret's.
        assert sorted(run.status.value for run in runs) == ["FAILURE", "SUCCESS", "SUCCESS"]
        for run in runs:
            scan.text("run records", run.run_id, dg.serialize_value(run))
            for entry in instance.all_logs(run.run_id):
                kind = entry.dagster_event_type.value if entry.dagster_event_type else "log"
                kinds[kind] += 1
                scan.text("event log", f"{run.run_id} {kind}", dg.serialize_value(entry))
    # The scan read the materializations' metadata and the rejected secret's failure.
    materialized = len(PHASES.split(",")) + 1  # each phase once, and the leads
    assert kinds["ASSET_MATERIALIZATION"] == materialized and kinds["STEP_FAILURE"] == 1, kinds
    compute_logs = [p for p in leftovers.home.rglob("compute_logs") if p.is_dir()]
    for folder in compute_logs:
        scan.files("compute logs", folder)
    scan.files(
        "DAGSTER_HOME files",
        leftovers.home,
        skip=[p for folder in compute_logs for p in folder.rglob("*")],
    )
    assert scan.items.get("event log", 0) > 100 and scan.items.get("compute logs", 0) > 0, (
        scan.items
    )
    assert_no_leak(scan)


def test_no_secret_in_the_exports(leftovers):
    import pyarrow.parquet as pq

    scan = leftovers.scan()
    scan.files("export files", leftovers.exports)
    for path in leftovers.exports.glob("*.parquet"):
        for row in pq.read_table(path).to_pylist():
            for column, value in row.items():
                scan.value("parquet values", f"{path.name} {column}", value)
    assert_no_leak(scan)


def test_no_secret_in_the_database(leftovers):
    """Every column of every table, reflected from the database the runs wrote."""
    scan = leftovers.scan()
    engine = make_engine(leftovers.database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as conn:
            for table in metadata.sorted_tables:
                for row in conn.execute(select(table)).mappings():
                    for column, value in row.items():
                        scan.value("database", f"{table.name}.{column}", value)
    finally:
        engine.dispose()
    assert scan.items.get("database", 0) > 1000, scan.items
    assert_no_leak(scan)


def test_no_secret_reaches_the_webhook_receiver(leftovers):
    scan = leftovers.scan()
    for request in leftovers.webhook_requests:
        scan.text("webhook", request.path, repr(request.headers))
        scan.text("webhook", request.path, request.body)
    assert_no_leak(scan)


def assert_no_leak(scan: Scan) -> None:
    """No secret found, and the control found in every source scanned."""
    assert not scan.findings, f"secrets found ({scan.items} texts scanned):\n{scan.report()}"
    unread = set(scan.items) - scan.controls_seen.get("playlist id", set())
    assert not unread, f"the playlist id is in none of the texts of {unread}: were they read?"


def test_the_scan_finds_a_secret_and_names_it_without_printing_it():
    scan = Scan({"MLC_PASSWORD": SENTINELS["MLC_PASSWORD"]})
    scan.text("stderr", "a run", f"login failed for password={SENTINELS['MLC_PASSWORD']}!")
    [finding] = scan.findings
    assert (finding.secret, finding.source) == ("MLC_PASSWORD", "stderr")
    assert SENTINELS["MLC_PASSWORD"] not in scan.report()
    assert "<MLC_PASSWORD>" in finding.context
