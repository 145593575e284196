"""`track-assets doctor` against a running sandbox over real HTTP and real Chromium: every line
passes with the sandbox's credentials; a wrong credential of each kind fails its service's line
with the service's reason and exits 1, the other lines still passing."""

from __future__ import annotations

import pytest

from track_assets.db.migrate import head_revision
from track_assets.sandbox.probes import probe_ids
from track_assets_tests.doctor.conftest import (
    clean_environment,
    real_mode_environment,
    run_in_process,
    sandbox_credentials,
)

pytestmark = pytest.mark.chromium

SERVICES = ("spotify_api", "spotify_web", "chartmetric", "mlc", "musicbrainz")
EVERY_LINE = (
    "configuration",
    "sandbox",
    *SERVICES,
    "database",
    "dagster_instance",
    "dagster_run_queue",
    "dagster_pools",
    "dagster_daemon",
)


@pytest.fixture(scope="module")
def on_sandbox(sandbox, home):
    """The doctor as `make dev` users run it: no credentials, the sandbox in DAGSTER_HOME."""
    return run_in_process(clean_environment(home), "--json")


def test_every_line_passes_on_the_sandbox(on_sandbox, catalog):
    document = on_sandbox.document()
    assert on_sandbox.exit_code == 0, on_sandbox.stdout
    assert document["ok"] is True
    statuses = {check["name"]: check["status"] for check in document["checks"]}
    assert list(statuses) == list(EVERY_LINE)
    # The daemon is not running in the test: a warning, as under `make demo`.
    assert statuses == dict.fromkeys(EVERY_LINE, "pass") | {"dagster_daemon": "warn"}
    facts = {check["name"]: check["facts"] for check in document["checks"]}
    assert {check["target"] for check in document["checks"] if check["name"] in SERVICES} == {
        "sandbox"
    }
    assert facts["configuration"]["services"] == dict.fromkeys(SERVICES, "sandbox")
    probe = probe_ids(catalog)
    assert (
        facts["spotify_api"] | {"tier": "development", "tier_source": "detected"}
        == facts["spotify_api"]
    )
    assert facts["spotify_api"]["probe_track"] == probe["spotify_track_id"]
    assert facts["spotify_api"]["probe_found"] is True
    assert facts["spotify_web"]["logged_in"] is True and facts["spotify_web"]["writers"] > 0
    # The emulator's default plan has no stream counts (docs/services.md#chartmetric-plan-restrictions).
    assert facts["chartmetric"]["spotify_streams"] == "not_in_plan"
    assert facts["chartmetric"]["chartmetric_ids"]
    assert facts["mlc"]["recordings"] > 0 and facts["musicbrainz"]["recordings"] > 0
    assert facts["musicbrainz"]["contact"] == "sandbox@track-assets.invalid"
    assert facts["database"]["revision"] == facts["database"]["head"] == head_revision()
    assert facts["dagster_run_queue"]["max_concurrent_runs"] == 4  # the shipped dagster.yaml
    assert facts["dagster_pools"]["default_limit"] == 1


def test_the_text_report_has_one_line_per_check_and_the_totals(sandbox, home):
    doctor = run_in_process(clean_environment(home))
    assert doctor.exit_code == 0
    assert doctor.statuses() == dict.fromkeys(EVERY_LINE, "PASS") | {"dagster_daemon": "WARN"}
    lines = doctor.lines()
    assert "development tier" in lines["spotify_api"]
    assert "logged in with SPOTIFY_SP_DC" in lines["spotify_web"]
    assert "Spotify stream counts: not in the plan" in lines["chartmetric"]
    assert doctor.stdout.splitlines()[-1] == "OK: 11 pass, 1 warn"


# One wrong credential at a time; every other service keeps the sandbox's own.
WRONG = {
    "SPOTIFY_CLIENT_SECRET": (
        "wrong-client-secret-7c1e",
        "spotify_api",
        "Spotify rejected the app credentials (HTTP 400 invalid_client: Invalid client secret)",
    ),
    "SPOTIFY_CLIENT_ID": (
        "0123456789abcdef0123456789abcdef",
        "spotify_api",
        "(HTTP 400 invalid_client: Invalid client)",
    ),
    "SPOTIFY_SP_DC": (
        "AQwrong-sp-dc-cookie-3f9a",
        "spotify_web",
        "The web player refused the SPOTIFY_SP_DC cookie (the page's /api/token answer is "
        "anonymous)",
    ),
    "CHARTMETRIC_REFRESH_TOKEN": (
        "wrong-refresh-token-5b2d",
        "chartmetric",
        "chartmetric refused the refresh token: HTTP 401 on POST /api/token (Invalid refresh "
        "token)",
    ),
    "MLC_PASSWORD": (
        "wrong-mlc-password-8e4c",
        "mlc",
        "mlc refused the login: HTTP 403 on POST /oauth/token (Request failed with status code "
        "403: Wrong email or password.)",
    ),
    "MUSICBRAINZ_CONTACT": (
        "nobody",
        "musicbrainz",
        "MUSICBRAINZ_CONTACT='nobody' is neither an e-mail address nor an http(s) URL",
    ),
    # Not a secret but a setting that does not match the credentials.
    "SPOTIFY_API_TIER": (
        "extended",
        "spotify_api",
        "Spotify Web API: the batch endpoint GET /v1/tracks?ids= is not available to this app "
        "(extended tier); Spotify answered 403 as it does for Development Mode apps",
    ),
}


# Not secrets: a contact is what MusicBrainz's line shows, the tier what Spotify's line says.
SETTINGS = ("MUSICBRAINZ_CONTACT", "SPOTIFY_API_TIER")


def test_with_the_sandbox_credentials_set_as_real_ones_every_service_passes(sandbox, home):
    env = clean_environment(home) | real_mode_environment(sandbox, sandbox_credentials(sandbox))
    doctor = run_in_process(env, "--json")
    document = doctor.document()
    assert doctor.exit_code == 0, doctor.stdout
    services = {c["name"]: c for c in document["checks"] if c["name"] in SERVICES}
    assert {c["status"] for c in services.values()} == {"pass"}
    # Credentials set, URLs moved: neither the sandbox nor the real hosts.
    assert {c["target"] for c in services.values()} == {"custom"}
    sandbox_line = next(c for c in document["checks"] if c["name"] == "sandbox")
    assert sandbox_line["facts"]["used_by"] == []


@pytest.mark.parametrize("variable", list(WRONG))
def test_a_wrong_credential_fails_its_line_with_the_reason(sandbox, home, variable):
    value, failing, reason = WRONG[variable]
    credentials = sandbox_credentials(sandbox) | {variable: value}
    env = clean_environment(home) | real_mode_environment(sandbox, credentials)
    doctor = run_in_process(env)
    assert doctor.exit_code == 1, doctor.stdout
    statuses = doctor.statuses()
    assert statuses[failing] == "FAIL", doctor.stdout
    assert reason in doctor.lines()[failing]
    others = {name: s for name, s in statuses.items() if name in SERVICES and name != failing}
    assert set(others.values()) == {"PASS"}, doctor.stdout
    assert doctor.stdout.splitlines()[-1].startswith("FAILED: ")
    if variable not in SETTINGS:
        assert value not in doctor.stdout + doctor.stderr
