"""Runs what `make dev` runs (the Makefile's own commands, read with `make -n`) for a test, on a
free port and a temporary DAGSTER_HOME, and stops it with everything it started."""

from __future__ import annotations

import shlex
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from track_assets_tests.support.dagster_dev import REPO_ROOT, stop_process_group

MAKEFILE_DEV_PORT = (
    "3000"  # the port the Makefile's `dagster dev -p` gives; a test takes a free one
)


def make_dev_commands(port: int) -> list[list[str]]:
    """The commands `make dev` runs after `setup` (`make -n -o setup dev`), each as argv, with
    `dagster dev`'s port replaced by `port` so a test never takes a developer's port 3000."""
    printed = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", "setup", "dev"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    commands = [shlex.split(line) for line in printed.splitlines() if line.strip()]
    served = [c for c in commands if "dev" in c and any(Path(w).name == "dagster" for w in c)]
    assert len(served) == 1, f"no single `dagster dev` command in `make -n dev`: {printed}"
    [command] = served
    at = command.index("-p") + 1
    assert command[at] == MAKEFILE_DEV_PORT, f"the Makefile's dagster dev port changed: {command}"
    command[at] = str(port)
    return commands


@contextmanager
def make_dev(port: int, env: dict[str, str], log) -> Iterator[subprocess.Popen]:
    """`make dev`'s commands with `env` (its DAGSTER_HOME a test's own): the ones before the
    server run to completion, the server (scripts/with_sandbox: the sandbox, then dagster dev)
    is yielded, in a process group of its own. Stopped as Ctrl-C stops it in a terminal (SIGINT
    to the whole group), then whatever of the group is left is killed."""
    *before, serve = make_dev_commands(port)
    for command in before:
        subprocess.run(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log, check=True, timeout=120
        )
    process = subprocess.Popen(
        serve,
        cwd=REPO_ROOT,
        env=env,
        stdout=log,
        stderr=log,
        # A non-interactive parent may have SIGINT ignored; a terminal's make dev has it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        start_new_session=True,
    )
    try:
        yield process
    finally:
        stop_process_group(process, timeout=60)
