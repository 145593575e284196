"""PostgreSQL NOTIFY for new activity_log rows, and the LISTEN side a listener waits on.

A notification carries only the activity id (NOTIFY payloads are capped at 8000 bytes); a
listener reads the rows themselves from activity_log after its cursor.
"""

from __future__ import annotations

import select
from collections.abc import Sequence

import psycopg2
import psycopg2.extensions
from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, make_url

# The channel every activity id is announced on (LISTEN track_assets_events).
EVENTS_CHANNEL = "track_assets_events"

_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


def notify_events(conn: Connection, activity_ids: Sequence[int]) -> None:
    """Announce `activity_ids` on EVENTS_CHANNEL, in order; a no-op unless on PostgreSQL.

    NOTIFY is transactional: listeners hear the ids when `conn`'s transaction commits, never
    when it rolls back.
    """
    if conn.dialect.name != "postgresql":
        return
    for activity_id in activity_ids:
        conn.execute(_NOTIFY, {"channel": EVENTS_CHANNEL, "payload": str(int(activity_id))})


def listen_connection(url: str | URL) -> psycopg2.extensions.connection:
    """A new autocommit psycopg2 connection to the PostgreSQL database `url` (a SQLAlchemy URL),
    already listening on EVENTS_CHANNEL. The caller closes it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise ValueError(
            f"LISTEN needs a PostgreSQL database, not {parsed.get_backend_name()!r} "
            f"({parsed.render_as_string(hide_password=True)})"
        )
    # The dialect turns the URL into psycopg2.connect arguments exactly as the engine does
    # (quoted user names, ?host=/socket/dir, sslmode and the like).
    _, kwargs = parsed.get_dialect()().create_connect_args(parsed)
    conn = psycopg2.connect(**kwargs)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f"LISTEN {EVENTS_CHANNEL}")
    return conn


def pending_ids(conn: psycopg2.extensions.connection) -> list[int]:
    """The activity ids notified on `conn` so far, in order, without waiting."""
    conn.poll()
    ids = []
    while conn.notifies:
        notice = conn.notifies.pop(0)
        if notice.channel == EVENTS_CHANNEL and notice.payload.isdigit():
            ids.append(int(notice.payload))
    return ids


def wait_for_ids(conn: psycopg2.extensions.connection, timeout: float) -> list[int]:
    """The ids notified on `conn`, waiting up to `timeout` seconds for the first ([] if none)."""
    ids = pending_ids(conn)
    if ids:
        return ids
    readable, _, _ = select.select([conn], [], [], timeout)
    return pending_ids(conn) if readable else []
