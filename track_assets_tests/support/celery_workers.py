"""`dagster-celery worker start` processes as a deployment starts them, each as if on a machine of
its own: its own DAGSTER_HOME (the shipped instance file for Celery, and a copy of the sandbox's
runtime file where a real machine would have the services' credentials), the broker and the
deployment's environment; they share nothing but PostgreSQL and the broker."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from track_assets.sandbox.runtime_file import RUNTIME_FILENAME
from track_assets_tests.support.shell_runs import BIN, INSTANCE_YAML

CELERY_HOME = INSTANCE_YAML.parents[1] / "celery"
CELERY_INSTANCE_YAML = CELERY_HOME / "dagster.yaml"
WORKER_YAML = CELERY_HOME / "worker.yaml"


@dataclass
class CeleryWorker:
    name: str  # Celery's node name is "<name>@<host>"
    home: Path
    log: Path
    process: subprocess.Popen

    def ready(self) -> bool:
        # Celery's own line once the worker consumes: "<name>@<host> ready."
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return re.search(rf"\b{re.escape(self.name)}@\S+ ready\.", text) is not None


def start_worker(
    name: str, folder: Path, env: dict[str, str], sandbox_home: Path | None, concurrency: int = 1
) -> CeleryWorker:
    """One worker of `concurrency` processes; `env` is the deployment's environment, whose
    DAGSTER_HOME is replaced by `folder`/home."""
    home = folder / "home"
    home.mkdir(parents=True)
    shutil.copyfile(CELERY_INSTANCE_YAML, home / "dagster.yaml")
    if sandbox_home is not None:
        shutil.copyfile(sandbox_home / RUNTIME_FILENAME, home / RUNTIME_FILENAME)
    log = folder / "worker.log"
    command = [
        str(BIN / "dagster-celery"),
        *("worker", "start", "-A", "dagster_celery.app", "-y", str(WORKER_YAML)),
        *("-n", name, "-i", "track_assets.definitions"),
        *("--", f"--concurrency={concurrency}"),
    ]
    worker_env = env | {
        "DAGSTER_HOME": str(home),
        # dagster-celery starts `celery` from PATH.
        "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}",
    }
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=worker_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, stopped whole
        )
    return CeleryWorker(name, home, log, process)


def wait_until_ready(workers: list[CeleryWorker], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not all(worker.ready() for worker in workers):
        for worker in workers:
            if worker.process.poll() is not None:
                raise RuntimeError(
                    f"Celery worker {worker.name} exited ({worker.process.returncode}):\n"
                    + worker.log.read_text(errors="replace")[-3000:]
                )
        if time.monotonic() > deadline:
            raise TimeoutError(
                "Celery workers not ready in time:\n"
                + "\n".join(w.log.read_text(errors="replace")[-1500:] for w in workers)
            )
        time.sleep(0.2)


def stop_workers(workers: list[CeleryWorker], timeout: float = 30) -> None:
    """A warm shutdown of every worker at once (SIGTERM to each worker's process group:
    `dagster-celery`, the `celery` process it runs and the pool's processes; about 3 s here), then
    SIGKILL to whatever is left of a group."""
    for worker in workers:
        with suppress(ProcessLookupError):
            os.killpg(worker.process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for worker in workers:
        with suppress(subprocess.TimeoutExpired):
            worker.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        with suppress(ProcessLookupError):
            while time.monotonic() < deadline:
                os.killpg(worker.process.pid, 0)  # raises once no process of the group is left
                time.sleep(0.1)
            os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
