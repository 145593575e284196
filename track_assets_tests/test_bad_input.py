"""Bad input, one table: what a user might hand track_assets, how it is handed over, and the
outcome a careful user expects, written by hand. No case may end in a traceback, show a
password, create what it should not, or change what a database or the Dagster instance held.

A row (`Case`) is an id, the input (`given`), the runner that feeds it in (`run`) and the
expected outcome (`expected`, whose `verify` checks what the runner returned). Rows of another
kind (service payloads) bring their own given, runner and expectation and are appended to CASES.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import sys
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import dagster as dg
import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from track_assets.cli import main
from track_assets.db.engine import make_engine
from track_assets.db.migrate import alembic_config, current_revision, head_revision
from track_assets.db.records import Track
from track_assets.db.repository import list_playlists, upsert_playlist, upsert_track
from track_assets.db.tables import tracks
from track_assets.settings import NIGHTLY_CRON_VARIABLE, RESOURCE_VARIABLES

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


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(case: Case, workspace: Workspace) -> None:
    outcome = case.run(case.given, workspace)
    case.expected.verify(outcome, workspace)
