"""`<DAGSTER_HOME>/sandbox.json`: the running sandbox's URLs and credentials, read by settings.py."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

RUNTIME_FILENAME = "sandbox.json"  # the name track_assets.settings looks for


@dataclass(frozen=True)
class ServiceRuntime:
    urls: Mapping[str, str]
    credentials: Mapping[str, str]


@dataclass(frozen=True)
class SandboxRuntime:
    """The object written to the runtime file and printed as serve()'s first stdout line."""

    services: Mapping[str, ServiceRuntime]
    admin: str
    pid: int
    started_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "services": {
                name: {"urls": dict(service.urls), "credentials": dict(service.credentials)}
                for name, service in self.services.items()
            },
            "admin": self.admin,
            "pid": self.pid,
            "started_at": self.started_at.isoformat(timespec="seconds"),
        }

    def to_json(self) -> str:
        """One line of JSON."""
        return json.dumps(self.as_dict(), separators=(", ", ": "))


def runtime_file_path(dagster_home: Path | str) -> Path:
    return Path(dagster_home) / RUNTIME_FILENAME


def write_runtime_file(dagster_home: Path | str, runtime: SandboxRuntime) -> Path:
    """Write atomically (temp file + rename), readable by the owner only (it holds secrets)."""
    path = runtime_file_path(dagster_home)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(dir=path.parent, prefix=".sandbox.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w") as temp:
            temp.write(json.dumps(runtime.as_dict(), indent=2) + "\n")
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return path


def read_runtime_file(dagster_home: Path | str) -> dict[str, Any] | None:
    """The runtime file's content, or None when there is none or it is unreadable."""
    try:
        return json.loads(runtime_file_path(dagster_home).read_text())
    except (OSError, ValueError):
        return None


def remove_runtime_file(dagster_home: Path | str, pid: int | None = None) -> bool:
    """Remove the file if it belongs to process `pid` (default: this one); True if removed.

    A file written by another sandbox started since is left alone.
    """
    owner = os.getpid() if pid is None else pid
    content = read_runtime_file(dagster_home)
    if content is None or content.get("pid") != owner:
        return False
    with contextlib.suppress(FileNotFoundError):
        runtime_file_path(dagster_home).unlink()
    return True
