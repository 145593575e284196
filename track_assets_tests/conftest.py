"""Shared fixtures: a real PostgreSQL server, fresh databases on SQLite and PostgreSQL; and how
the suite splits across pytest-xdist workers (`scripts/test` runs `-n 2 --dist loadscope`)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy.engine import Engine, make_url

from track_assets_tests.support.postgres import PostgresServer, start_postgres
from track_assets_tests.support.schema import MigratedTemplate, migrated_engine

REPO_ROOT = Path(__file__).resolve().parents[1]
_database_numbers = itertools.count()

# Units of work that take minutes, handed out first so that none starts last (xdist only).
LONGEST_FIRST = (
    "track_assets_tests/test_end_to_end.py",
    "defs-postgres",
    "defs-sqlite",
    "track_assets_tests/test_accuracy.py",
    "track_assets_tests/sandbox/test_generate_hard_cases.py",
    "track_assets_tests/sandbox/test_catalog_generate.py",
    "track_assets_tests/test_dagster_dev.py",
)


def work_unit(nodeid: str) -> str:
    """What one xdist worker runs together: a test module (its module fixtures are built once),
    except that the pipeline tests (defs/) go by database backend, as the catalog they share is
    enriched once per backend (defs/conftest.py) and each worker then builds only its own."""
    module = nodeid.split("::")[0]
    params = nodeid[nodeid.index("[") + 1 : -1].split("-") if nodeid.endswith("]") else []
    if module.startswith("track_assets_tests/defs/"):
        for backend in ("sqlite", "postgres"):
            if backend in params:
                return f"defs-{backend}"
    return module


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist loadscope` with `work_unit` as the scope (and the order collected, with
    `--no-loadscope-reorder`)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class WorkUnitScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return WorkUnitScheduling(config, log)


def _under_xdist() -> bool:
    return "PYTEST_XDIST_WORKER" in os.environ


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On an xdist worker, the longest units of work first (the order the scheduler follows)."""
    if _under_xdist():
        rank = {unit: n for n, unit in enumerate(LONGEST_FIRST)}
        items.sort(key=lambda item: rank.get(work_unit(item.nodeid), len(rank)))


@pytest.fixture(scope="session", autouse=True)
def worker_dagster_home(tmp_path_factory) -> Iterator[None]:
    """On an xdist worker, its own DAGSTER_HOME (with the repository's dagster.yaml): what a test
    leaves in the default one (rate-limit state, a runtime file) never reaches the other worker."""
    if not _under_xdist():
        yield
        return
    home = tmp_path_factory.mktemp("worker") / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DAGSTER_HOME", str(home))
        yield


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> MigratedTemplate:
    return MigratedTemplate(tmp_path_factory.mktemp("migrated"))


@pytest.fixture
def engine_at_head(migrated_template, request) -> Callable[[str], Engine]:
    """An engine on the new, empty database at a URL, brought to the schema's head: a copy of
    a database migrated once per session, on which `upgrade_to_head` then finds nothing to do."""

    def at_head(url: str) -> Engine:
        postgres = None
        if make_url(url).get_backend_name() == "postgresql":
            postgres = request.getfixturevalue("postgres_server")
        migrated_template.copy_into(url, postgres)
        return migrated_engine(url)

    return at_head


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A URL to a new, empty PostgreSQL database (one per test, dropped after it: the cluster
    stays small, and stops quickly at the end of the session)."""
    name = f"test_{next(_database_numbers)}"
    yield postgres_server.create_database(name)
    postgres_server.drop_database(name)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """A URL to a new, empty SQLite database file (one per test)."""
    return f"sqlite:///{tmp_path / 'track_assets.sqlite'}"


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    """Runs the test once on SQLite and once on a real PostgreSQL server."""
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def sqlite_instance(tmp_path) -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance on SQLite storage in a temp DAGSTER_HOME."""
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


@pytest.fixture
def postgres_instance(postgres_server: PostgresServer) -> Iterator[dg.DagsterInstance]:
    """A real Dagster instance whose run, event and schedule storage is PostgreSQL."""
    url = postgres_server.create_database(f"dagster_{next(_database_numbers)}")
    overrides = {"storage": {"postgres": {"postgres_url": url}}}
    with dg.instance_for_test(overrides=overrides) as instance:
        yield instance


@pytest.fixture(params=["sqlite", "postgres"])
def dagster_instance(request) -> dg.DagsterInstance:
    """Runs the test once on each kind of instance storage."""
    return request.getfixturevalue(f"{request.param}_instance")
