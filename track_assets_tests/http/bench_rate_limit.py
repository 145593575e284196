"""What a rate-limit slot costs (acquire + release, never waiting), on a throwaway local
PostgreSQL server and on the file limiter, with a round trip of `SELECT 1` for scale.

    .venv/bin/python -m track_assets_tests.http.bench_rate_limit [slots]

"few grants": a window short enough that the budget's table holds a handful of rows; "full
window": 1000 slots a second used at full speed, as the relaxed limits of tests let a client
do, so each acquire reads hundreds of rows.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable

from sqlalchemy import text

from track_assets.db.engine import make_engine
from track_assets.db.migrate import upgrade_to_head
from track_assets.db.rate_limits import PostgresRateLimiter
from track_assets.services.http import FileRateLimiter, RateLimiter
from track_assets_tests.support.postgres import start_postgres


def per_call_ms(call: Callable[[], None], count: int) -> float:
    for _ in range(min(count, 100)):  # warm up: connections, caches
        call()
    started = time.perf_counter()
    for _ in range(count):
        call()
    return (time.perf_counter() - started) / count * 1000


def slot_ms(limiter: RateLimiter, count: int) -> float:
    def use() -> None:
        with limiter.slot():
            pass

    try:
        return per_call_ms(use, count)
    finally:
        limiter.close()


def main(count: int) -> None:
    server = start_postgres()
    try:
        url = server.create_database("bench_rate_limit")
        upgrade_to_head(url)
        engine = make_engine(url, pool_pre_ping=False, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            ping = per_call_ms(lambda: conn.execute(text("SELECT 1")), count)
        engine.dispose()
        print(f"PostgreSQL round trip (SELECT 1):         {ping:.3f} ms")
        for name, max_requests, per_seconds in (
            ("few grants", 1000, 0.01),
            ("full window", 1_000_000, 1.0),
        ):
            limiter = PostgresRateLimiter("bench", name, max_requests, per_seconds, url)
            print(
                f"PostgreSQL limiter, {name + ':':13} acquire+release {slot_ms(limiter, count):.3f} ms"
            )
        with tempfile.TemporaryDirectory() as folder:
            for name, max_requests, per_seconds in (
                ("few grants", 1000, 0.01),
                ("full window", 1_000_000, 1.0),
            ):
                limiter = FileRateLimiter("bench", name, max_requests, per_seconds, folder)
                print(
                    f"file limiter,       {name + ':':13} acquire+release {slot_ms(limiter, count):.3f} ms"
                )
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
