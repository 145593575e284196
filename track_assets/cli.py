"""`track-assets`: manage the database and the tracked playlists from the shell."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from track_assets.playlist_refs import InvalidPlaylistRef, PlaylistRef, parse_playlist_ref
from track_assets.settings import ConfigurationError, load_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class _Commands(click.Group):
    """Turns the errors a user can fix (configuration, bad input) into one clear line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ConfigurationError as error:
            raise click.ClickException(str(error)) from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Enrich the tracks of Spotify playlists (see README.md)."""


@main.group()
def db() -> None:
    """The track_assets database."""


@db.command("upgrade")
@click.option(
    "--url", help="Database URL (default: TRACK_ASSETS_DATABASE_URL or SQLite in DAGSTER_HOME)."
)
def db_upgrade(url: str | None) -> None:
    """Create or migrate the database schema to the latest revision."""
    from track_assets.db.engine import check_connection, make_engine, shown_url
    from track_assets.db.migrate import SchemaError, current_revision, upgrade_to_head

    engine = make_engine(url or _settings().database_url)
    try:
        check_connection(engine)
        before = current_revision(engine)
        upgrade_to_head(engine)
        after = current_revision(engine)
    except SchemaError as error:
        raise click.ClickException(str(error)) from None
    finally:
        engine.dispose()
    click.echo(f"{shown_url(engine.url)}: {before or 'empty'} -> {after}")


@main.group()
def playlists() -> None:
    """The tracked playlists (the `playlists` partitions of the Dagster instance)."""


@playlists.command("add")
@click.argument("refs", nargs=-1, required=True)
def playlists_add(refs: tuple[str, ...]) -> None:
    """Track playlists given as URLs, spotify:playlist: URIs or bare ids."""
    from track_assets.db.repository import upsert_playlist

    parsed = _parse_all(refs)
    with _database(create_missing=True) as engine:
        instance = _instance(must_exist=False)
        with engine.begin() as conn:
            for ref in parsed:
                upsert_playlist(
                    conn,
                    spotify_playlist_id=ref.playlist_id,
                    url=ref.url,
                    is_editorial=ref.is_editorial,
                )
    from track_assets.defs.partitions import PLAYLISTS_PARTITION

    known = set(instance.get_dynamic_partitions(PLAYLISTS_PARTITION))
    new = [ref.playlist_id for ref in parsed if ref.playlist_id not in known]
    if new:
        instance.add_dynamic_partitions(PLAYLISTS_PARTITION, new)
    from track_assets.pools import ensure_pool_limits

    ensure_pool_limits(instance)  # before runs of several playlists start at once
    for ref in parsed:
        state = "added" if ref.playlist_id in new else "already tracked"
        click.echo(f"{ref.playlist_id}  {state}  {ref.url}")


@playlists.command("remove")
@click.argument("refs", nargs=-1, required=True)
def playlists_remove(refs: tuple[str, ...]) -> None:
    """Stop tracking playlists. Their tracks and history stay in the database."""
    from track_assets.db.repository import mark_playlist_removed
    from track_assets.defs.partitions import PLAYLISTS_PARTITION

    parsed = _parse_all(refs)
    with _database(create_missing=False) as engine, engine.begin() as conn:
        instance = _instance(must_exist=True)
        known = set(instance.get_dynamic_partitions(PLAYLISTS_PARTITION))
        for ref in parsed:
            found = mark_playlist_removed(conn, ref.playlist_id)
            if ref.playlist_id in known:
                instance.delete_dynamic_partition(PLAYLISTS_PARTITION, ref.playlist_id)
            state = "removed" if found or ref.playlist_id in known else "was not tracked"
            click.echo(f"{ref.playlist_id}  {state}")


@playlists.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def playlists_list(as_json: bool) -> None:
    """The tracked playlists, with when each was last fetched."""
    from track_assets.db.repository import list_playlists
    from track_assets.defs.partitions import PLAYLISTS_PARTITION

    with _database(create_missing=False) as engine, engine.begin() as conn:
        partitions = set(_instance(must_exist=True).get_dynamic_partitions(PLAYLISTS_PARTITION))
        rows = list_playlists(conn)
    records = [
        {
            "playlist_id": row.spotify_playlist_id,
            "name": row.name,
            "url": row.url,
            "last_fetched_at": row.last_fetched_at.isoformat() if row.last_fetched_at else None,
            "partition": row.spotify_playlist_id in partitions,
        }
        for row in rows
    ]
    # A partition added in the UI has no row until the watch sensor sees it; list it anyway.
    listed = {record["playlist_id"] for record in records}
    records += [
        {
            "playlist_id": key,
            "name": None,
            "url": PlaylistRef(key).url,
            "last_fetched_at": None,
            "partition": True,
        }
        for key in sorted(partitions - listed)
    ]
    if as_json:
        click.echo(json.dumps(records, indent=2))
        return
    if not records:
        click.echo("No playlists tracked. Add one with: track-assets playlists add <url>")
        return
    for record in records:
        fetched = record["last_fetched_at"] or "never fetched"
        click.echo(f"{record['playlist_id']}  {fetched:25}  {record['name'] or ''}")


@main.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the stable JSON summary.")
def status(as_json: bool) -> None:
    """What the database holds: playlists, tracks, coverage per field, status per phase."""
    from track_assets.enrichment.status import pipeline_status

    with _database(create_missing=False) as engine, engine.begin() as conn:
        summary = pipeline_status(conn)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        return
    click.echo(f"{summary['playlists']} playlists, {summary['tracks']} tracks")
    click.echo("coverage:")
    for name, figures in summary["coverage"].items():
        share = figures["have"] / figures["of"] if figures["of"] else 0.0
        click.echo(f"  {name:18} {figures['have']:6} / {figures['of']:<6} {share:6.1%}")
    click.echo("phases:")
    for phase, statuses in summary["phases"].items():
        counts = ", ".join(f"{status} {n}" for status, n in statuses.items())
        click.echo(f"  {phase:22} {counts}")
    methods = ", ".join(f"{m} {n}" for m, n in summary["fetch_methods"].items())
    click.echo(f"fetched by: {methods}")
    statuses = ", ".join(f"{s} {n}" for s, n in summary["enrichment_status"].items())
    click.echo(f"enrichment: {statuses}")
    requests = ", ".join(f"{s} {n}" for s, n in summary["requests"].items())
    click.echo(f"requests: {requests or 'none recorded'}")
    events = ", ".join(f"{k} {n}" for k, n in summary["events"].items())
    click.echo(f"events: {events or 'none'}")
    if any(summary["webhook"].values()):
        click.echo("webhook: " + ", ".join(f"{k} {n}" for k, n in summary["webhook"].items()))
    leads = summary["leads"]
    reasons = ", ".join(f"{r} {n}" for r, n in leads["by_reason"].items())
    click.echo(f"songwriter leads: {leads['total']}" + (f" ({reasons})" if reasons else ""))
    for lead in leads["top"]:
        tracks = "; ".join(name or "?" for name in lead["track_names"][:2])
        click.echo(
            f"  {lead['rank']:>3}. {lead['writer_name'][:28]:28} {'/'.join(lead['reasons']):24} "
            f"{lead['best_velocity']:>12,.0f} plays/day  {tracks}"
        )


@main.command("export")
@click.argument("which", type=click.Choice(["tracks", "leads", "all"]), default="all")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=str),
    help="Folder to write into (default: TRACK_ASSETS_EXPORT_DIR, else ./exports).",
)
@click.option(
    "--to-database",
    "to_database",
    is_flag=True,
    help="Also write them as the tables export_tracks and export_songwriter_leads in the "
    "database itself, for SQL and BI tools.",
)
def export(which: str, directory: str | None, to_database: bool) -> None:
    """Write tracks and/or songwriter leads as CSV and Parquet (and with --to-database as
    tables); prints the paths and tables written."""
    from pathlib import Path

    from track_assets.db.engine import DatabaseNotFound, SchemaNotCurrent, shown_url
    from track_assets.enrichment.exports import EXPORTS, compute_export
    from track_assets.progress import progress

    names = EXPORTS if which == "all" else (which,)
    folder = Path(directory) if directory else _settings().export_dir
    try:
        with (
            _database(create_missing=False) as engine,
            progress("exporting", total=len(names)) as steps,
        ):
            written, tables = [], []
            for name in names:
                steps.describe(f"exporting {name}")
                # A table is written in the transaction that read its rows; files need only a read.
                with engine.begin() if to_database else engine.connect() as conn:
                    computed = compute_export(conn, name)
                    written.append(computed.write_files(folder))
                    if to_database:
                        tables.append(computed.write_table(conn))
                steps.advance()
    except (DatabaseNotFound, SchemaNotCurrent) as error:
        raise click.ClickException(f"nothing to export: {error}") from None
    for files in written:
        click.echo(str(files.csv))
        click.echo(str(files.parquet))
    for table in tables:
        click.echo(f"{shown_url(engine.url)} table {table.table} ({table.rows} rows)")


@main.group()
def events() -> None:
    """The pipeline's events (the activity log), live."""


@events.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="Port to listen on (0: pick a free one).",
)
def events_serve(host: str, port: int) -> None:
    """Push each event to WebSocket clients as it is recorded, until interrupted.

    The first stdout line is {"url": "ws://HOST:PORT/", "database": "sqlite|postgresql"}; logs
    go to stderr. Connect to the URL for new events, or to URL?after=<id> to replay from an id.
    """
    import logging

    from track_assets.events import run_feed

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s"
    )
    with _database(create_missing=True):
        pass  # a database that cannot be reached is one line here, not a traceback in the feed
    try:
        run_feed(_settings().database_url, host, port)
    except OSError as error:
        raise click.ClickException(f"cannot serve events on {host}:{port}: {error}") from None


@main.group()
def runs() -> None:
    """The Dagster runs of the pipeline."""


@runs.command("recover")
def runs_recover() -> None:
    """Fail the runs whose worker died on this machine (killed, out of memory, a reboot) and
    free the pool slots they hold, as the crashed_runs sensor does every 30 s under the daemon:
    for when runs are executed from the shell with no daemon running."""
    from track_assets.defs.crashed_runs import fail_crashed_runs

    done = fail_crashed_runs(_instance(must_exist=True))
    for line in done:
        click.echo(line)
    if not done:
        click.echo("no crashed run, no pool slot held by an ended run")


@runs.command("ranges")
@click.option(
    "--runs",
    "count",
    type=click.IntRange(min=1),
    default=None,
    help="How many runs to share the playlists [default: the instance's max_concurrent_runs].",
)
def runs_ranges(count: int | None) -> None:
    """The partition ranges (`first...last`, one a line) that share every tracked playlist
    between runs started together, as the fetch sensor cuts them: about the same number of
    tracks each, for `dagster asset materialize --partition-range`."""
    from track_assets.db.repository import playlist_track_counts
    from track_assets.defs.partitions import PLAYLISTS_PARTITION, balanced_ranges, runs_at_once

    instance = _instance(must_exist=True)
    order = instance.get_dynamic_partitions(PLAYLISTS_PARTITION)
    with _database(create_missing=False) as engine, engine.begin() as conn:
        tracks = playlist_track_counts(conn, order)
    for group in balanced_ranges(order, tracks, count or runs_at_once(instance)):
        click.echo(f"{group[0]}...{group[-1]}")


@main.command("accuracy")
@click.argument("hard_cases", required=False, type=click.Path(dir_okay=False, path_type=str))
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
def accuracy(hard_cases: str | None, as_json: bool) -> None:
    """Run the pipeline on a sandbox of hand-written hard cases and score its answers.

    HARD_CASES defaults to the shipped file (track_assets/sandbox/catalogs/hard_cases.json).
    Prints, per category, expected / made / correct / wrong / precision / recall, then every
    wrong or missing answer with the case's reason. Exits 0 whatever the score.
    """
    from track_assets.accuracy import evaluate_hard_cases, report_lines
    from track_assets.sandbox.catalog import CatalogError
    from track_assets.sandbox.catalog.hard_cases import HardCasesError, read_hard_cases

    try:
        hard = read_hard_cases(hard_cases)
        progress = (lambda m: click.echo(m, err=True)) if sys.stderr.isatty() else (lambda m: None)
        report = evaluate_hard_cases(hard, progress)
    except (HardCasesError, CatalogError) as error:
        raise click.UsageError(f"bad hard-cases file: {error}") from None
    if as_json:
        click.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        return
    for line in report_lines(report):
        click.echo(line)


def _parse_all(refs: tuple[str, ...]) -> list[PlaylistRef]:
    parsed, errors = [], []
    for ref in refs:
        try:
            parsed.append(parse_playlist_ref(ref))
        except InvalidPlaylistRef as error:
            errors.append(str(error))
    if errors:
        raise click.UsageError("\n".join(errors))
    return parsed


def _settings():
    return load_settings()


def _instance(*, must_exist: bool):
    """The Dagster instance in DAGSTER_HOME; `must_exist` (commands that only read or remove):
    a DAGSTER_HOME folder that does not exist is an error, not a new empty instance."""
    import dagster as dg

    settings = _settings()
    if must_exist and not settings.dagster_home.is_dir():
        raise click.ClickException(
            f"DAGSTER_HOME {settings.dagster_home} does not exist; set DAGSTER_HOME to the "
            "Dagster instance folder (the one holding dagster.yaml)"
        )
    if (
        not (settings.dagster_home / "dagster.yaml").exists()
        and "DAGSTER_HOME" not in settings.environ
    ):
        raise click.ClickException(
            "DAGSTER_HOME is not set and ./dagster_home has no dagster.yaml; "
            'run from the project folder or export DAGSTER_HOME="$PWD/dagster_home"'
        )
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    return dg.DagsterInstance.from_config(str(settings.dagster_home))


@contextmanager
def _database(*, create_missing: bool) -> Iterator[Engine]:
    """An engine on the configured database, reached once, disposed after.

    `create_missing` (commands that write): a missing SQLite file is created and the schema
    migrated. Otherwise (commands that read) the database must exist at this version's schema,
    and nothing is created or migrated: a mistyped path is an error, not a new empty database.
    """
    from track_assets.db.engine import check_connection, make_engine

    engine = make_engine(_settings().database_url, create_missing=create_missing)
    try:
        check_connection(engine)
        if create_missing:
            _migrate_to_head(engine)
        else:
            _require_current_schema(engine)
        yield engine
    finally:
        engine.dispose()


def _migrate_to_head(engine: Engine) -> None:
    from track_assets.db.migrate import SchemaError, ensure_schema

    try:
        ensure_schema(engine)
    except SchemaError as error:  # a database migrated by a newer track_assets: says what to do
        raise click.ClickException(str(error)) from None


def _require_current_schema(engine: Engine) -> None:
    from track_assets.db.engine import DB_UPGRADE_ADVICE, SchemaNotCurrent, shown_url
    from track_assets.db.migrate import current_revision, head_revision

    revision, head = current_revision(engine), head_revision()
    if revision == head:
        return
    state = (
        "has no track_assets schema"
        if revision is None
        else f"is at schema revision {revision}, not this version's {head}"
    )
    raise SchemaNotCurrent(f"the database {shown_url(engine.url)} {state}; {DB_UPGRADE_ADVICE}")


def _add_sandbox_commands() -> None:
    from track_assets.sandbox.commands import sandbox

    main.add_command(sandbox)


_add_sandbox_commands()


def _add_doctor_command() -> None:
    from track_assets.doctor.command import doctor

    main.add_command(doctor)


_add_doctor_command()


def _add_report_command() -> None:
    from track_assets.report.command import report

    main.add_command(report)


_add_report_command()

if __name__ == "__main__":
    sys.exit(main())
