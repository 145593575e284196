"""The file exports: the ranked songwriter leads and the tracked tracks, each as CSV and Parquet,
written atomically (a temporary file renamed into place) into the export folder.

Representation (the same rows in both files): in CSV every list or mapping column is a JSON
string (empty cell: null); in Parquet a list of strings is a native `list<string>` column and a
mapping or free-form JSON value is a JSON string, as in CSV. Shares are percents rounded to
4 decimals (as `mlc_works.known_share` is stored). pandas and pyarrow are imported only when a
file is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine, make_url

from track_assets.db.records import LeadCredit
from track_assets.db.repository import (
    songwriter_lead_credits,
    songwriter_profiles,
    tracked_playlists_by_track,
    tracked_track_artist_names,
    tracked_tracks,
)
from track_assets.enrichment.songwriter_leads import (
    LEAD_COLUMNS,
    SongwriterLead,
    is_growing,
    lead_reason,
    rank_songwriter_leads,
)
from track_assets.phases import FIELDS, ColumnKind

LEADS_FILE = "songwriter_leads"
TRACKS_FILE = "tracks"
EXPORTS = ("tracks", "leads")
SHARE_DECIMALS = 4


LEAD_COLUMN_KINDS: dict[str, ColumnKind] = {
    "rank": ColumnKind.INTEGER,
    "songwriter_id": ColumnKind.INTEGER,
    "writer_name": ColumnKind.TEXT,
    "ipi": ColumnKind.TEXT,
    "reasons": ColumnKind.TEXT_LIST,
    "certain": ColumnKind.BOOLEAN,
    "lead_tracks": ColumnKind.INTEGER,
    "track_ids": ColumnKind.TEXT_LIST,
    "track_names": ColumnKind.TEXT_LIST,
    "playlist_ids": ColumnKind.TEXT_LIST,
    "playlist_names": ColumnKind.TEXT_LIST,
    "total_streams": ColumnKind.INTEGER,
    "best_velocity": ColumnKind.FLOAT,
    "velocity_sum": ColumnKind.FLOAT,
    "mlc_song_codes": ColumnKind.TEXT_LIST,
    "mlc_statuses": ColumnKind.TEXT_LIST,
    "min_known_share": ColumnKind.FLOAT,
    "publishers": ColumnKind.TEXT_LIST,
    "musicbrainz_artist_ids": ColumnKind.TEXT_LIST,
    "social_links": ColumnKind.JSON,  # {"instagram": ["https://..."], ...}
    "spotify_artist_uri": ColumnKind.TEXT,
    "mlc_match_confidences": ColumnKind.JSON,  # [0.75, null, ...] pairwise with track_ids
    "mlc_match_evidence": ColumnKind.JSON,  # ["legal name alias ... agrees", null, ...]
    "musicbrainz_match": ColumnKind.TEXT,
    "musicbrainz_confidence": ColumnKind.FLOAT,
    "musicbrainz_evidence": ColumnKind.TEXT,
}

# Who the track is and where it is listed, then every phase's consolidated fields in phase order.
TRACK_COLUMN_KINDS: dict[str, ColumnKind] = {
    "spotify_track_id": ColumnKind.TEXT,
    "name": ColumnKind.TEXT,
    "artists": ColumnKind.TEXT_LIST,
    "enrichment_status": ColumnKind.TEXT,
    "playlist_ids": ColumnKind.TEXT_LIST,
    **{field.name: field.kind for field in FIELDS},
}


class DatabaseNotReady(RuntimeError):
    """The database has no schema (or an older one): there is nothing to export yet."""


@dataclass(frozen=True)
class ExportedFiles:
    name: str  # tracks | leads
    csv: Path
    parquet: Path
    rows: int


# --- what is exported -------------------------------------------------------------------------


def compute_songwriter_leads(
    conn: Connection, credits: Sequence[LeadCredit] | None = None
) -> list[SongwriterLead]:
    """The ranked leads across every tracked playlist, with their MusicBrainz profiles;
    `credits`: the writer credits already read (`songwriter_lead_credits`), else read here."""
    credits = songwriter_lead_credits(conn) if credits is None else credits
    writers = {c.songwriter_id for c in credits if is_growing(c) and lead_reason(c)}
    return rank_songwriter_leads(credits, songwriter_profiles(conn, writers))


def lead_rows(leads: Iterable[SongwriterLead]) -> list[dict[str, Any]]:
    """The leads as export rows (column -> value), lists as lists, shares as floats."""
    rows = []
    for lead in leads:
        row = asdict(lead)
        row["min_known_share"] = _share(lead.min_known_share)
        row["social_links"] = {kind: list(urls) for kind, urls in lead.social_links.items()}
        rows.append({column: _plain(row[column]) for column in LEAD_COLUMNS})
    return rows


def track_rows(conn: Connection) -> list[dict[str, Any]]:
    """One export row per track now on a tracked playlist, by track id."""
    playlists = tracked_playlists_by_track(conn)
    artists = tracked_track_artist_names(conn)
    rows = []
    for track in tracked_tracks(conn):
        track_id = track.spotify_track_id
        values = {
            "artists": list(artists.get(track_id, ())),
            "playlist_ids": [p.spotify_playlist_id for p in playlists.get(track_id, ())],
        }
        rows.append(
            {
                column: _plain(values[column] if column in values else getattr(track, column))
                for column in TRACK_COLUMN_KINDS
            }
        )
    return rows


def _share(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, SHARE_DECIMALS))


def _plain(value: Any) -> Any:
    """Tuples as lists, all the way down, so CSV's JSON and Parquet's lists agree."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


# --- writing ----------------------------------------------------------------------------------


EXPORT_COLUMNS: dict[str, Mapping[str, ColumnKind]] = {
    "tracks": TRACK_COLUMN_KINDS,
    "leads": LEAD_COLUMN_KINDS,
}
EXPORT_FILES = {"tracks": TRACKS_FILE, "leads": LEADS_FILE}


@dataclass(frozen=True)
class ExportedTable:
    name: str  # tracks | leads
    table: str
    rows: int


@dataclass(frozen=True)
class Export:
    """One export's rows, computed once, written as its files and (export_tables.py) as its
    table."""

    name: str  # tracks | leads
    rows: list[dict[str, Any]]

    def write_files(self, directory: Path) -> ExportedFiles:
        columns = EXPORT_COLUMNS[self.name]
        return write_export(self.rows, columns, directory, EXPORT_FILES[self.name], self.name)

    def write_table(self, conn: Connection) -> ExportedTable:
        """Replace the export's table in `conn`'s database, in its transaction."""
        from track_assets.enrichment.export_tables import write_export_table

        table = write_export_table(conn, self.name, self.rows, EXPORT_COLUMNS[self.name])
        return ExportedTable(self.name, table, len(self.rows))


def compute_export(
    conn: Connection, name: str, leads: Sequence[SongwriterLead] | None = None
) -> Export:
    """Export `name` ("tracks" or "leads"; `leads` when already ranked) from the database."""
    if name == "tracks":
        return Export(name, track_rows(conn))
    if name == "leads":
        return Export(name, lead_rows(compute_songwriter_leads(conn) if leads is None else leads))
    raise ValueError(f"unknown export {name!r}; one of {', '.join(EXPORTS)}")


def export_from_database(
    conn: Connection, directory: Path, which: Iterable[str] = EXPORTS
) -> list[ExportedFiles]:
    """Compute and write the named exports' files in the order given."""
    return [compute_export(conn, name).write_files(directory) for name in which]


def write_export(
    rows: Sequence[Mapping[str, Any]],
    columns: Mapping[str, ColumnKind],
    directory: Path,
    basename: str,
    name: str,
) -> ExportedFiles:
    """Write `<basename>.csv` and `<basename>.parquet` in `directory` (created if missing),
    each replaced atomically: a reader sees the old file or the new one, never half of one."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    parquet_schema = pa.schema([(column, _arrow_type(kind)) for column, kind in columns.items()])
    csv_schema = pa.schema(
        [
            (column, pa.string() if kind in _ENCODED else _arrow_type(kind))
            for column, kind in columns.items()
        ]
    )
    parquet_rows = [_encoded(row, columns, {ColumnKind.JSON}) for row in rows]
    csv_rows = [_encoded(row, columns, _ENCODED) for row in rows]
    parquet_path = directory / f"{basename}.parquet"
    csv_path = directory / f"{basename}.csv"
    with replacing(parquet_path) as temporary:
        pq.write_table(pa.Table.from_pylist(parquet_rows, schema=parquet_schema), temporary)
    with replacing(csv_path) as temporary:
        pa_csv.write_csv(
            pa.Table.from_pylist(csv_rows, schema=csv_schema),
            temporary,
            write_options=pa_csv.WriteOptions(quoting_style="needed"),
        )
    return ExportedFiles(name=name, csv=csv_path, parquet=parquet_path, rows=len(rows))


_ENCODED = frozenset({ColumnKind.TEXT_LIST, ColumnKind.JSON})


def _arrow_type(kind: ColumnKind):
    import pyarrow as pa

    return {
        ColumnKind.INTEGER: pa.int64(),
        ColumnKind.FLOAT: pa.float64(),
        ColumnKind.TEXT: pa.string(),
        ColumnKind.BOOLEAN: pa.bool_(),
        ColumnKind.TEXT_LIST: pa.list_(pa.string()),
        ColumnKind.JSON: pa.string(),
    }[kind]


def _encoded(
    row: Mapping[str, Any], columns: Mapping[str, ColumnKind], as_json: Iterable[ColumnKind]
) -> dict[str, Any]:
    kinds = frozenset(as_json)
    return {
        column: json_cell(row[column]) if kind in kinds else row[column]
        for column, kind in columns.items()
    }


def json_cell(value: Any) -> str | None:
    """A list or mapping as the JSON text the exports hold (None stays null)."""
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class replacing:
    """`with replacing(target) as temporary:` a temporary path next to `target` to write, renamed
    onto it when the block succeeds (atomic: a reader sees the old file or the new one, never
    half of one), removed when it fails."""

    def __init__(self, target: Path):
        self.target = target

    def __enter__(self) -> str:
        handle, self.temporary = tempfile.mkstemp(
            prefix=f".{self.target.name}.", suffix=".tmp", dir=self.target.parent
        )
        os.close(handle)
        return self.temporary

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            os.replace(self.temporary, self.target)
        else:
            Path(self.temporary).unlink(missing_ok=True)


# --- the database to export from --------------------------------------------------------------


def export_engine(url: str) -> Engine:
    """An engine on a database at the latest schema; DatabaseNotReady (with what to do) when
    it has no schema yet or an older one. A missing SQLite file is not created."""
    from track_assets.db.engine import make_engine
    from track_assets.db.migrate import current_revision, head_revision

    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    file = parsed.database if parsed.get_backend_name() == "sqlite" else None
    if file and file != ":memory:" and not Path(file).expanduser().exists():
        raise DatabaseNotReady(
            f"the database {shown} does not exist yet; materialize the pipeline first "
            "(`make demo`, or the assets in the Dagster UI), then export again"
        )
    engine = make_engine(url)
    revision = current_revision(engine)
    if revision != head_revision():
        engine.dispose()
        state = "has no schema yet" if revision is None else f"is at revision {revision}"
        raise DatabaseNotReady(
            f"the database {shown} {state} (this version expects {head_revision()}); run "
            "`track-assets db upgrade` and materialize the pipeline, then export again"
        )
    return engine
