"""A DAGSTER_HOME with the project's dagster.yaml and a migrated database, a sandbox announced
in it, the environment a user would run `track-assets doctor` in, and the command run through
click (in-process) or as a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from track_assets.cli import main
from track_assets.db.migrate import upgrade_to_head
from track_assets.sandbox.catalog import Catalog, generate_catalog, load_catalog
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import RESOURCE_VARIABLES, SERVICE_NAMES
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES

REPO_ROOT = Path(__file__).resolve().parents[2]
TRACK_ASSETS = Path(sys.executable).with_name("track-assets")
# Every variable that points a service at a host: none may leak in from the machine.
URL_VARIABLES = tuple(
    variable
    for name in SERVICE_NAMES
    for field, variable in RESOURCE_VARIABLES[name].items()
    if field.endswith("_url")
)


@dataclass
class Doctor:
    """One run of the command: its exit code, its output and (with --json) its document."""

    exit_code: int
    stdout: str
    stderr: str

    def lines(self) -> dict[str, str]:
        """Each check's line by name: "PASS  spotify_api  sandbox  ..." -> {"spotify_api": ...}."""
        found = {}
        for line in self.stdout.splitlines():
            parts = line.split(maxsplit=1)
            if len(parts) == 2 and parts[0] in ("PASS", "FAIL", "WARN", "SKIP"):
                found[parts[1].split()[0]] = line
        return found

    def statuses(self) -> dict[str, str]:
        return {name: line.split()[0] for name, line in self.lines().items()}

    def document(self) -> dict:
        return json.loads(self.stdout)


def make_home(folder: Path) -> Path:
    """A DAGSTER_HOME with the project's dagster.yaml and a database at head."""
    home = folder / "dagster_home"
    home.mkdir(parents=True)
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    upgrade_to_head(database_url(home))
    return home


def database_url(home: Path) -> str:
    return f"sqlite:///{home / 'track_assets.sqlite'}"


def clean_environment(home: Path, **variables: str) -> dict[str, str]:
    """This process's environment without any service configuration, on `home`."""
    env = {k: v for k, v in os.environ.items() if k not in OUTSIDE_VARIABLES + URL_VARIABLES}
    return env | {
        "DAGSTER_HOME": str(home),
        "TRACK_ASSETS_DATABASE_URL": database_url(home),
        **variables,
    }


def real_mode_environment(sandbox: SandboxServer, credentials: Mapping[str, str]) -> dict[str, str]:
    """Every service configured as a deployment configures the real ones (credentials in the
    environment, TRACK_ASSETS_SANDBOX=off), its URLs pointing at `sandbox`."""
    urls = {
        RESOURCE_VARIABLES[name][f"{key}_url"]: url
        for name in SERVICE_NAMES
        for key, url in sandbox.runtime.services[name].urls.items()
    }
    return {"TRACK_ASSETS_SANDBOX": "off", **urls, **credentials}


def sandbox_credentials(sandbox: SandboxServer) -> dict[str, str]:
    return {k: v for name in SERVICE_NAMES for k, v in sandbox.credentials(name).items()}


def run_in_process(env: Mapping[str, str], *args: str) -> Doctor:
    # Every variable of this process not in `env` is unset for the run, as in a subprocess.
    unset = {name: None for name in os.environ if name not in env}
    result = CliRunner().invoke(main, ["doctor", *args], env={**unset, **env})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Doctor(result.exit_code, result.stdout, result.stderr)


def run_subprocess(env: Mapping[str, str], *args: str) -> Doctor:
    done = subprocess.run(
        [str(TRACK_ASSETS), "doctor", *args],
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Doctor(done.returncode, done.stdout, done.stderr)


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(generate_catalog(seed=11, playlists=3, tracks=20))


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    return make_home(tmp_path_factory.mktemp("doctor"))


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog, home: Path) -> Iterator[SandboxServer]:
    """Every emulator, announced in `home` (development tier, the default Chartmetric plan)."""
    options = SandboxOptions(seed=5, rate_limits="off", date=catalog.reference_date)
    with SandboxServer(all_emulators(), catalog, options, runtime_dir=home) as server:
        yield server
