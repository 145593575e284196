"""`track-assets report`: write the leads report from the database."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("report")
@click.option(
    "--out",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (default: TRACK_ASSETS_EXPORT_DIR, else ./exports).",
)
def report(directory: Path | None) -> None:
    """Write the songwriter leads report (one HTML file that needs no network to open) and
    print its path."""
    from track_assets.cli import _database, _settings
    from track_assets.db.engine import DatabaseNotFound, SchemaNotCurrent
    from track_assets.progress import progress
    from track_assets.report.render import write_leads_report

    try:
        with (
            _database(create_missing=False) as engine,
            engine.connect() as conn,
            progress("writing the leads report") as steps,
        ):
            written = write_leads_report(conn, directory or _settings().export_dir, steps=steps)
    except (DatabaseNotFound, SchemaNotCurrent) as error:
        raise click.ClickException(f"no report: {error}") from None
    except OSError as error:  # the folder cannot be created or written
        raise click.ClickException(f"cannot write the report: {error}") from None
    click.echo(str(written.path))
