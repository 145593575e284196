"""Runs `dagster dev -w workspace.yaml` (webserver and daemon) for a test, and stops it with
everything it started."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DAGSTER = Path(sys.executable).with_name("dagster")


@contextmanager
def dagster_dev(
    port: int, env: dict[str, str], stderr, stop_timeout: float = 60
) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [str(DAGSTER), "dev", "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        # dagster dev stops cleanly on SIGINT; a non-interactive parent may have it ignored.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        start_new_session=True,  # its own process group: nothing it started outlives the test
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=stop_timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        # A code server whose heartbeat never noticed dagster dev had gone was seen still running
        # 40 minutes later: end whatever of the group is left.
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def stop_process_group(process: subprocess.Popen, timeout: float) -> None:
    """Stop a process started with `start_new_session=True` as Ctrl-C stops it in a terminal
    (SIGINT to its whole group), then kill whatever of the group is left."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
