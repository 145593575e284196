"""The sandbox catalog: one data set (playlists, tracks, credits, play counts over time, MLC works,
MusicBrainz artists, Chartmetric tracks) that every emulator serves, and its ground truth.

Format: docs/sandbox-catalog.md and `catalog.schema.json`. Records: `model`.
"""

from track_assets.sandbox.catalog.generate import (
    DEMO_PLAYLISTS,
    DEMO_REFERENCE_DATE,
    DEMO_SEED,
    DEMO_TRACKS,
    catalog_json,
    generate,
    generate_catalog,
)
from track_assets.sandbox.catalog.load import (
    CatalogError,
    catalog_schema,
    load_catalog,
    validate_catalog_data,
)
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.names import normalise_name, normalise_title
from track_assets.sandbox.catalog.timeseries import (
    VIRAL_DAILY_GROWTH_RATE,
    ChartmetricMetric,
    SeriesPoint,
    chartmetric_series,
    chartmetric_value_on,
    count_on,
    is_viral,
    play_count_on,
    popularity_on,
)
from track_assets.sandbox.catalog.truth import (
    Case,
    ExpectedTrack,
    catalog_cases,
    ground_truth,
    skipped_items,
)

__all__ = [
    "DEMO_PLAYLISTS",
    "DEMO_REFERENCE_DATE",
    "DEMO_SEED",
    "DEMO_TRACKS",
    "VIRAL_DAILY_GROWTH_RATE",
    "Case",
    "Catalog",
    "CatalogError",
    "ChartmetricMetric",
    "ExpectedTrack",
    "SeriesPoint",
    "catalog_cases",
    "catalog_json",
    "catalog_schema",
    "chartmetric_series",
    "chartmetric_value_on",
    "count_on",
    "generate",
    "generate_catalog",
    "ground_truth",
    "is_viral",
    "load_catalog",
    "normalise_name",
    "normalise_title",
    "play_count_on",
    "popularity_on",
    "skipped_items",
    "validate_catalog_data",
]
