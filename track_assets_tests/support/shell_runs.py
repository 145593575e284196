"""Runs as a user executes them from a shell: `dagster asset materialize` and `track-assets`
processes on a PostgreSQL instance and database of their own (the shipped PostgreSQL instance
file), for the tests that kill, race or count such processes."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES, PHASE_ASSETS
from track_assets_tests.support.postgres import PostgresServer

BIN = Path(sys.executable).parent
INSTANCE_YAML = Path(__file__).resolve().parents[2] / "dagster_home" / "postgres" / "dagster.yaml"
# Phases 0-6 of a playlist, as scripts/demo_run materializes them.
PHASES_0_TO_6 = ",".join(asset.key.to_user_string() for asset in PHASE_ASSETS)


@dataclass(frozen=True)
class ShellDeployment:
    home: Path  # DAGSTER_HOME, where the sandbox announces itself too
    env: dict[str, str]
    database_url: str

    def materialize(self, partition: str, selection: str = PHASES_0_TO_6) -> list[str]:
        return [
            *(str(BIN / "dagster"), "asset", "materialize", "-m", "track_assets.definitions"),
            *("--select", selection, "--partition", partition),
        ]

    def track_assets(self, *arguments: str) -> list[str]:
        return [str(BIN / "track-assets"), *arguments]


def shell_deployment(
    postgres: PostgresServer, folder: Path, name: str, **variables: str
) -> ShellDeployment:
    """A new instance and database named after `name`; `variables` added to the environment."""
    home = folder / "home"
    home.mkdir()
    shutil.copyfile(INSTANCE_YAML, home / "dagster.yaml")
    database_url = postgres.create_database(f"{name}_track_assets")
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES}
    env |= {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_URL": postgres.create_database(f"{name}_dagster"),
        "TRACK_ASSETS_DATABASE_URL": database_url,
        **variables,
    }
    return ShellDeployment(home, env, database_url)
