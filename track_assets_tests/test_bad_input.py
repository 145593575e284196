"""Bad input, one table: what a user might hand track_assets, how it is handed over, and the
outcome a careful user expects, written by hand. No case may end in a traceback, show a
password, create what it should not, or change what a database or the Dagster instance held.

A row (`Case`) is an id, the input (`given`), the runner that feeds it in (`run`) and the
expected outcome (`expected`, whose `verify` checks what the runner returned). Rows of another
kind bring their own given, runner and expectation and are appended to CASES: playlists whose
contents are hard, fetched (and enriched) by real Dagster runs on a sandbox (`PlaylistRun`),
and service payloads that are wrong, read by each service's real client from a sandbox that
serves them (`Payload`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol

import dagster as dg
import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from track_assets.accuracy import relaxed_resources
from track_assets.cli import main
from track_assets.db.engine import make_engine
from track_assets.db.migrate import alembic_config, current_revision, head_revision
from track_assets.db.records import Track
from track_assets.db.repository import (
    get_phase_status,
    get_playlist,
    get_track,
    latest_playlist_fetch,
    list_playlists,
    playlist_memberships,
    upsert_playlist,
    upsert_track,
)
from track_assets.db.tables import playlist_fetches, spotify_artists, tracks
from track_assets.defs.assets.playlist_tracks import playlist_tracks
from track_assets.defs.assets.spotify_track_metadata import spotify_track_metadata
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.services.chartmetric import MalformedResponse as ChartmetricMalformed
from track_assets.services.http import RetryPolicy
from track_assets.services.mlc import MalformedResponse as MlcMalformed
from track_assets.services.musicbrainz import MalformedResponse as MusicBrainzMalformed
from track_assets.services.spotify_api import MalformedResponse as WebApiMalformed
from track_assets.services.spotify_web import MalformedResponse as WebPlayerMalformed
from track_assets.settings import (
    CELERY_BROKER_VARIABLE,
    NIGHTLY_CRON_VARIABLE,
    RESOURCE_VARIABLES,
)
from track_assets_tests.support.database import connection
from track_assets_tests.support.hard_playlists import (
    BIG,
    CHARTED,
    EMPTY,
    MIXED,
    ONLY_EPISODES,
    ONLY_LOCAL,
    PRIVATE,
    UNUSUAL_ARTIST_NAME,
    UNUSUAL_NAMES,
    UNUSUAL_PLAYLIST_NAME,
    UNUSUAL_TRACK_NAMES,
    Changes,
    HardCatalog,
    Rows,
    TierSandboxes,
    changes,
    hard_sandboxes,
    requests_to,
    rows_of,
    table_rows,
)
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES
from track_assets_tests.support.reference import reference_json, reference_text
from track_assets_tests.support.served_bodies import ATTEMPTS as SERVED_ATTEMPTS
from track_assets_tests.support.served_bodies import HTML_PAGE, Clients, serving

REPO_ROOT = Path(__file__).resolve().parents[1]
TRACK_ASSETS = Path(sys.executable).with_name("track-assets")

PASSWORD = "S3cretPw"  # put in URLs; no output may show it
SEEDED = "5LkNhFidYyyjRWwnkcMbQs"  # the playlist the workspace's database and instance track
SEEDED_ONLY = frozenset({SEEDED})
UNKNOWN = "0000000000000000000000"  # well formed; whether Spotify has it is the fetch's question
UNREACHABLE = f"postgresql+psycopg2://track:{PASSWORD}@127.0.0.1:1/tracks"  # nothing on port 1
TYPO_SQLITE = "sqlite:///{ws}/typo-dir/typo.sqlite"

# Every variable track_assets reads: unset for each case unless the case sets it.
CONFIG_VARIABLES = frozenset(
    {
        "DAGSTER_HOME",
        NIGHTLY_CRON_VARIABLE,
        CELERY_BROKER_VARIABLE,
        *(variable for fields in RESOURCE_VARIABLES.values() for variable in fields.values()),
    }
)


# --- the workspace a case runs in ------------------------------------------------------------


@dataclass
class Workspace:
    """A fresh copy of the template: `home/` is DAGSTER_HOME, whose instance and SQLite database
    both track SEEDED. Files a case prepares are recorded, to be compared after it ran."""

    root: Path
    request: pytest.FixtureRequest
    prepared: dict[Path, object] = field(default_factory=dict)

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.home / 'track_assets.sqlite'}"

    def fill(self, value: str) -> str:
        """`value` with {ws} (this folder) and {postgres} (a new, empty database on the tests'
        live PostgreSQL server, addressed with PASSWORD) filled in."""
        if "{postgres}" in value:
            empty = make_url(self.request.getfixturevalue("postgres_url")).set(password=PASSWORD)
            value = value.replace("{postgres}", empty.render_as_string(hide_password=False))
        return value.replace("{ws}", str(self.root))

    def prepare(self, make: Callable[[Workspace], None]) -> None:
        before = set(self.root.rglob("*"))
        make(self)
        for path in set(self.root.rglob("*")) - before:
            if path.is_file() and not path.name.endswith(("-wal", "-shm")):
                self.prepared[path] = contents(path)


def contents(path: Path) -> object:
    """What a file holds: a SQLite database's SQL dump (opening one may rewrite its header),
    anything else's bytes."""
    if path.suffix == ".sqlite":
        with contextlib.closing(sqlite3.connect(path)) as conn:
            return list(conn.iterdump())
    return path.read_bytes()


@pytest.fixture(scope="module")
def template(tmp_path_factory, migrated_template) -> Path:
    root = tmp_path_factory.mktemp("bad_input")
    home = root / "home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    url = f"sqlite:///{home / 'track_assets.sqlite'}"
    migrated_template.copy_into(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        upsert_playlist(
            conn, spotify_playlist_id=SEEDED, url=f"https://open.spotify.com/playlist/{SEEDED}"
        )
        upsert_track(
            conn,
            Track(spotify_track_id="a" * 21 + "1", isrc="USAT22400001", fetch_method="web_player"),
        )
    engine.dispose()
    instance = dg.DagsterInstance.from_config(str(home))
    instance.add_dynamic_partitions("playlists", [SEEDED])
    instance.dispose()
    return root


@pytest.fixture
def workspace(template, tmp_path, request) -> Workspace:
    root = tmp_path / "workspace"
    shutil.copytree(template, root)
    return Workspace(root, request)


# --- command lines: the input, the two runners, the expected outcome -------------------------


@dataclass(frozen=True)
class Cli:
    """`track-assets ARGS` in the workspace folder, with DAGSTER_HOME its home (so the database
    is its SQLite file) and every other variable unset, then ENV (None unsets; {ws} and
    {postgres} as in `Workspace.fill`); `prepare` first adds files to the workspace."""

    args: tuple[str, ...]
    env: Mapping[str, str | None] = field(default_factory=dict)
    prepare: Callable[[Workspace], None] | None = None


@dataclass(frozen=True)
class Ran:
    exit_code: int
    stdout: str
    stderr: str  # with the traceback of any exception that escaped


def as_process(cli: Cli, ws: Workspace) -> Ran:
    """A real `track-assets` process: the exit code and output a shell user gets."""
    setting = _environment(cli, ws)
    env = {name: value for name, value in os.environ.items() if name not in CONFIG_VARIABLES}
    env.update({name: value for name, value in setting.items() if value is not None})
    done = subprocess.run(
        [str(TRACK_ASSETS), *cli.args],
        env=env,
        cwd=ws.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def in_process(cli: Cli, ws: Workspace) -> Ran:
    """The same command through click's CliRunner, in this process: for cases where what
    matters is the answer, not the process (an escaped exception is kept as its traceback)."""
    env = _environment(cli, ws)
    with contextlib.chdir(ws.root):
        result = CliRunner().invoke(main, list(cli.args), env=env)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(*result.exc_info))
    return Ran(result.exit_code, result.stdout, stderr)


def _environment(cli: Cli, ws: Workspace) -> dict[str, str | None]:
    if cli.prepare is not None:
        ws.prepare(cli.prepare)
    env: dict[str, str | None] = dict.fromkeys(CONFIG_VARIABLES)
    env["DAGSTER_HOME"] = str(ws.home)
    env.update({k: None if v is None else ws.fill(v) for k, v in cli.env.items()})
    return env


@dataclass(frozen=True)
class Exits:
    """What a careful user expects of a command line: its exit code, a phrase of its message
    (click's one `Error:` line when it fails, stdout when it succeeds), paths in the workspace
    it must not create, and what the workspace's database and instance track after it."""

    code: int
    says: str
    not_created: tuple[str, ...] = ()
    playlists: frozenset[str] = SEEDED_ONLY
    partitions: frozenset[str] = SEEDED_ONLY

    def verify(self, ran: Ran, ws: Workspace) -> None:
        everything = ran.stdout + ran.stderr
        assert "Traceback" not in everything, everything
        assert ran.exit_code == self.code, everything
        assert PASSWORD not in everything, everything
        message = error_line(ran.stderr) if self.code else ran.stdout
        assert self.says in message, everything
        for path in self.not_created:
            assert not (ws.root / path).exists(), f"{path} was created"
        assert_workspace_intact(ws, self.playlists, self.partitions)


def error_line(stderr: str) -> str:
    """click's one `Error: ...` line; a usage error (exit 2) prints usage and a hint before it."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    rest = [line for line in lines if not line.startswith(("Usage: ", "Try '"))]
    assert len(rest) == 1 and rest[0].startswith("Error: "), stderr
    return rest[0]


def assert_workspace_intact(ws: Workspace, playlists: frozenset[str], partitions: frozenset[str]):
    engine = make_engine(ws.database_url, create_missing=False)
    try:
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            assert {p.spotify_playlist_id for p in list_playlists(conn)} == playlists
            assert conn.execute(select(func.count()).select_from(tracks)).scalar_one() == 1
    finally:
        engine.dispose()
    instance = dg.DagsterInstance.from_config(str(ws.home))
    try:
        assert set(instance.get_dynamic_partitions("playlists")) == partitions
    finally:
        instance.dispose()
    for path, held in ws.prepared.items():
        assert contents(path) == held, f"{path.name} was changed"


# --- files a case prepares --------------------------------------------------------------------


def a_text_file(ws: Workspace) -> None:
    (ws.root / "notes.txt").write_text("my notes, not a database\n")


def another_apps_database(ws: Workspace) -> None:
    with contextlib.closing(sqlite3.connect(ws.root / "other-app.sqlite")) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
        conn.commit()


def a_database_at_revision_0005(ws: Workspace) -> None:
    engine = make_engine(f"sqlite:///{ws.root / 'old.sqlite'}")
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0005")
    engine.dispose()


# --- the table ----------------------------------------------------------------------------------


class Expectation(Protocol):
    def verify(self, outcome: Any, ws: Workspace) -> None:
        """Assert that `outcome` (what the case's runner returned) is the expected one, and
        that nothing in the workspace was corrupted."""


@dataclass(frozen=True)
class Case:
    """One row: `run(given, workspace)` feeds the input in; `expected.verify` judges it."""

    id: str
    given: Any
    run: Callable[[Any, Workspace], Any]
    expected: Expectation
    marks: tuple = ()


def url_case(case_id: str, args, url: str, expected: Exits, run=as_process, marks=(), **cli):
    """A command line run with TRACK_ASSETS_DATABASE_URL=`url` (a real process by default)."""
    cli_given = Cli(args, {"TRACK_ASSETS_DATABASE_URL": url}, **cli)
    return Case(case_id, cli_given, run, expected, marks)


def env_case(case_id: str, env: dict[str, str], says: str, args=("status",), run=in_process):
    """A command line run with a bad environment value: exit 1 saying `says`."""
    return Case(case_id, Cli(args, env), run, Exits(1, says))


def ref_case(case_id: str, *refs: str, says: str, command: str = "add") -> Case:
    """`track-assets playlists COMMAND REFS`: a usage error (exit 2) saying `says`."""
    return Case(case_id, Cli(("playlists", command, *refs)), in_process, Exits(2, says))


UPGRADE = "run `track-assets db upgrade`"
CANNOT_OPEN_UNREACHABLE = "cannot open the database postgresql+psycopg2://track:***@127.0.0.1:1/"
POSTGRES = (pytest.mark.postgres,)

CASES: list[Case] = [
    # Database URLs that are malformed or lead nowhere: one line, exit 1, nothing created.
    url_case("status/not-a-url", ("status",), "not a url", Exits(1, "cannot be read (not a URL)")),
    url_case(
        "list/port-not-a-number",
        ("playlists", "list"),
        f"postgresql+psycopg2://track:{PASSWORD}@db.example:notaport/tracks",
        Exits(1, "'postgresql+psycopg2://track:***@db.example:notaport/tracks' cannot be read"),
    ),
    url_case(
        "status/mysql",
        ("status",),
        f"mysql://track:{PASSWORD}@db.example/tracks",
        Exits(1, "is neither SQLite nor PostgreSQL"),
    ),
    url_case(
        "db-upgrade/bare-postgresql",
        ("db", "upgrade"),
        f"postgresql://track:{PASSWORD}@db.example/tracks",
        Exits(1, "Write it as 'postgresql+psycopg2://track:***@db.example/tracks'"),
    ),
    url_case("status/unreachable", ("status",), UNREACHABLE, Exits(1, CANNOT_OPEN_UNREACHABLE)),
    url_case(
        "list/unreachable", ("playlists", "list"), UNREACHABLE, Exits(1, "Connection refused")
    ),
    url_case(
        "export/unreachable",
        ("export",),
        UNREACHABLE,
        Exits(1, CANNOT_OPEN_UNREACHABLE, not_created=("exports",)),
    ),
    url_case("db-upgrade/unreachable", ("db", "upgrade"), UNREACHABLE, Exits(1, "host, port")),
    url_case(
        "add/unreachable",
        ("playlists", "add", UNKNOWN),
        UNREACHABLE,
        Exits(1, CANNOT_OPEN_UNREACHABLE),
    ),
    url_case(
        "events-serve/unreachable",
        ("events", "serve", "--port", "0"),
        UNREACHABLE,
        Exits(1, CANNOT_OPEN_UNREACHABLE),
    ),
    url_case(
        "status/no-such-postgres-database",
        ("status",),
        "{postgres}_typo",
        Exits(1, '_typo" does not exist'),
        run=in_process,
        marks=POSTGRES,
    ),
    url_case(
        "status/postgres-database-without-schema",
        ("status",),
        "{postgres}",
        Exits(1, f"has no track_assets schema; {UPGRADE}"),
        run=in_process,
        marks=POSTGRES,
    ),
    # A mistyped SQLite path: commands that only read say so and create nothing.
    url_case(
        "status/mistyped-sqlite-path",
        ("status",),
        TYPO_SQLITE,
        Exits(1, f"typo-dir/typo.sqlite does not exist; {UPGRADE}", not_created=("typo-dir",)),
    ),
    url_case(
        "list/mistyped-sqlite-path",
        ("playlists", "list", "--json"),
        TYPO_SQLITE,
        Exits(1, "typo.sqlite does not exist", not_created=("typo-dir",)),
        run=in_process,
    ),
    url_case(
        "export/mistyped-sqlite-path",
        ("export",),
        TYPO_SQLITE,
        Exits(1, "nothing to export", not_created=("typo-dir", "exports")),
        run=in_process,
    ),
    url_case(  # the partition stays: the database was never reached
        "remove/mistyped-sqlite-path",
        ("playlists", "remove", SEEDED),
        TYPO_SQLITE,
        Exits(1, "typo.sqlite does not exist", not_created=("typo-dir",)),
        run=in_process,
    ),
    Case(  # the default database is in DAGSTER_HOME
        "status/mistyped-dagster-home",
        Cli(("status",), {"DAGSTER_HOME": "{ws}/hoem"}),
        in_process,
        Exits(1, "hoem/track_assets.sqlite does not exist", not_created=("hoem",)),
    ),
    Case(
        "list/mistyped-dagster-home",
        Cli(
            ("playlists", "list"),
            {
                "DAGSTER_HOME": "{ws}/hoem",
                "TRACK_ASSETS_DATABASE_URL": "sqlite:///{ws}/home/track_assets.sqlite",
            },
        ),
        in_process,
        Exits(1, "hoem does not exist; set DAGSTER_HOME", not_created=("hoem",)),
    ),
    # An existing file that is not this version's database: named, left as it was.
    url_case(
        "status/another-apps-database",
        ("status",),
        "sqlite:///{ws}/other-app.sqlite",
        Exits(1, f"has no track_assets schema; {UPGRADE}"),
        run=in_process,
        prepare=another_apps_database,
    ),
    url_case(  # not migrated behind the user's back: `db upgrade` does that
        "status/older-schema",
        ("status", "--json"),
        "sqlite:///{ws}/old.sqlite",
        Exits(1, f"is at schema revision 0005, not this version's {head_revision()}"),
        run=in_process,
        prepare=a_database_at_revision_0005,
    ),
    url_case(
        "list/a-text-file",
        ("playlists", "list"),
        "sqlite:///{ws}/notes.txt",
        Exits(1, "file is not a database"),
        run=in_process,
        prepare=a_text_file,
    ),
    url_case(
        "db-upgrade/folder-is-a-file",
        ("db", "upgrade"),
        "sqlite:///{ws}/notes.txt/track_assets.sqlite",
        Exits(1, "cannot create the folder"),
        run=in_process,
        prepare=a_text_file,
    ),
    # Environment values: one line naming the variable and what it takes.
    env_case(
        "env/ttl-in-words",
        {"TRACK_ASSETS_STATIC_TTL_DAYS": "thirty"},
        "TRACK_ASSETS_STATIC_TTL_DAYS='thirty' is not a number; write a number above 0",
        run=as_process,
    ),
    env_case(
        "env/negative-ttl",
        {"TRACK_ASSETS_VOLATILE_TTL_HOURS": "-5"},
        "TRACK_ASSETS_VOLATILE_TTL_HOURS must be positive (got -5)",
        args=("playlists", "list"),
    ),
    env_case(
        "env/fractional-request-limit",
        {"MLC_MAX_REQUESTS": "2.5"},
        "MLC_MAX_REQUESTS must be a whole number (got 2.5)",
    ),
    env_case(
        "env/zero-rate-window",
        {"CHARTMETRIC_PER_SECONDS": "0"},
        "CHARTMETRIC_PER_SECONDS must be positive",
        args=("export",),
    ),
    env_case(
        "env/sandbox-as-boolean",
        {"TRACK_ASSETS_SANDBOX": "yes"},
        "TRACK_ASSETS_SANDBOX='yes' is not one of auto, on, off",
    ),
    env_case(
        "env/unknown-spotify-tier",
        {"SPOTIFY_API_TIER": "premium"},
        "SPOTIFY_API_TIER='premium' is not one of development, extended, auto",
        args=("playlists", "add", UNKNOWN),
    ),
    env_case(
        "env/webhook-url-unclosed-bracket",
        {"TRACK_ASSETS_WEBHOOK_URL": "http://[::1", "TRACK_ASSETS_WEBHOOK_SECRET": "s"},
        "TRACK_ASSETS_WEBHOOK_URL='http://[::1' is not an http(s) URL",
    ),
    env_case(
        "env/webhook-url-with-password",
        {
            "TRACK_ASSETS_WEBHOOK_URL": f"ftp://hook:{PASSWORD}@example.com/events",
            "TRACK_ASSETS_WEBHOOK_SECRET": "s",
        },
        "'ftp://hook:***@example.com/events' is not an http(s) URL",
    ),
    env_case(
        "env/webhook-without-secret",
        {"TRACK_ASSETS_WEBHOOK_URL": "https://example.com/hooks"},
        "set TRACK_ASSETS_WEBHOOK_SECRET",
    ),
    env_case(
        "env/relative-dagster-home",
        {"DAGSTER_HOME": "dagster_home"},
        "DAGSTER_HOME must be an absolute path",
    ),
    # Playlist references that are not a Spotify playlist: exit 2, nothing registered.
    ref_case(
        "add/other-site",
        "https://soundcloud.com/someone/sets/summer",
        says="'soundcloud.com' is not open.spotify.com",
    ),
    ref_case(
        "add/lookalike-host",
        f"https://open.spotify.com.evil.example/playlist/{SEEDED}",
        says="is not open.spotify.com",
    ),
    ref_case(
        "add/album-link",
        "https://open.spotify.com/album/4yS3vUFIaE2xilaeYz3p9q",
        says="a link to a Spotify album, not a playlist",
    ),
    ref_case(
        "add/track-uri",
        "spotify:track:5NcYCtoBkAGyxL5SCF64av",
        says="a Spotify track URI, not a playlist",
    ),
    ref_case("add/id-too-short", SEEDED[:-1], says="has 21 characters; Spotify ids have 22"),
    ref_case("add/id-too-long", SEEDED + "x", says="has 23 characters"),
    ref_case("add/id-with-underscore", SEEDED[:-1] + "_", says="outside 0-9, A-Z, a-z: '_'"),
    ref_case(
        "add/id-with-cyrillic-letter",
        SEEDED[:-1] + "\u041c",
        says="outside 0-9, A-Z, a-z: '\u041c'",
    ),
    ref_case("add/id-with-zero-width-space", SEEDED + "\u200b", says="outside 0-9, A-Z, a-z"),
    ref_case("add/empty", "", says="it is empty"),
    ref_case("add/blank", " \t ", says="it is empty"),
    ref_case("add/emoji", "🎵 summer hits 🎵", says="outside 0-9, A-Z, a-z"),
    ref_case("add/sql-text", "'; DROP TABLE tracks; --", says="outside 0-9, A-Z, a-z"),
    ref_case("add/unclosed-bracket-url", "https://[::1/playlist/x", says="not a readable URL"),
    ref_case(  # the valid one is not registered either: all or nothing
        "add/valid-and-artist-uri",
        UNKNOWN,
        "spotify:artist:7gXb99Sf9nNmpNYeAgIQFG",
        says="a Spotify artist URI",
    ),
    ref_case(
        "remove/sql-text", "'; DROP TABLE playlists; --", says="outside 0-9", command="remove"
    ),
    # Well-formed references are taken; only the fetch can ask Spotify whether one exists.
    Case(
        "add/unknown-but-well-formed",
        Cli(("playlists", "add", UNKNOWN)),
        in_process,
        Exits(
            0,
            f"{UNKNOWN}  added",
            playlists=SEEDED_ONLY | {UNKNOWN},
            partitions=SEEDED_ONLY | {UNKNOWN},
        ),
    ),
    Case(
        "add/already-tracked-by-url",
        Cli(("playlists", "add", f"https://open.spotify.com/playlist/{SEEDED}?si=x")),
        in_process,
        Exits(0, f"{SEEDED}  already tracked"),
    ),
]


# --- playlists whose contents are hard: phase 0 (and phase 1) on the sandbox ---------------------
#
# One catalog and one sandbox per Spotify tier for the module (support/hard_playlists.py says
# what each hand-made playlist holds). Each row runs real Dagster materializations on the
# workspace's database, which already tracks SEEDED and one track: whatever the playlist, those
# rows stay as they were, and no row is added but the playlist's own.


@dataclass
class HardInput:
    hard: HardCatalog
    sandboxes: TierSandboxes
    instance: dg.DagsterInstance
    _clients: Clients | None = None

    def clients(self) -> Clients:
        """The real clients on the development-tier sandbox, shared by the payload rows."""
        if self._clients is None:
            self._clients = Clients(
                self.sandboxes.server("development"), self.sandboxes.home("development")
            )
        return self._clients


@pytest.fixture(scope="module")
def hard_input(tmp_path_factory) -> Iterator[HardInput]:
    folder = tmp_path_factory.mktemp("hard_input")
    instance = dg.DagsterInstance.ephemeral()
    with hard_sandboxes(folder) as (hard, sandboxes):
        shared = HardInput(hard, sandboxes, instance)
        try:
            yield shared
        finally:
            if shared._clients is not None:
                shared._clients.close()
            instance.dispose()


SERVICES = ("spotify_api", "spotify_web", "chartmetric", "mlc", "musicbrainz")
PHASE_1 = "spotify_track_metadata"
METADATA_LOOKUP = "spotify_metadata"  # phase 1's per-track status (track_assets/phases.py)
ASSETS = {"playlist_tracks": playlist_tracks, PHASE_1: spotify_track_metadata}
CHROMIUM = (pytest.mark.chromium,)
QUIET_RUN = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}  # failures still say


@dataclass(frozen=True)
class Fault:
    """The next `times` requests to `endpoint` (the emulator's route label) of `service` get a
    scripted fault of `kind` (malformed: HTTP 200 with a cut-off body)."""

    service: str
    endpoint: str
    times: int
    kind: str = "malformed"


@dataclass(frozen=True)
class PlaylistRun:
    """Phase 0 of `playlist` on the sandbox of `tier`, then each asset of `then`, with `faults`
    scripted first. With faults the HTTP layer keeps its attempts but does not wait between
    them (the waits are the backoff's business, not this table's)."""

    playlist: str
    tier: str = "development"
    then: tuple[str, ...] = ()
    faults: tuple[Fault, ...] = ()


@dataclass
class Piped:
    """What the runs returned, the workspace database's rows after each, what they changed in
    it, what each emulator was asked, and how many scripted faults each fault met."""

    given: PlaylistRun
    hard: HardCatalog
    results: dict[str, dg.ExecuteInProcessResult]
    rows_after: dict[str, Rows]
    changes: Changes
    url: str
    requests: dict[str, dict[str, dict[str, int]]]
    faults_met: tuple[int, ...]

    @property
    def playlist(self) -> str:
        return self.given.playlist


def _no_wait(self: RetryPolicy, retry_number: int, rng: object) -> float:
    return 0.0


def through_the_pipeline(run: PlaylistRun, ws: Workspace) -> Piped:
    """Real materializations of phase 0, then of `run.then`, one run each as the jobs run them;
    a failed run ends the sequence."""
    shared: HardInput = ws.request.getfixturevalue("hard_input")
    sandbox = shared.sandboxes.server(run.tier)
    url = ws.database_url
    before = table_rows(url)
    sandbox.counters.reset()
    results: dict[str, dg.ExecuteInProcessResult] = {}
    rows_after: dict[str, Rows] = {}
    with pytest.MonkeyPatch.context() as patch:
        for name in OUTSIDE_VARIABLES:
            patch.delenv(name, raising=False)
        patch.setenv("DAGSTER_HOME", str(shared.sandboxes.home(run.tier)))
        if run.faults:
            patch.setattr(RetryPolicy, "backoff_delay", _no_wait)
        for fault in run.faults:
            sandbox.faults(fault.service).fail_next(
                fault.times, kind=fault.kind, endpoint=fault.endpoint
            )
        if not shared.instance.has_dynamic_partition(PLAYLISTS_PARTITION, run.playlist):
            shared.instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [run.playlist])
        try:
            for name in ("playlist_tracks", *run.then):
                result = dg.materialize(
                    [ASSETS[name]],
                    partition_key=run.playlist,
                    instance=shared.instance,
                    resources=relaxed_resources(url),
                    run_config=QUIET_RUN,
                    raise_on_error=False,
                )
                results[name] = result
                rows_after[name] = table_rows(url)
                if not result.success:
                    break
        finally:
            met = tuple(
                fault.times
                - sum(
                    left.remaining
                    for left in sandbox.faults(fault.service).pending()
                    if left.endpoint == fault.endpoint
                )
                for fault in run.faults
            )
            for service in SERVICES:
                sandbox.faults(service).clear()
    requests = {s: sandbox.counters.snapshot(s).requests for s in SERVICES}
    after = list(rows_after.values())[-1]
    return Piped(run, shared.hard, results, rows_after, changes(before, after), url, requests, met)


def _only_the_playlists_rows(piped: Piped, tracks: set[str]) -> None:
    """Every scripted fault met every attempt of a request; every row that was there is
    unchanged; rows were added only for this playlist (its row, its fetch, its memberships,
    the phase ledger) and for `tracks`."""
    for fault, met in zip(piped.given.faults, piped.faults_met, strict=True):
        assert met >= min(fault.times, ATTEMPTS), (fault, met)
    assert not piped.changes.changed, piped.changes.changed
    assert set(piped.changes.added_values("playlists", "spotify_playlist_id")) <= {piped.playlist}
    assert set(piped.changes.added_values("playlist_fetches", "playlist_id")) <= {piped.playlist}
    assert set(piped.changes.added_values("playlist_tracks", "playlist_id")) <= {piped.playlist}
    assert set(piped.changes.added_values("tracks", "spotify_track_id")) == tracks
    assert piped.changes.tracks_referenced() <= tracks


def _failure_of(result: dg.ExecuteInProcessResult, node: str) -> str:
    """The step's failure as a user reads it: the message of a `dg.Failure` the asset raised.
    An exception escaping the asset instead (a crash, which Dagster's retry policy would run
    again) fails the row."""
    failure = result.failure_data_for_node(node)
    assert failure is not None, f"{node} did not fail"
    crashed = failure.error.cls_name if failure.error else None
    assert failure.user_failure_data is not None, f"{node} crashed with {crashed}: {failure}"
    retried = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert not retried, f"{node} was retried: the same answer would come back"
    return failure.user_failure_data.description or ""


@dataclass(frozen=True)
class Fetched:
    """Phase 0 succeeds: one fetch recorded `succeeded` by `method`, its reason saying each of
    `reason` (the same reason in the materialization); the playlist's `tracks` track entries,
    and only they, stored as pending tracks, once each, at their first position, with their
    ISRC when the source gives one (`isrc`: the Web API and Chartmetric do, the web player
    never); its other entries counted skipped by kind (`skipped`, a track listed again as
    `duplicate`), so every entry is accounted for (a copy from Chartmetric keeps the order, in
    its own numbering); the playlist_has_tracks check passing only when there are tracks.
    `paged`: (service, endpoint, at least this many requests) for a playlist no single answer
    holds. Every scripted bad answer was asked for, through every attempt. Nothing else in the
    database changes."""

    method: str
    reason: tuple[str, ...]
    tracks: int
    skipped: Mapping[str, int] = field(default_factory=dict)
    paged: tuple[str, str, int] | None = None
    isrc: bool = False

    def verify(self, piped: Piped, ws: Workspace) -> None:
        hard, playlist = piped.hard, piped.playlist
        fetch_run = piped.results["playlist_tracks"]
        assert fetch_run.success, fetch_run.failure_data_for_node("playlist_tracks")
        expected = list(hard.tracks[playlist])
        assert len(expected) == self.tracks, "the hand count disagrees with the catalog"
        with connection(piped.url) as conn:
            fetches = conn.execute(
                select(playlist_fetches).where(playlist_fetches.c.playlist_id == playlist)
            ).all()
            members = [(m.position, m.track_id) for m in playlist_memberships(conn, playlist)]
        [fetch] = fetches
        assert (fetch.method, fetch.status) == (self.method, "succeeded"), fetch
        for phrase in self.reason:
            assert phrase in fetch.reason, (phrase, fetch.reason)
        metadata = fetch_run.asset_materializations_for_node("playlist_tracks")[0].metadata
        assert metadata["fetch_reason"].value == fetch.reason
        if self.method == "chartmetric":  # its copy numbers its own rows (no local files...)
            assert [t for _, t in members] == [t for _, t in expected]
        else:
            assert members == expected
        assert fetch.track_count == self.tracks
        assert (fetch.skipped_reasons or {}) == dict(self.skipped)
        entries = len(hard.catalog.playlists_by_id[playlist].items)
        assert fetch.track_count + fetch.skipped_count == entries
        stored = rows_of(piped.rows_after["playlist_tracks"], "tracks", "spotify_track_id")
        for _, track_id in expected:
            isrc = hard.isrc[track_id] if self.isrc else None
            row = stored[track_id]
            assert (row["enrichment_status"], row["isrc"]) == ("pending", isrc), row
        [check] = fetch_run.get_asset_check_evaluations()
        assert (check.check_name, check.passed) == ("playlist_has_tracks", self.tracks > 0)
        if self.paged is not None:
            service, endpoint, at_least = self.paged
            assert requests_to(piped.requests[service], endpoint) >= at_least, piped.requests
        _only_the_playlists_rows(piped, {t for _, t in expected})


@dataclass(frozen=True)
class FetchFailed:
    """Phase 0 fails as one clean step failure (a `dg.Failure`, not an exception escaping the
    asset, and not retried) whose message says each of `says`; the fetch recorded `failed`
    with that message as its reason; no track or membership stored, and nothing else in the
    database changes (the playlist's row is added for its fetch)."""

    says: tuple[str, ...]

    def verify(self, piped: Piped, ws: Workspace) -> None:
        message = _failure_of(piped.results["playlist_tracks"], "playlist_tracks")
        for phrase in self.says:
            assert phrase in message, (phrase, message)
        with connection(piped.url) as conn:
            fetch = latest_playlist_fetch(conn, piped.playlist)
        assert fetch is not None and fetch.status == "failed", fetch
        assert fetch.reason == message
        _only_the_playlists_rows(piped, set())


@dataclass(frozen=True)
class Enriched:
    """Phase 0 as `fetched` says, then phase 1 succeeds: every stored track's metadata is done
    with the catalog's ISRC, except `failed` of them, recorded failed with a reason starting
    `reason` and a retry time within the day, their ISRC as phase 0 left it; the
    materialization counts them. Nothing else in the database changes."""

    fetched: Fetched
    failed: int = 0
    reason: str = ""

    def verify(self, piped: Piped, ws: Workspace) -> None:
        self.fetched.verify(piped, ws)
        run = piped.results[PHASE_1]
        assert run.success, run.failure_data_for_node(PHASE_1)
        ids = piped.hard.track_ids(piped.playlist)
        with connection(piped.url) as conn:
            statuses = {t: get_phase_status(conn, t, METADATA_LOOKUP) for t in ids}
            isrcs = {t: get_track(conn, t).isrc for t in ids}
        failed = {t for t, s in statuses.items() if s.status == "failed"}
        assert len(failed) == self.failed, statuses
        fetched = rows_of(piped.rows_after["playlist_tracks"], "tracks", "spotify_track_id")
        enriched = rows_of(piped.rows_after[PHASE_1], "tracks", "spotify_track_id")
        for track_id in failed:
            status = statuses[track_id]
            assert status.reason.startswith(self.reason), status.reason
            assert status.next_retry_at is not None
            assert status.next_retry_at - status.updated_at <= timedelta(days=1)
            assert enriched[track_id] == fetched[track_id], "a failed track's row changed"
        for track_id in set(ids) - failed:
            assert statuses[track_id].status == "done", statuses[track_id]
            assert isrcs[track_id] == piped.hard.isrc[track_id]
        by_status = run.asset_materializations_for_node(PHASE_1)[0].metadata["statuses"].value
        assert by_status.get("failed", 0) == self.failed, by_status


@dataclass(frozen=True)
class NamesKept:
    """Phase 0 as `fetched` says, then phase 1: the playlist's and tracks' names (SQL text,
    emoji, right-to-left and CJK scripts, a combining accent, quotes) read back from the
    database exactly as the catalog spells them after each phase (the web player's, then the
    Web API's), and the performing artist's after phase 1."""

    fetched: Fetched
    playlist: str
    tracks: tuple[str, ...]
    artist: str

    def verify(self, piped: Piped, ws: Workspace) -> None:
        self.fetched.verify(piped, ws)
        assert piped.results[PHASE_1].success
        ids = piped.hard.track_ids(piped.playlist)
        fetched = rows_of(piped.rows_after["playlist_tracks"], "tracks", "spotify_track_id")
        assert tuple(fetched[t]["name"] for t in ids) == self.tracks
        with connection(piped.url) as conn:
            assert get_playlist(conn, piped.playlist).name == self.playlist
            assert tuple(get_track(conn, t).name for t in ids) == self.tracks
            artist = conn.execute(
                select(spotify_artists.c.name).where(
                    spotify_artists.c.spotify_artist_id == piped.hard.unusual_artist
                )
            ).scalar_one()
        assert artist == self.artist


def playlist_case(case_id: str, run: PlaylistRun, expected: Expectation, marks=()) -> Case:
    chromium = CHROMIUM if run.tier == "development" else ()
    return Case(case_id, run, through_the_pipeline, expected, (*chromium, *marks))


ATTEMPTS = SERVED_ATTEMPTS["spotify_api"]  # the HTTP layer's attempts at one request
ATTEMPTS_MB = SERVED_ATTEMPTS["musicbrainz"]
WEB_PLAYER_DECLINES = "spotify_api: HTTP 403 (in Development Mode"
NOT_TRACKED = "chartmetric: does not track this playlist"
FETCH_PLAYLIST = "/pathfinder/v2/query#fetchPlaylist"  # the web player emulator's route labels
CM_PLAYLIST_TRACKS = "/api/playlist/{platform}/{playlist_id}/{span}/tracks"
WEB_API_TRACK = "/v1/tracks/{id}"
PRIVATE_IS_SERVED = pytest.mark.xfail(
    strict=True,
    reason=(
        "the sandbox serves a playlist its catalog marks public: false (no emulator reads "
        "`public`), where Spotify answers a client that is not its owner as for no playlist "
        "(pathfinder playlistV2 NotFound); fix in track_assets/sandbox/emulators"
    ),
)

PLAYLIST_CASES: list[Case] = [
    playlist_case(  # private: Spotify shows it to nobody but its owner
        "playlist/private",
        PlaylistRun(PRIVATE),
        FetchFailed((NOT_TRACKED, "web_player: no such public playlist", "exists and is public")),
        marks=(PRIVATE_IS_SERVED,),
    ),
    playlist_case(
        "playlist/empty",
        PlaylistRun(EMPTY),
        Fetched("web_player", (NOT_TRACKED, WEB_PLAYER_DECLINES, "used web_player"), tracks=0),
    ),
    playlist_case(
        "playlist/only-local-files",
        PlaylistRun(ONLY_LOCAL),
        Fetched("web_player", (NOT_TRACKED, "used web_player"), tracks=0, skipped={"local": 3}),
    ),
    playlist_case(
        "playlist/only-podcast-episodes",
        PlaylistRun(ONLY_EPISODES),
        Fetched("web_player", ("used web_player",), tracks=0, skipped={"episode": 3}),
    ),
    playlist_case(  # the Web API sends an episode only when asked for episodes too
        "playlist/only-podcast-episodes/extended-tier",
        PlaylistRun(ONLY_EPISODES, tier="extended"),
        Fetched("spotify_api", (f"{NOT_TRACKED}: used spotify_api",), 0, {"episode": 3}),
    ),
    playlist_case(
        "playlist/tracks-local-episode-unavailable-and-a-repeat",
        PlaylistRun(MIXED, then=(PHASE_1,)),
        Enriched(
            Fetched(
                "web_player",
                ("used web_player",),
                tracks=3,
                skipped={"local": 1, "episode": 1, "unavailable": 1, "duplicate": 1},
            )
        ),
    ),
    playlist_case(
        "playlist/tracks-local-episode-unavailable-and-a-repeat/extended-tier",
        PlaylistRun(MIXED, tier="extended", then=(PHASE_1,)),
        Enriched(
            Fetched(
                "spotify_api",
                ("used spotify_api",),
                tracks=3,
                skipped={"local": 1, "episode": 1, "unavailable": 1, "duplicate": 1},
                isrc=True,
            )
        ),
    ),
    playlist_case(  # 10,000 entries: 5 tracks (first, quarters, last), locals and gaps between
        "playlist/10000-items",
        PlaylistRun(BIG),
        Fetched(
            "web_player",
            ("used web_player",),
            tracks=5,
            skipped={"local": 4999, "unavailable": 4996},
            paged=("spotify_web", FETCH_PLAYLIST, 100),  # at most 100 entries an answer
        ),
    ),
    playlist_case(
        "playlist/10000-items/extended-tier",
        PlaylistRun(BIG, tier="extended"),
        Fetched(
            "spotify_api",
            ("used spotify_api",),
            tracks=5,
            skipped={"local": 4999, "unavailable": 4996},
            paged=("spotify_api", "/v1/playlists/{id}/items", 100),
            isrc=True,
        ),
    ),
    playlist_case(
        "playlist/unknown-id",
        PlaylistRun(UNKNOWN),
        FetchFailed(
            (
                f"Playlist {UNKNOWN}",
                NOT_TRACKED,
                "spotify_api: HTTP 404",
                "web_player: no such public playlist",
                "Check that the playlist exists and is public",
            )
        ),
    ),
    playlist_case(
        "playlist/names-with-sql-text-emoji-and-scripts",
        PlaylistRun(UNUSUAL_NAMES, then=(PHASE_1,)),
        NamesKept(
            Fetched("web_player", ("used web_player",), tracks=3),
            UNUSUAL_PLAYLIST_NAME,
            UNUSUAL_TRACK_NAMES,
            UNUSUAL_ARTIST_NAME,
        ),
    ),
    # Answers that stay unreadable through every attempt, in the middle of a fetch.
    playlist_case(  # the only source that can serve in this tier sends cut-off pages
        "playlist/web-player-pages-cut-off",
        PlaylistRun(MIXED, faults=(Fault("spotify_web", FETCH_PLAYLIST, 2 * ATTEMPTS),)),
        FetchFailed(
            (
                NOT_TRACKED,
                "web_player: Unreadable web player response for fetchPlaylist",
                "An answer could not be read: rerun later",
            )
        ),
    ),
    playlist_case(  # Chartmetric's copy cannot be read: Spotify serves the playlist
        "playlist/chartmetric-copy-cut-off",
        PlaylistRun(CHARTED, faults=(Fault("chartmetric", CM_PLAYLIST_TRACKS, ATTEMPTS),)),
        Fetched("web_player", ("chartmetric: chartmetric GET", "malformed", "used web_player"), 4),
    ),
    playlist_case(  # Spotify's answer to "is the copy current?" cannot be read: kept, unchecked
        "playlist/spotify-check-of-the-copy-cut-off",
        PlaylistRun(CHARTED, faults=(Fault("spotify_web", FETCH_PLAYLIST, 2 * ATTEMPTS),)),
        Fetched(
            "chartmetric",
            ("not checked against Spotify", "web_player: Unreadable web player response"),
            tracks=4,
            isrc=True,
        ),
    ),
    # One track whose answer stays malformed costs that track, never the playlist.
    playlist_case(
        "pipeline/one-track-answer-stays-cut-off",
        PlaylistRun(
            MIXED, then=(PHASE_1,), faults=(Fault("spotify_api", WEB_API_TRACK, 2 * ATTEMPTS),)
        ),
        Enriched(
            Fetched(
                "web_player",
                ("used web_player",),
                tracks=3,
                skipped={"local": 1, "episode": 1, "unavailable": 1, "duplicate": 1},
            ),
            failed=1,
            reason="MalformedResponse: Spotify Web API GET /v1/tracks/{id} sent a malformed answer",
        ),
    ),
]


# --- service payloads that are wrong, through each service's real client ------------------------


@dataclass(frozen=True)
class Payload:
    """`call(client, hard)` on the real client of `service` (on the development-tier sandbox)
    while the sandbox answers the next `times` requests to `endpoint` with `body` (HTTP 200,
    `media_type`), or with its own cut-off body when `body` is None. `warm(client, hard)` runs
    first, with nothing scripted (the web player's session opens a page that sends the same
    query)."""

    service: str
    endpoint: str
    call: Callable[[Any, HardCatalog], Any]
    body: bytes | str | None = None
    times: int = 1
    media_type: str = "application/json"
    warm: Callable[[Any, HardCatalog], Any] | None = None


@dataclass(frozen=True)
class Called:
    value: Any
    error: BaseException | None
    unserved: int  # scripted answers the client never asked for


def through_the_client(payload: Payload, ws: Workspace) -> Called:
    shared: HardInput = ws.request.getfixturevalue("hard_input")
    sandbox = shared.sandboxes.server("development")
    client = shared.clients().get(payload.service)
    if payload.warm is not None:
        payload.warm(client, shared.hard)
    if payload.body is None:  # the sandbox's own cut-off body
        sandbox.faults(payload.service).fail_next(
            payload.times, kind="malformed", endpoint=payload.endpoint
        )
        scripted: contextlib.AbstractContextManager = contextlib.nullcontext()
    else:
        scripted = serving(
            sandbox,
            payload.service,
            payload.endpoint,
            payload.body,
            payload.times,
            payload.media_type,
        )
    value, error = None, None
    with scripted:
        try:
            value = payload.call(client, shared.hard)
        except Exception as raised:  # judged by the expectation: only one type is right
            error = raised
        unserved = sum(f.remaining for f in sandbox.faults(payload.service).pending())
    sandbox.faults(payload.service).clear()
    return Called(value, error, unserved)


@dataclass(frozen=True)
class Raises:
    """The service's own `MalformedResponse` (exactly that class, never another exception),
    its message naming `names` (the key path, or what the body is), after the client asked as
    many times as the answer was scripted."""

    error: type[Exception]
    names: str

    def verify(self, called: Called, ws: Workspace) -> None:
        assert called.error is not None, f"no error; returned {called.value!r}"
        assert type(called.error) is self.error, "".join(traceback.format_exception(called.error))
        assert self.names in str(called.error), str(called.error)
        assert called.unserved == 0, f"{called.unserved} scripted answers never asked for"


@dataclass(frozen=True)
class Kept:
    """Well-formed text however unusual: the value comes back exactly."""

    value: str

    def verify(self, called: Called, ws: Workspace) -> None:
        assert called.error is None, "".join(traceback.format_exception(called.error))
        assert called.value == self.value
        assert called.unserved == 0


def payload_case(case_id: str, payload: Payload, expected: Expectation) -> Case:
    chromium = CHROMIUM if payload.service == "spotify_web" else ()
    return Case(case_id, payload, through_the_client, expected, chromium)


def edited_json(recording: str, edit: Callable[[Any], None]) -> str:
    """A recorded body (track_assets_tests/fixtures/reference/) with one hand edit."""
    data = reference_json(recording)
    edit(data)
    return json.dumps(data)


def edited_text(recording: str, old: str, new: str) -> str:
    text = reference_text(recording)
    assert old in text, old
    return text.replace(old, new, 1)


def _any_track(hard: HardCatalog) -> str:
    return hard.track_ids(MIXED)[0]


def _cm_track(hard: HardCatalog) -> int:
    return hard.catalog.cm_tracks[0].id


def _isrc(hard: HardCatalog) -> str:
    return hard.catalog.mlc_recordings[0].isrc


def _mb_artist(hard: HardCatalog) -> str:
    return hard.catalog.mb_artists[0].mbid


def _web_player_warm(client, hard: HardCatalog) -> None:
    """Opens the session and learns the getTrack and fetchPlaylist queries."""
    client.track_play_counts([_any_track(hard)])
    client.playlist_first_page(MIXED)


WEB_API_TRACK_2024 = "spotify/webapi/track_5NcYCtoBkAGyxL5SCF64av_2024.json"
GET_TRACK_2026 = "spotify/webplayer/pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.trimmed.json"
FETCH_PLAYLIST_2026 = (
    "spotify/webplayer/pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.trimmed.json"
)
KASABIAN_XML = "musicbrainz/xml/lookup-artist_url-rels_kasabian_2024.xml"
WORK_SEARCH_XML = "musicbrainz/xml/search-work_my-best-friend_musicbrainzngs.xml"
MB_NAMESPACE = ' xmlns="http://musicbrainz.org/ns/mmd-2.0#"'
CM_TRACK = "/api/track/{cm_id}"
MLC_RECORDINGS = "/search/recordings"
MLC_WORK = "/work/id/{song_code}"
MB_ARTIST = "/ws/2/artist/{ident}"
MB_WORK_SEARCH = "/ws/2/work/"  # musicbrainzngs asks /ws/2/work/?query=...
UNUSUAL_TEXT = (
    "Bj\u00f6rk & \u0411\u0458\u043e\u0440\u043a '; DROP TABLE tracks; -- \U0001f3b5 \u97f3"
)


def _web_api_track(client, hard):
    return client.track(_any_track(hard))


def _play_count(client, hard):
    return client.track_play_counts([_any_track(hard)])


def _first_page(client, hard):
    return client.playlist_first_page(MIXED)


def _cm_track_info(client, hard):
    return client.track(_cm_track(hard))


def _cm_track_name(client, hard):
    return client.track(_cm_track(hard)).name


def _mlc_recordings(client, hard):
    return client.recordings_by_isrc(_isrc(hard))


def _mlc_title(client, hard):
    return client.recordings_by_isrc(_isrc(hard))[0].title


def _mlc_work(client, hard):
    return client.work(hard.catalog.mlc_works[0].song_code)


def _mb_artist_record(client, hard):
    return client.artist(_mb_artist(hard))


def _mb_artist_name(client, hard):
    return client.artist(_mb_artist(hard)).name


def _mb_works_titled(client, hard):
    return client.count_works_titled("My Best Friend")


def _set(path: tuple[str, ...], value: Any) -> Callable[[Any], None]:
    def edit(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return edit


def _drop(path: tuple[str, ...]) -> Callable[[Any], None]:
    def edit(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]

    return edit


CM_TRACK_BODY = {  # GET /api/track/{id}, in the documented shape (docs/services.md#chartmetric)
    "obj": {
        "id": 12345,
        "name": "Sunburst",
        "isrc": "GBAHT1600302",
        "cm_statistics": {"sp_popularity": 61, "num_sp_playlists": 12},
    }
}
MLC_RECORDING = {  # POST /search/recordings, one hit (docs/services.md#mlc-search-endpoints)
    "id": "618075427",
    "isrc": "NGV002552566",
    "title": "SAY LESS",
    "artist": "MALIK SOL",
    "labels": "COPPERLINE RECORDS",
    "mlcsongCode": "ULMU7E",
}


def _cm_body(**changes: Any) -> str:
    return json.dumps({"obj": {**CM_TRACK_BODY["obj"], **changes}}, ensure_ascii=False)


PAYLOAD_CASES: list[Case] = [
    # The Spotify Web API: GET /v1/tracks/{id}.
    payload_case(
        "payload/spotify-api/cut-off-json",
        Payload("spotify_api", WEB_API_TRACK, _web_api_track, times=ATTEMPTS),
        Raises(WebApiMalformed, "the body is not JSON"),
    ),
    payload_case(
        "payload/spotify-api/html-page",
        Payload("spotify_api", WEB_API_TRACK, _web_api_track, HTML_PAGE, ATTEMPTS, "text/html"),
        Raises(WebApiMalformed, "the body is not JSON"),
    ),
    payload_case(
        "payload/spotify-api/wrong-type",
        Payload(
            "spotify_api",
            WEB_API_TRACK,
            _web_api_track,
            edited_json(WEB_API_TRACK_2024, _set(("duration_ms",), "189389")),
        ),
        Raises(WebApiMalformed, "$.duration_ms is a string, not a whole number"),
    ),
    payload_case(
        "payload/spotify-api/missing-field",
        Payload(
            "spotify_api",
            WEB_API_TRACK,
            _web_api_track,
            edited_json(WEB_API_TRACK_2024, _drop(("album", "name"))),
        ),
        Raises(WebApiMalformed, "$.album.name is missing"),
    ),
    # The web player: pathfinder getTrack and fetchPlaylist.
    payload_case(
        "payload/web-player/cut-off-json",
        Payload(
            "spotify_web",
            "/pathfinder/v2/query#getTrack",
            _play_count,
            times=ATTEMPTS,
            warm=_web_player_warm,
        ),
        Raises(WebPlayerMalformed, "getTrack of track"),
    ),
    payload_case(
        "payload/web-player/html-page",
        Payload(
            "spotify_web",
            "/pathfinder/v2/query#getTrack",
            _play_count,
            HTML_PAGE,
            ATTEMPTS,
            "text/html",
            warm=_web_player_warm,
        ),
        Raises(WebPlayerMalformed, "the body is not JSON"),
    ),
    payload_case(
        "payload/web-player/wrong-type",
        Payload(
            "spotify_web",
            "/pathfinder/v2/query#getTrack",
            _play_count,
            edited_json(GET_TRACK_2026, _set(("data", "trackUnion", "playcount"), [1, 2])),
            warm=_web_player_warm,
        ),
        Raises(WebPlayerMalformed, "trackUnion.playcount is [1, 2], not a number"),
    ),
    payload_case(
        "payload/web-player/missing-field",
        Payload(
            "spotify_web",
            FETCH_PLAYLIST,
            _first_page,
            edited_json(FETCH_PLAYLIST_2026, _drop(("data", "playlistV2", "content", "items"))),
            warm=_web_player_warm,
        ),
        Raises(WebPlayerMalformed, "no list at items"),
    ),
    # Chartmetric: GET /api/track/{id}.
    payload_case(
        "payload/chartmetric/cut-off-json",
        Payload("chartmetric", CM_TRACK, _cm_track_info, times=ATTEMPTS),
        Raises(ChartmetricMalformed, "malformed response at '(body)': not valid JSON"),
    ),
    payload_case(
        "payload/chartmetric/html-page",
        Payload("chartmetric", CM_TRACK, _cm_track_info, HTML_PAGE, ATTEMPTS, "text/html"),
        Raises(ChartmetricMalformed, "malformed response at '(body)': not valid JSON"),
    ),
    payload_case(
        "payload/chartmetric/wrong-type",
        Payload(
            "chartmetric",
            CM_TRACK,
            _cm_track_info,
            _cm_body(cm_statistics={"sp_popularity": "61%"}),
        ),
        Raises(ChartmetricMalformed, "at 'obj.cm_statistics.sp_popularity': expected a whole"),
    ),
    payload_case(
        "payload/chartmetric/missing-field",
        Payload("chartmetric", CM_TRACK, _cm_track_info, _cm_body(id=None)),
        Raises(ChartmetricMalformed, "at 'obj.id': missing"),
    ),
    # The MLC: POST /search/recordings and GET /work/id/{code}.
    payload_case(
        "payload/mlc/cut-off-json",
        Payload("mlc", MLC_RECORDINGS, _mlc_recordings, times=ATTEMPTS),
        Raises(MlcMalformed, "malformed response at '(body)': not valid JSON"),
    ),
    payload_case(
        "payload/mlc/html-page",
        Payload("mlc", MLC_RECORDINGS, _mlc_recordings, HTML_PAGE, ATTEMPTS, "text/html"),
        Raises(MlcMalformed, "malformed response at '(body)': not valid JSON"),
    ),
    payload_case(
        "payload/mlc/wrong-type",
        Payload(
            "mlc", MLC_RECORDINGS, _mlc_recordings, json.dumps([{**MLC_RECORDING, "isrc": 42}])
        ),
        Raises(MlcMalformed, "at '[0].isrc': expected a string, got int"),
    ),
    payload_case(
        "payload/mlc/missing-field",
        Payload(
            "mlc",
            MLC_WORK,
            _mlc_work,
            json.dumps({"primaryTitle": "SAY LESS", "iswc": None, "writers": [], "publishers": []}),
        ),
        Raises(MlcMalformed, "at '(body).mlcSongCode': missing"),
    ),
    # MusicBrainz: XML through musicbrainzngs.
    payload_case(
        "payload/musicbrainz/cut-off-xml",
        Payload("musicbrainz", MB_ARTIST, _mb_artist_record, times=ATTEMPTS_MB),
        Raises(MusicBrainzMalformed, "malformed response at '(body)'"),
    ),
    payload_case(
        "payload/musicbrainz/html-page",
        Payload("musicbrainz", MB_ARTIST, _mb_artist_record, HTML_PAGE, ATTEMPTS_MB, "text/html"),
        Raises(MusicBrainzMalformed, "malformed response at '(body)'"),
    ),
    payload_case(
        "payload/musicbrainz/xml-without-the-mmd-2.0-namespace",
        Payload(
            "musicbrainz",
            MB_ARTIST,
            _mb_artist_record,
            edited_text(KASABIAN_XML, MB_NAMESPACE, ""),
            ATTEMPTS_MB,
            "application/xml",
        ),
        Raises(MusicBrainzMalformed, "malformed response at '(body)'"),
    ),
    payload_case(
        "payload/musicbrainz/missing-field",
        Payload(
            "musicbrainz",
            MB_ARTIST,
            _mb_artist_record,
            edited_text(KASABIAN_XML, "<name>Kasabian</name>", ""),
            media_type="application/xml",
        ),
        Raises(MusicBrainzMalformed, "malformed response at 'name': missing"),
    ),
    payload_case(
        "payload/musicbrainz/wrong-type",
        Payload(
            "musicbrainz",
            MB_WORK_SEARCH,
            _mb_works_titled,
            edited_text(WORK_SEARCH_XML, 'count="174"', 'count="many"'),
            ATTEMPTS_MB,  # musicbrainzngs itself cannot read it: asked again, like a cut-off
            "application/xml",
        ),
        Raises(
            MusicBrainzMalformed,
            "at '(body)': ValueError: invalid literal for int() with base 10: 'many'",
        ),
    ),
    # Well-formed text however unusual is kept exactly.
    payload_case(
        "payload/musicbrainz/unusual-text-kept",
        Payload(
            "musicbrainz",
            MB_ARTIST,
            _mb_artist_name,
            edited_text(
                KASABIAN_XML,
                "<name>Kasabian</name>",
                "<name>Bj&#246;rk &amp; \u0411\u0458\u043e\u0440\u043a &apos;; DROP TABLE "
                "tracks; -- \U0001f3b5 \u97f3</name>",
            ),
            media_type="application/xml",
        ),
        Kept(UNUSUAL_TEXT),
    ),
    payload_case(
        "payload/chartmetric/unusual-text-kept",
        Payload("chartmetric", CM_TRACK, _cm_track_name, _cm_body(name=UNUSUAL_TEXT)),
        Kept(UNUSUAL_TEXT),
    ),
    payload_case(
        "payload/mlc/unusual-text-kept",
        Payload(
            "mlc",
            MLC_RECORDINGS,
            _mlc_title,
            json.dumps([{**MLC_RECORDING, "title": UNUSUAL_TEXT}], ensure_ascii=False),
        ),
        Kept(UNUSUAL_TEXT),
    ),
]

CASES += PLAYLIST_CASES + PAYLOAD_CASES


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(case: Case, workspace: Workspace) -> None:
    outcome = case.run(case.given, workspace)
    case.expected.verify(outcome, workspace)
