"""A throwaway Redis server for tests (Debian's redis-server, which `scripts/setup` installs):
loopback only, on a free port, nothing written to disk."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from track_assets_tests.support.postgres import free_port

REDIS_SERVER = "/usr/bin/redis-server"


@dataclass
class RedisServer:
    port: int
    folder: Path
    process: subprocess.Popen

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    @property
    def log(self) -> Path:
        return self.folder / "redis.log"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()  # SIGTERM: redis-server exits at once (no save configured)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start_redis() -> RedisServer:
    """redis-server on a free loopback port, without snapshots or an append-only file."""
    binary = REDIS_SERVER if Path(REDIS_SERVER).exists() else shutil.which("redis-server")
    if binary is None:
        raise RuntimeError(
            "redis-server not found; install it with `apt-get install -y redis-server` or run "
            "`make setup`"
        )
    folder = Path(tempfile.mkdtemp(prefix="track-assets-redis-"))
    # A free port can be taken by another process before redis binds it: then try another.
    for attempt in range(3):
        port = free_port()
        process = subprocess.Popen(
            [
                binary,
                *("--bind", "127.0.0.1", "--port", str(port), "--protected-mode", "yes"),
                *("--save", "", "--appendonly", "no", "--dir", str(folder)),
                *("--logfile", str(folder / "redis.log"), "--daemonize", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = RedisServer(port, folder, process)
        if _answers(server):
            return server
        process.kill()
        process.wait()
        if attempt == 2:
            log = server.log.read_text() if server.log.exists() else ""
            shutil.rmtree(folder, ignore_errors=True)
            raise RuntimeError(f"redis-server did not start on 127.0.0.1:{port}:\n{log[-2000:]}")
    raise AssertionError("unreachable")


def _answers(server: RedisServer, timeout: float = 10.0) -> bool:
    client = redis.Redis(host="127.0.0.1", port=server.port, socket_connect_timeout=0.5)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                return False  # it exited: most likely the port was taken
            try:
                if client.ping():
                    return True
            except redis.ConnectionError:
                time.sleep(0.05)
        return False
    finally:
        client.close()
