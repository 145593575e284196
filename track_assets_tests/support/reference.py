"""The recorded real responses in ../shared/reference (beside the project, also in CI)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REFERENCE_DIR = Path(
    os.environ.get("TRACK_ASSETS_REFERENCE_DIR")
    or Path(__file__).resolve().parents[2].parent / "shared" / "reference"
)


def reference_path(relative: str) -> Path:
    path = REFERENCE_DIR / relative
    if not path.exists():
        raise FileNotFoundError(
            f"reference file {path} not found; the tests need ../shared/reference beside the "
            "project (or TRACK_ASSETS_REFERENCE_DIR)"
        )
    return path


def reference_json(relative: str) -> Any:
    return json.loads(reference_path(relative).read_text(encoding="utf-8"))


def reference_text(relative: str) -> str:
    return reference_path(relative).read_text(encoding="utf-8")
