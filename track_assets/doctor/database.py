"""The database line: which database (its URL without the password), whether it opens, and its
schema revision against this version's head. Nothing is created or migrated."""

from __future__ import annotations

from track_assets.db.engine import (
    DB_UPGRADE_ADVICE,
    DatabaseNotFound,
    DatabaseUnreachable,
    check_connection,
    make_engine,
    parse_database_url,
    shown_url,
)
from track_assets.db.migrate import current_revision, head_revision, known_revisions
from track_assets.doctor.context import DoctorContext
from track_assets.doctor.report import Check, Status

NAME = "database"


def check_database(ctx: DoctorContext) -> Check:
    """PASS at head. WARN when there is no database or schema yet, or an older one: `track-assets
    db upgrade` makes it, and so does the first run (the resource migrates before any step).
    FAIL when it cannot be opened, or a newer track_assets migrated it."""
    url = parse_database_url(ctx.settings.database_url)
    shown, backend = shown_url(url), url.get_backend_name()
    facts = {"url": shown, "backend": backend, "revision": None, "head": head_revision()}
    options = {"connect_args": {"connect_timeout": max(1, round(ctx.timeout))}}
    try:
        engine = make_engine(
            url, create_missing=False, **(options if backend == "postgresql" else {})
        )
    except DatabaseNotFound as error:
        return Check(NAME, Status.WARN, f"not created yet: {error}", backend, facts)
    try:
        check_connection(engine)
        revision = current_revision(engine)
    except DatabaseUnreachable as error:
        return Check(NAME, Status.FAIL, str(error), backend, facts)
    finally:
        engine.dispose()
    facts["revision"] = revision
    head = facts["head"]
    if revision == head:
        return Check(
            NAME, Status.PASS, f"{shown}: schema at {head}, this version's head", backend, facts
        )
    if revision is None:
        state, status = "has no track_assets schema yet", Status.WARN
    elif revision not in known_revisions():
        return Check(
            NAME,
            Status.FAIL,
            f"{shown} is at schema revision {revision}, which this version does not know (its "
            f"head is {head}): a newer track_assets migrated it. Upgrade track_assets, or set "
            "TRACK_ASSETS_DATABASE_URL to another database",
            backend,
            facts,
        )
    else:
        state, status = f"is at schema revision {revision}, not this version's {head}", Status.WARN
    return Check(NAME, status, f"{shown} {state}; {DB_UPGRADE_ADVICE}", backend, facts)
