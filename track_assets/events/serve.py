"""`run_feed()`: the event feed in the foreground for `track-assets events serve`."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from typing import TextIO

from sqlalchemy.engine import Engine

from track_assets.db.engine import make_engine
from track_assets.db.migrate import ensure_schema
from track_assets.events.feed import EventFeed, FeedAddress

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def run_feed(database_url: str, host: str, port: int, *, out: TextIO | None = None) -> None:
    """Serve the feed until SIGINT or SIGTERM (from the main thread).

    The first line of `out` (default stdout) is `{"url": ..., "database": ...}`, flushed at
    once, for scripts to read; logs go wherever logging is configured.
    """
    engine = make_engine(database_url)
    try:
        ensure_schema(engine)
        asyncio.run(_serve_until_signalled(engine, host, port, out or sys.stdout))
    finally:
        engine.dispose()


async def _serve_until_signalled(engine: Engine, host: str, port: int, out: TextIO) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, stop.set)

    def announce(address: FeedAddress) -> None:
        out.write(json.dumps({"url": address.url, "database": address.database}) + "\n")
        out.flush()

    try:
        await EventFeed(engine).serve(host, port, stop=stop, ready=announce)
    finally:
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
