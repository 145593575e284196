"""`serve()`: run a sandbox in the foreground for `track-assets sandbox serve` until SIGINT/SIGTERM."""

from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from track_assets.sandbox.context import EmulatorSpec
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def serve(
    emulators: Sequence[EmulatorSpec],
    catalog: Any,
    options: SandboxOptions | None,
    dagster_home: Path | str,
    ready_callback: Callable[[SandboxServer], None] | None = None,
    *,
    stop_event: threading.Event | None = None,
    stdout: TextIO | None = None,
) -> None:
    """Start every emulator, write `<dagster_home>/sandbox.json`, print the same object as the
    first line of stdout, call `ready_callback(server)`, and serve until SIGINT or SIGTERM (or
    `stop_event`, for callers off the main thread). Stops cleanly and removes the file.
    """
    out = stdout if stdout is not None else sys.stdout
    stop = stop_event or threading.Event()
    received: list[int] = []
    restore = _install_stop_handlers(received)
    server = SandboxServer(emulators, catalog, options, runtime_dir=dagster_home)
    try:
        server.start()
        out.write(server.runtime.to_json() + "\n")
        out.flush()
        if ready_callback is not None:
            ready_callback(server)
        # Poll rather than block on a lock: a signal handler must not touch locks.
        while not received and not stop.is_set():
            time.sleep(0.1)
    finally:
        server.stop()
        restore()


def _install_stop_handlers(received: list[int]) -> Callable[[], None]:
    """Record SIGINT/SIGTERM instead of raising; returns a function restoring the old handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def record(signum: int, frame: FrameType | None) -> None:
        received.append(signum)

    previous = {sig: signal.signal(sig, record) for sig in STOP_SIGNALS}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore
