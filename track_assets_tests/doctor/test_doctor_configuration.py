"""The doctor on setups that are not (fully) configured: a service with no credentials and no
sandbox is a warning, not a traceback; missing halves, a forced sandbox that is not running, an
unreachable host and a malformed variable fail their line, quickly, and exit 1."""

from __future__ import annotations

import pytest

from track_assets_tests.doctor.conftest import clean_environment, make_home, run_in_process
from track_assets_tests.support.postgres import free_port

SERVICES = ("spotify_api", "spotify_web", "chartmetric", "mlc", "musicbrainz")


@pytest.fixture
def home(tmp_path):
    return make_home(tmp_path)


def test_no_credentials_and_no_sandbox_warns_for_each_service(home):
    doctor = run_in_process(clean_environment(home), "--json")
    assert doctor.exit_code == 0, doctor.stdout
    checks = {c["name"]: c for c in doctor.document()["checks"]}
    assert checks["sandbox"]["status"] == "warn"
    assert "not running" in checks["sandbox"]["detail"]
    assert "`track-assets sandbox serve`" in checks["sandbox"]["detail"]
    for name in SERVICES:
        assert checks[name]["status"] == "warn", checks[name]
        assert checks[name]["detail"].startswith("not configured: No service credentials are set")
    assert checks["database"]["status"] == "pass"


def test_a_forced_sandbox_that_is_not_running_fails(home):
    doctor = run_in_process(clean_environment(home, TRACK_ASSETS_SANDBOX="on"))
    assert doctor.exit_code == 1
    statuses = doctor.statuses()
    assert statuses["sandbox"] == "FAIL"
    assert {statuses[name] for name in SERVICES} == {"FAIL"}


@pytest.mark.chromium
def test_sandbox_off_and_nothing_set_says_not_configured(home):
    """Except for the web player: its play counts need no login, so with the sandbox off it is
    the real one, anonymous (here on a port where nothing listens)."""
    closed = f"http://127.0.0.1:{free_port()}"
    web_urls = {
        "SPOTIFY_WEB_BASE_URL": closed,
        "SPOTIFY_PATHFINDER_BASE_URL": closed,
        "SPOTIFY_SPCLIENT_BASE_URL": closed,
    }
    env = clean_environment(home, TRACK_ASSETS_SANDBOX="off", **web_urls)
    doctor = run_in_process(env, "--timeout", "2", "--json")
    checks = {c["name"]: c for c in doctor.document()["checks"]}
    assert checks["sandbox"]["status"] == "skip"
    for name in ("spotify_api", "chartmetric", "mlc", "musicbrainz"):
        assert (checks[name]["status"], checks[name]["target"]) == ("warn", "none")
        assert "TRACK_ASSETS_SANDBOX=off and no credentials" in checks[name]["detail"]
    assert checks["configuration"]["facts"]["services"] == {
        "spotify_api": "none",
        "spotify_web": "real",
        "chartmetric": "none",
        "mlc": "none",
        "musicbrainz": "none",
    }
    web = checks["spotify_web"]
    assert (web["status"], web["target"]) == ("fail", "custom")
    assert closed in web["detail"]
    assert doctor.exit_code == 1


def test_half_the_credentials_fail_naming_the_missing_variable(home):
    env = clean_environment(home, MLC_USERNAME="someone@example.org")
    doctor = run_in_process(env)
    assert doctor.exit_code == 1
    line = doctor.lines()["mlc"]
    assert line.startswith("FAIL") and "MLC_PASSWORD not set" in line
    assert "someone@example.org" not in doctor.stdout  # an account name is not shown either


def test_an_unreachable_host_fails_its_line_and_names_it(home):
    closed = f"http://127.0.0.1:{free_port()}"
    env = clean_environment(
        home,
        CHARTMETRIC_REFRESH_TOKEN="a-refresh-token-4e1a",
        CHARTMETRIC_BASE_URL=closed,
        MUSICBRAINZ_CONTACT="doctor@example.org",
        MUSICBRAINZ_BASE_URL=closed,
    )
    doctor = run_in_process(env, "--timeout", "2", "--json")
    assert doctor.exit_code == 1
    checks = {c["name"]: c for c in doctor.document()["checks"]}
    for name in ("chartmetric", "musicbrainz"):
        check = checks[name]
        assert (check["status"], check["target"]) == ("fail", "custom"), check
        assert closed in check["detail"] and "unreachable" in check["detail"]
        assert check["facts"]["error"] == "ServiceUnavailable"
    assert "ConnectError" in checks["chartmetric"]["detail"]


def test_a_malformed_variable_fails_the_configuration_and_skips_the_rest(home):
    doctor = run_in_process(clean_environment(home, TRACK_ASSETS_SANDBOX="sometimes"), "--json")
    assert doctor.exit_code == 1
    [first, *rest] = doctor.document()["checks"]
    assert first["name"] == "configuration" and first["status"] == "fail"
    assert "TRACK_ASSETS_SANDBOX='sometimes' is not one of auto, on, off" in first["detail"]
    assert {c["status"] for c in rest} == {"skip"} and len(rest) == 11


def test_a_dagster_home_that_does_not_exist_fails_its_line_and_skips_the_instance(tmp_path):
    missing = tmp_path / "nowhere"
    env = clean_environment(missing, TRACK_ASSETS_SANDBOX="off")
    doctor = run_in_process(env)
    assert doctor.exit_code == 1
    statuses = doctor.statuses()
    assert statuses["dagster_instance"] == "FAIL"
    assert "DAGSTER_HOME" in doctor.lines()["dagster_instance"]
    assert [statuses[n] for n in ("dagster_run_queue", "dagster_pools", "dagster_daemon")] == [
        "SKIP"
    ] * 3
    assert statuses["database"] == "WARN"  # not created yet: the first run creates it
    assert not missing.exists()  # the doctor creates nothing
