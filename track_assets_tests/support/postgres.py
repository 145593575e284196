"""A throwaway PostgreSQL server for tests: initdb in a temp dir, loopback only, fsync off."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2


def postgres_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH); "
        "install them with `apt-get install -y postgresql` or run `make setup`"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresServer:
    """One running cluster; `url(db)` gives a SQLAlchemy URL (psycopg2 driver, see docs/facts.md#sqlalchemy-and-database-urls)."""

    port: int
    data_dir: Path
    socket_dir: Path
    user: str
    _bin: Path
    _run_as: list[str]

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://{self.user}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} user={self.user} dbname={database}"

    def create_database(self, name: str, template: str | None = None, replace: bool = False) -> str:
        """A new database, empty or a copy of `template` (to which nobody may be connected);
        `replace` drops a database of that name first."""
        conn = psycopg2.connect(self.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            if replace:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
            copy_of = f' TEMPLATE "{template}"' if template else ""
            # PostgreSQL 15's default strategy writes the whole template to the WAL: for the
            # hundreds of small databases a test session creates, copying files is faster and
            # keeps the WAL (and the cluster's teardown) small.
            strategy = " STRATEGY FILE_COPY" if conn.server_version >= 150000 else ""
            cur.execute(f'CREATE DATABASE "{name}"{copy_of}{strategy}')
        conn.close()
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing whatever connections a test left open to it."""
        conn = psycopg2.connect(self.dsn())
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    def stop(self) -> None:
        subprocess.run(
            [
                *self._run_as,
                str(self._bin / "pg_ctl"),
                "-D",
                str(self.data_dir),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def start_postgres() -> PostgresServer:
    """initdb + start on a free loopback port. As root, runs as the `postgres` user (initdb refuses root)."""
    bin_dir = postgres_bin_dir()
    root = Path(tempfile.mkdtemp(prefix="track-assets-pg-"))
    data_dir, socket_dir = root / "data", root / "sock"
    socket_dir.mkdir()
    run_as: list[str] = []
    if os.geteuid() == 0:
        run_as = ["runuser", "-u", "postgres", "--"]
        account = pwd.getpwnam("postgres")
        os.chmod(root, 0o700)
        for path in (root, socket_dir):
            os.chown(path, account.pw_uid, account.pw_gid)
    user = "postgres"
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(data_dir),
            "-U",
            user,
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ],
        check=True,
        capture_output=True,
    )
    # A free port can be taken by another process (another xdist worker's server) before this
    # one binds it: then try another.
    for attempt in range(3):
        port = free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {socket_dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        started = subprocess.run(
            [
                *run_as,
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data_dir),
                "-o",
                options,
                "-l",
                str(root / "postgres.log"),
                "-w",
                "-t",
                "30",
                "start",
            ],
            capture_output=True,
        )
        if started.returncode == 0:
            break
        if attempt == 2:
            started.check_returncode()
    server = PostgresServer(port, data_dir, socket_dir, user, bin_dir, run_as)
    deadline = time.monotonic() + 15
    while True:
        try:
            psycopg2.connect(server.dsn()).close()
            return server
        except psycopg2.OperationalError:
            if time.monotonic() > deadline:
                server.stop()
                raise
            time.sleep(0.1)
