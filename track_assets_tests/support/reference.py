"""The recorded real service responses the tests read, kept in the repository under
track_assets_tests/fixtures/reference/ (fixtures/SOURCES.md says where each one came from)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "reference"


def reference_path(relative: str) -> Path:
    path = REFERENCE_DIR / relative
    if not path.exists():
        raise FileNotFoundError(
            f"recorded fixture {relative!r} is missing under "
            f"track_assets_tests/fixtures/reference ({path}); "
            "track_assets_tests/fixtures/SOURCES.md says where each recording came from"
        )
    return path


def reference_json(relative: str) -> Any:
    return json.loads(reference_path(relative).read_text(encoding="utf-8"))


def reference_text(relative: str) -> str:
    return reference_path(relative).read_text(encoding="utf-8")
