"""Reading the exports back as an analyst would, with pandas, into plain Python rows."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from track_assets.enrichment.exports import ColumnKind


def load_export(path: Path, columns: Mapping[str, ColumnKind]) -> list[dict[str, Any]]:
    """The rows of a CSV or Parquet export: JSON cells decoded (CSV: every list or mapping;
    Parquet: mappings), Parquet lists as lists, missing values as None, numbers as Python's."""
    import pandas as pd

    path = Path(path)
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        # Text stays text (an IPI keeps its leading zeros); only an empty cell is missing.
        numbers = (ColumnKind.INTEGER, ColumnKind.FLOAT, ColumnKind.BOOLEAN)
        text = {c: str for c, kind in columns.items() if kind not in numbers}
        frame = pd.read_csv(path, dtype=text, keep_default_na=False, na_values=[""])
    assert list(frame.columns) == list(columns), path
    decode = {ColumnKind.JSON} | ({ColumnKind.TEXT_LIST} if path.suffix == ".csv" else set())
    rows = []
    for record in frame.to_dict(orient="records"):
        row = {}
        for column, kind in columns.items():
            value = _plain(record[column])
            if kind in decode and value is not None:
                value = json.loads(value)
            row[column] = value
        rows.append(row)
    return rows


def _plain(value: Any) -> Any:
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def load_export_table(url: str, table: str, columns: Mapping[str, ColumnKind]) -> list[dict]:
    """The rows of an export table, read with pandas as the README shows, in rank or table
    order: lists as lists (PostgreSQL arrays; SQLite JSON text decoded), JSON decoded."""
    import pandas as pd
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        frame = pd.read_sql_table(table, engine)
    finally:
        engine.dispose()
    assert list(frame.columns) == list(columns), table
    if "rank" in frame.columns:
        frame = frame.sort_values("rank")
    rows = []
    for record in frame.to_dict(orient="records"):
        row = {}
        for column, kind in columns.items():
            value = _plain(record[column])
            if kind in (ColumnKind.JSON, ColumnKind.TEXT_LIST) and isinstance(value, str):
                value = json.loads(value)
            row[column] = value
        rows.append(row)
    return rows
