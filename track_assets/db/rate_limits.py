"""The HTTP layer's sliding-window rate limiter with its grants in PostgreSQL, so that the runs
of every machine share one budget per service and credential (docs/architecture.md#scaling-out).

Same rule as the file limiter (services/http/rate_limit.py), on the database's clock
(`clock_timestamp()`), so machines whose clocks disagree still agree on the window. An acquire
is one round trip: a transaction-level advisory lock on the budget, then one statement that
forgets what no longer holds a slot, counts what does and inserts the grant if one is free.
A release is one UPDATE.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine, Row
from sqlalchemy.exc import DBAPIError

from track_assets.db.engine import make_engine, parse_database_url
from track_assets.db.migrate import ensure_schema_once
from track_assets.services.http.rate_limit import (
    DEFAULT_HOLD_SECONDS,
    Grant,
    SlidingWindowLimiter,
    limiter_key,
)

# Advisory locks take (class, id); this class keeps ours apart from any other lock of the
# database (db/migrate.py's single-key lock lives in another key space anyway).
_LOCK_CLASS = zlib.crc32(b"track_assets.rate_limit_grants") - 2**31

# `now` is the test's fake clock; None (always, outside tests) is the database's clock.
_NOW = "coalesce(to_timestamp(CAST(:now AS double precision)), clock_timestamp())"

# Two statements in one round trip: PostgreSQL runs a multi-statement query string as one
# transaction, so the lock is held until the grant is written, and the second statement's
# snapshot (read committed) is taken after the lock, so it sees every earlier grant.
_TRY_GRANT = text(f"""
SELECT pg_advisory_xact_lock(:lock_class, :lock_id);
WITH clock AS MATERIALIZED (SELECT {_NOW} AS now),
grants AS (
    SELECT g.id,
           coalesce(g.completed_at, least(g.expires_at, clock.now))
               + make_interval(secs => :per_seconds) AS free_at
    FROM rate_limit_grants AS g CROSS JOIN clock
    WHERE g.limiter_key = :key
),
busy AS (SELECT free_at FROM grants CROSS JOIN clock WHERE free_at > clock.now),
forgotten AS (
    DELETE FROM rate_limit_grants
    WHERE id IN (SELECT id FROM grants CROSS JOIN clock WHERE free_at <= clock.now)
),
granted AS (
    INSERT INTO rate_limit_grants (limiter_key, service, granted_at, expires_at)
    SELECT :key, :service, clock.now, clock.now + make_interval(secs => :hold_seconds)
    FROM clock
    WHERE (SELECT count(*) FROM busy) < :max_requests
    RETURNING id
)
SELECT
    (SELECT id FROM granted) AS token,
    extract(epoch FROM (
        SELECT free_at FROM busy
        ORDER BY free_at
        OFFSET greatest((SELECT count(*) FROM busy) - :max_requests, 0)
        LIMIT 1
    ) - (SELECT now FROM clock)) AS wait
""")

_RELEASE = text(f"""
UPDATE rate_limit_grants SET completed_at = {_NOW}
WHERE id = :token AND completed_at IS NULL
""")


class PostgresRateLimiter(SlidingWindowLimiter):
    """At most `max_requests` slots in any rolling `per_seconds` window, for every process on
    every machine using the same database, service and credential key.

    The engine is opened on first use (one per limiter, a connection per thread that sends at
    once) and disposed by `close()`; the grants table comes with the schema
    (`rate_limit_grants`, migration 0007), which the first use brings to head like the
    database resource does. `clock` is for tests: epoch seconds used instead of the database's.
    """

    def __init__(
        self,
        service: str,
        credential_key: str,
        max_requests: int,
        per_seconds: float,
        database_url: str,
        *,
        hold_seconds: float = DEFAULT_HOLD_SECONDS,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(service, max_requests, per_seconds, hold_seconds=hold_seconds, sleep=sleep)
        url = parse_database_url(database_url)
        if url.get_backend_name() != "postgresql":
            raise ValueError(
                f"{service}: the shared rate limiter needs PostgreSQL, not {url.drivername}"
            )
        self.database_url = url
        self.key = limiter_key(service, credential_key)
        self._lock_id = int.from_bytes(bytes.fromhex(self.key[:8]), "big", signed=True)
        self._clock = clock
        self._engine: Engine | None = None
        self._engine_lock = threading.Lock()

    def _try_grant(self) -> tuple[str | None, float]:
        row = self._run(
            _TRY_GRANT,
            {
                "lock_class": _LOCK_CLASS,
                "lock_id": self._lock_id,
                "key": self.key,
                "service": self.service,
                "per_seconds": self.per_seconds,
                "hold_seconds": self.hold_seconds,
                "max_requests": self.max_requests,
            },
        )
        if row.token is not None:
            return str(row.token), 0.0
        return None, float(row.wait)

    def release(self, grant: Grant) -> None:
        self._run(_RELEASE, {"token": int(grant.token)})

    def close(self) -> None:
        with self._engine_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _run(self, statement: Any, params: Mapping[str, Any]) -> Row | None:
        """One round trip in autocommit: `statement` is its own transaction. A connection the
        server dropped (a restart) is replaced once."""
        params = {**params, "now": self._clock() if self._clock is not None else None}
        for attempt in (1, 2):
            try:
                with self._connect() as conn:
                    result = conn.execute(statement, params)
                    return result.one() if result.returns_rows else None
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    def _connect(self) -> Connection:
        with self._engine_lock:
            if self._engine is None:
                _ensure_schema(self.database_url)
                # Autocommit for the engine, not per connection: setting it back when a
                # connection returns to the pool is one more round trip; so is a pre-ping.
                # Commits need not wait for the disk: a database crash may forget the grants
                # of its last fraction of a second, letting as many more into one window.
                self._engine = make_engine(
                    self.database_url,
                    pool_pre_ping=False,
                    isolation_level="AUTOCOMMIT",
                    connect_args={"options": "-c synchronous_commit=off"},
                )
            return self._engine.connect()


def _ensure_schema(url: URL) -> None:
    """The schema at head, checked once per process and database (migrations need
    transactions, so not on the limiter's autocommit engine)."""
    engine = make_engine(url)
    try:
        ensure_schema_once(engine)
    finally:
        engine.dispose()
