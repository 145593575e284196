"""The pipeline's clock follows the sandbox's only when every service is emulated."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from track_assets.pipeline_clock import pipeline_now
from track_assets.sandbox.catalog import generate_catalog, load_catalog
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.settings import SandboxNotRunning, load_settings

PINNED = date(2026, 3, 2)


@pytest.fixture(scope="module")
def small_catalog():
    return load_catalog(generate_catalog(seed=3))


@pytest.fixture
def sandbox(small_catalog, tmp_path):
    options = SandboxOptions(seed=1, rate_limits="off", date=PINNED)
    with SandboxServer(all_emulators(), small_catalog, options, runtime_dir=tmp_path) as server:
        yield server


def test_on_the_sandbox_now_is_the_sandbox_date_with_the_real_time_of_day(sandbox, tmp_path):
    settings = load_settings({"DAGSTER_HOME": str(tmp_path)})
    now = pipeline_now(settings)
    assert now.date() == PINNED
    assert now.tzinfo is not None
    sandbox.clock.advance_days(1)
    assert pipeline_now(settings).date() == PINNED + timedelta(days=1)


def test_one_real_service_means_the_real_clock(sandbox, tmp_path):
    settings = load_settings({"DAGSTER_HOME": str(tmp_path), "MUSICBRAINZ_CONTACT": "me@x.org"})
    before = datetime.now(UTC)
    now = pipeline_now(settings)
    assert before <= now <= datetime.now(UTC)


def test_no_sandbox_running_is_a_clear_error(tmp_path):
    with pytest.raises(SandboxNotRunning, match="sandbox serve"):
        pipeline_now(load_settings({"DAGSTER_HOME": str(tmp_path)}))
