"""No secret in anything `track-assets doctor` prints: with distinctive credentials on every
service (set as a deployment sets them, the URLs on a sandbox that accepts only those), a
PostgreSQL database whose URL has a password and a webhook secret, the command is run as a user
runs it, right and then with every credential wrong, as text and as --json; its stdout and
stderr, and every string of the JSON document, are scanned for each secret."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from track_assets.db.migrate import upgrade_to_head
from track_assets.doctor.probes import REAL
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.doctor.conftest import (
    Doctor,
    clean_environment,
    make_home,
    real_mode_environment,
    run_subprocess,
)
from track_assets_tests.support.secrets import (
    SENTINELS,
    IssuedTokens,
    Scan,
    secret_values,
    sentinel_emulators,
)

pytestmark = [pytest.mark.slow, pytest.mark.chromium, pytest.mark.postgres]

SERVICES = ("spotify_api", "spotify_web", "chartmetric", "mlc", "musicbrainz")
WRONG = {
    "SPOTIFY_CLIENT_SECRET": "SENTINEL-wrong-spotify-client-secret-c4d2",
    "SPOTIFY_SP_DC": "AQSENTINEL-wrong-sp-dc-cookie-71b0",
    "CHARTMETRIC_REFRESH_TOKEN": "SENTINEL-wrong-chartmetric-refresh-token-e9f3",
    "MLC_PASSWORD": "SENTINEL-wrong-mlc-password-a5c8",
}


@pytest.fixture(scope="module")
def runs(catalog, postgres_server, tmp_path_factory) -> Iterator[tuple[IssuedTokens, dict]]:
    home = make_home(tmp_path_factory.mktemp("doctor_secrets"))
    url = make_url(postgres_server.create_database("doctor_secrets"))
    database_url = url.set(password=SENTINELS["DATABASE_PASSWORD"]).render_as_string(
        hide_password=False
    )  # the test cluster trusts loopback connections: any password is accepted
    upgrade_to_head(database_url)
    tokens = IssuedTokens()
    options = SandboxOptions(seed=3, rate_limits="off", date=catalog.reference_date)
    with SandboxServer(sentinel_emulators(tokens), catalog, options) as sandbox:
        credentials = {k: v for k, v in SENTINELS.items() if k != "DATABASE_PASSWORD"}
        env = clean_environment(home) | real_mode_environment(sandbox, credentials)
        env |= {
            "TRACK_ASSETS_DATABASE_URL": database_url,
            "TRACK_ASSETS_WEBHOOK_URL": "http://127.0.0.1:9/hooks/track-assets",
            "MUSICBRAINZ_CONTACT": "secrets-test@track-assets.invalid",
        }
        done = {
            "right": run_subprocess(env),
            "right --json": run_subprocess(env, "--json"),
            "wrong": run_subprocess(env | WRONG),
            "wrong --json": run_subprocess(env | WRONG, "--json"),
        }
    yield tokens, done


def test_the_runs_used_every_credential_and_the_wrong_ones_failed(runs):
    tokens, done = runs
    services = {where.split()[0] for where in tokens.tokens.values()}
    assert services >= {"spotify_api", "spotify_web", "chartmetric", "mlc"}, services
    assert done["right"].exit_code == 0, done["right"].stdout
    assert "FAIL" not in done["right"].statuses().values()
    checks = {c["name"]: c for c in done["right --json"].document()["checks"]}
    assert checks["database"]["status"] == "pass"
    assert checks["database"]["target"] == "postgresql"
    assert checks["database"]["facts"]["url"].count("***") == 1
    assert done["wrong"].exit_code == 1
    statuses = done["wrong"].statuses()
    assert [statuses[name] for name in SERVICES] == ["FAIL"] * 4 + ["PASS"]
    wrong = {c["name"]: c for c in done["wrong --json"].document()["checks"]}
    assert "invalid_client" in wrong["spotify_api"]["detail"]
    assert "SPOTIFY_SP_DC" in wrong["spotify_web"]["detail"]
    assert "HTTP 401" in wrong["chartmetric"]["detail"]
    assert "Wrong email or password" in wrong["mlc"]["detail"]


def test_no_secret_in_stdout_stderr_or_the_json(runs):
    tokens, done = runs
    scan = Scan(
        secret_values({f"wrong {k}": v for k, v in WRONG.items()}, tokens.named()),
        {"probe ISRC": REAL.isrc},
    )
    for name, run in done.items():
        scan.text("stdout", name, run.stdout)
        scan.text("stderr", name, run.stderr)
        if name.endswith("--json"):
            for value in strings(run):
                scan.text("json values", name, value)
    assert not scan.findings, f"secrets found:\n{scan.report()}"
    # The scan read what a leak would be in: every run's report names the probe ISRC.
    assert scan.controls_seen["probe ISRC"] >= {"stdout", "json values"}
    assert scan.items["stdout"] == 4 and scan.items["json values"] > 50


def strings(run: Doctor) -> Iterator[str]:
    """Every key and string value of the run's JSON document, decoded."""

    def walk(node) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                yield str(key)
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
        elif node is not None:
            yield node if isinstance(node, str) else json.dumps(node)

    return walk(run.document())
