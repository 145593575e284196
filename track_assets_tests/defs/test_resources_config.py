"""The resources take their configuration from Dagster: environment variables bound as EnvVar
(the UI's snapshot never holds a credential), the sandbox when no credentials are set, run
config over any field, malformed values named, and the schema checked once per process."""

from __future__ import annotations

import json
from datetime import timedelta

import dagster as dg
import httpx
import pytest
from dagster._core.remote_representation.external_data import (
    RepositorySnap,
    ResourceConfigEnvVarSnap,
)
from dagster._serdes import serialize_value
from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url

from track_assets.accuracy import relaxed_resources
from track_assets.db.engine import make_engine
from track_assets.db.rate_limits import PostgresRateLimiter
from track_assets.definitions import defs
from track_assets.defs.resources import (
    DatabaseResource,
    FreshnessResource,
    MlcResource,
    SpotifyApiResource,
    WebhookResource,
    resources,
)
from track_assets.services.http import FileRateLimiter
from track_assets.settings import (
    RESOURCE_VARIABLES,
    SERVICE_NAMES,
    ConfigurationError,
    SandboxNotRunning,
    ServiceSettings,
)

# Values the UI must never see: every credential, URL and path a deployment might set.
SECRET_VALUES = {
    "SPOTIFY_CLIENT_ID": "secret-client-id",
    "SPOTIFY_CLIENT_SECRET": "secret-client-secret",
    "SPOTIFY_SP_DC": "secret-sp-dc-cookie",
    "CHARTMETRIC_REFRESH_TOKEN": "secret-chartmetric-refresh",
    "MLC_USERNAME": "secret-mlc-user@label.example",
    "MLC_PASSWORD": "secret-mlc-password",
    "MUSICBRAINZ_CONTACT": "secret-contact@label.example",
    "SPOTIFY_API_BASE_URL": "https://secret-api-proxy.example",
    "MLC_BASE_URL": "https://secret-mlc-proxy.example",
    "TRACK_ASSETS_DATABASE_URL": "postgresql+psycopg2://app:secret-db-password@db.example/track",
    "TRACK_ASSETS_WEBHOOK_URL": "https://hooks.example/secret-hook-path",
    "TRACK_ASSETS_WEBHOOK_SECRET": "secret-webhook-signing-key",
    "TRACK_ASSETS_EXPORT_DIR": "/srv/secret-exports",
}
ALL_VARIABLES = {v for fields in RESOURCE_VARIABLES.values() for v in fields.values()}


@pytest.fixture
def home(monkeypatch, tmp_path):
    """No track_assets variable set; DAGSTER_HOME a fresh folder."""
    for variable in ALL_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


@pytest.fixture
def environment(home, monkeypatch):
    """Sets variables for the rest of the test."""

    def set_variables(values: dict[str, str]) -> None:
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_variables


def running_sandbox(home) -> dict:
    runtime = {
        "services": {
            name: {
                "urls": {"base": f"http://127.0.0.1:4100/{name}"},
                "credentials": {"SANDBOX_KEY": f"sandbox-{name}"},
            }
            for name in SERVICE_NAMES
        }
    }
    (home / "sandbox.json").write_text(json.dumps(runtime))
    return runtime


def test_every_variable_names_a_field_of_its_resource(home):
    bound = resources().resources
    assert set(bound) == set(RESOURCE_VARIABLES)
    for key, fields in RESOURCE_VARIABLES.items():
        assert set(fields) <= set(type(bound[key]).model_fields), key


def test_set_variables_are_bound_as_env_vars_and_never_reach_the_ui(environment):
    environment(SECRET_VALUES)
    bound = resources().resources
    for key, fields in RESOURCE_VARIABLES.items():
        for field, variable in fields.items():
            value = getattr(bound[key], field)
            if variable in SECRET_VALUES:
                assert isinstance(value, dg.EnvVar), f"{key}.{field}"
                assert value.env_var_name == variable
    assert bound["spotify_web"].sp_dc.env_var_name == "SPOTIFY_SP_DC"

    # What the webserver receives from the code location: resources, jobs and their run
    # config schemas (whose defaults are the bound values), sensors, schedules.
    snapshot = RepositorySnap.from_def(defs().get_repository_def())
    serialized = serialize_value(snapshot)
    leaked = [name for name, value in SECRET_VALUES.items() if value in serialized]
    assert leaked == []
    shown = {r.name: r.configured_values for r in snapshot.resources or ()}
    assert shown["spotify_api"]["client_secret"] == ResourceConfigEnvVarSnap(
        name="SPOTIFY_CLIENT_SECRET"
    )
    assert shown["database"]["url"] == ResourceConfigEnvVarSnap(name="TRACK_ASSETS_DATABASE_URL")
    assert shown["webhook"]["secret"] == ResourceConfigEnvVarSnap(
        name="TRACK_ASSETS_WEBHOOK_SECRET"
    )


def test_bound_env_vars_resolve_to_the_real_service_in_the_process_that_uses_them(environment):
    environment(SECRET_VALUES)
    with dg.build_resources(resources().resources) as built:
        api = built.spotify_api.service_settings()
        mlc = built.mlc.service_settings()
        assert built.database.resolved_url() == SECRET_VALUES["TRACK_ASSETS_DATABASE_URL"]
        assert built.webhook.enabled
        assert built.exports.path().as_posix() == "/srv/secret-exports"
    assert not api.sandbox and api.url() == "https://secret-api-proxy.example"
    assert api.url("accounts") == "https://accounts.spotify.com"
    assert api.credentials == {
        "SPOTIFY_CLIENT_ID": "secret-client-id",
        "SPOTIFY_CLIENT_SECRET": "secret-client-secret",
    }
    assert mlc.credentials["MLC_PASSWORD"] == "secret-mlc-password"


def test_without_variables_every_service_resolves_to_the_running_sandbox(home):
    runtime = running_sandbox(home)
    bound = resources().resources
    with dg.build_resources(bound) as built:
        for name in SERVICE_NAMES:
            service = getattr(built, name).service_settings()
            assert service.sandbox, name
            assert service.base_urls == runtime["services"][name]["urls"]
        assert built.database.resolved_url().endswith("dagster_home/track_assets.sqlite")
        assert not built.webhook.enabled
        assert built.freshness.static_ttl == timedelta(days=30)
        assert built.freshness.volatile_ttl == timedelta(hours=20)


def test_no_sandbox_running_is_reported_when_a_client_is_opened_not_at_load(home):
    bound = resources().resources  # loads: nothing is resolved yet
    with dg.build_resources({"chartmetric": bound["chartmetric"]}) as built:
        chartmetric = built.chartmetric
    with pytest.raises(SandboxNotRunning, match="track-assets sandbox serve"):
        chartmetric.service_settings()


def test_sandbox_on_wins_over_credentials_and_off_demands_them(home, environment):
    running_sandbox(home)
    environment({"MLC_USERNAME": "me", "MLC_PASSWORD": "pw", "TRACK_ASSETS_SANDBOX": "on"})
    with dg.build_resources({"mlc": resources().resources["mlc"]}) as built:
        assert built.mlc.service_settings().sandbox
    environment({"TRACK_ASSETS_SANDBOX": "off"})
    with dg.build_resources({"musicbrainz": resources().resources["musicbrainz"]}) as built:
        musicbrainz = built.musicbrainz
    with pytest.raises(ConfigurationError, match="MUSICBRAINZ_CONTACT not set"):
        musicbrainz.service_settings()


def test_real_spotify_api_credentials_alone_select_the_real_web_player(home, environment):
    running_sandbox(home)
    environment({"SPOTIFY_CLIENT_ID": "a", "SPOTIFY_CLIENT_SECRET": "b"})
    with dg.build_resources({"spotify_web": resources().resources["spotify_web"]}) as built:
        web = built.spotify_web.service_settings()
    assert not web.sandbox and web.url() == "https://open.spotify.com"
    assert "SPOTIFY_SP_DC" not in web.credentials


def test_run_config_overrides_the_fields_bound_at_load(home, environment):
    running_sandbox(home)
    environment({"MLC_USERNAME": "from-env", "MLC_PASSWORD": "env-pw"})
    bound = resources().resources
    run_config = {
        "mlc": {
            "config": {
                "username": "from-run-config",
                "password": {"env": "MLC_PASSWORD"},
                "base_url": "https://mlc.internal",
            }
        },
        "spotify_api": {"config": {"sandbox": "on", "tier": "extended"}},
    }
    with dg.build_resources(bound, resource_config=run_config) as built:
        mlc = built.mlc.service_settings()
        assert built.spotify_api.service_settings().sandbox
        assert built.spotify_api.tier == "extended"
    assert mlc.credentials == {"MLC_USERNAME": "from-run-config", "MLC_PASSWORD": "env-pw"}
    assert mlc.url() == "https://mlc.internal"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"TRACK_ASSETS_STATIC_TTL_DAYS": "soon"}, "TRACK_ASSETS_STATIC_TTL_DAYS='soon' is not"),
        ({"TRACK_ASSETS_VOLATILE_TTL_HOURS": "-3"}, "TRACK_ASSETS_VOLATILE_TTL_HOURS must be"),
        ({"TRACK_ASSETS_WEBHOOK_URL": "https://hooks.example/x"}, "TRACK_ASSETS_WEBHOOK_SECRET"),
        ({"TRACK_ASSETS_SANDBOX": "maybe"}, "TRACK_ASSETS_SANDBOX='maybe' is not one of"),
        ({"CHARTMETRIC_MAX_REQUESTS": "2.5"}, "CHARTMETRIC_MAX_REQUESTS must be a whole"),
        ({"MUSICBRAINZ_PER_SECONDS": "0"}, "MUSICBRAINZ_PER_SECONDS must be positive"),
        ({"MLC_MAX_REQUESTS": "many"}, "MLC_MAX_REQUESTS='many' is not a number"),
        ({"SPOTIFY_WEB_TIMEOUT_SECONDS": "-1"}, "SPOTIFY_WEB_TIMEOUT_SECONDS must be positive"),
    ],
)
def test_a_malformed_variable_fails_the_load_with_one_line_naming_it(
    environment, variables, message
):
    environment(variables)
    with pytest.raises(ConfigurationError, match=message):
        resources()


def test_ttls_are_bound_as_numbers_and_read_as_timedeltas(environment):
    environment({"TRACK_ASSETS_STATIC_TTL_DAYS": "7", "TRACK_ASSETS_VOLATILE_TTL_HOURS": "1.5"})
    freshness = resources().resources["freshness"]
    assert freshness.static_ttl_days == 7.0
    assert freshness.static_ttl == timedelta(days=7)
    assert freshness.volatile_ttl == timedelta(minutes=90)


def test_a_plans_rate_limit_is_bound_as_numbers_and_paces_the_client(environment):
    """A Chartmetric plan allowing 10 requests a second, set once in the environment."""
    environment({"CHARTMETRIC_MAX_REQUESTS": "10", "CHARTMETRIC_PER_SECONDS": "1"})
    bound = resources().resources
    chartmetric, musicbrainz = bound["chartmetric"], bound["musicbrainz"]
    assert (chartmetric.max_requests, chartmetric.per_seconds) == (10, 1.0)
    assert isinstance(chartmetric.max_requests, int)
    assert (musicbrainz.max_requests, musicbrainz.per_seconds) == (1, 1.0)  # the default kept
    service = ServiceSettings("chartmetric", {"base": "http://127.0.0.1:1"}, sandbox=True)
    limiter = chartmetric._limiter(service, "token")
    assert (limiter.max_requests, limiter.per_seconds) == (10, 1.0)


@pytest.mark.postgres
def test_on_postgresql_every_machine_shares_the_rate_limit_through_the_database(
    home, environment, postgres_url, engine_at_head
):
    engine_at_head(postgres_url).dispose()
    environment({"TRACK_ASSETS_DATABASE_URL": postgres_url})
    with dg.build_resources(resources().resources) as built:
        limiter = built.chartmetric.rate_limiter("refresh-token")
        assert isinstance(limiter, PostgresRateLimiter)
        assert (limiter.max_requests, limiter.per_seconds, limiter.hold_seconds) == (1, 1.0, 40.0)
        for _ in range(3):
            with limiter.slot():
                pass
        assert _connections_to(postgres_url) == 1  # one engine for the limiter, not one a request
    assert _connections_to(postgres_url) == 0  # closed at the step's teardown
    assert not (home / ".rate_limits").exists()
    # The same choice for the resources tests and accuracy runs bind in code.
    relaxed = relaxed_resources(postgres_url)
    assert isinstance(relaxed["mlc"].rate_limiter("user"), PostgresRateLimiter)


@pytest.mark.parametrize("database", ["unset", "sqlite"])
def test_on_sqlite_the_rate_limit_is_shared_through_a_file_in_dagster_home(
    home, environment, database
):
    if database == "sqlite":
        environment({"TRACK_ASSETS_DATABASE_URL": f"sqlite:///{home / 'elsewhere.sqlite'}"})
    with dg.build_resources(resources().resources) as built:
        limiter = built.musicbrainz.rate_limiter("this machine's address")
        assert isinstance(limiter, FileRateLimiter)
        assert limiter.path.parent == home / ".rate_limits"
    assert isinstance(MlcResource().rate_limiter("user"), FileRateLimiter)  # no database given


def _connections_to(url: str) -> int:
    """Sessions open on the database at `url`, but for this one."""
    parsed = make_url(url)
    engine = make_engine(parsed.set(database="postgres"))
    try:
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name"),
                {"name": parsed.database},
            ).scalar_one()
    finally:
        engine.dispose()


def test_a_timeout_from_the_environment_reaches_the_client(environment):
    environment({"MLC_TIMEOUT_SECONDS": "2.5"})
    bound = resources().resources
    assert (bound["mlc"].timeout_seconds, bound["chartmetric"].timeout_seconds) == (2.5, 30.0)
    client = MlcResource(timeout_seconds=2.5, username="u", password="p").client(counters=None)
    assert client._http._http.timeout == httpx.Timeout(2.5, connect=2.5)


def test_malformed_run_config_values_are_named_when_the_resource_is_used():
    with pytest.raises(ConfigurationError, match=r"freshness.static_ttl_days \(TRACK_ASSETS_"):
        _ = FreshnessResource(static_ttl_days=-1).static_ttl
    webhook = WebhookResource(url="https://hooks.example/x")
    with pytest.raises(ConfigurationError, match=r"webhook.secret \(TRACK_ASSETS_WEBHOOK_SECRET"):
        _ = webhook.enabled
    with pytest.raises(ConfigurationError, match="not an http"):
        WebhookResource(url="ftp://hooks.example/x", secret="s").sender()
    with pytest.raises(ConfigurationError, match=r"spotify_api.tier \(SPOTIFY_API_TIER\)='gold'"):
        SpotifyApiResource(tier="gold", client_id="a", client_secret="b").client(counters=None)
    with pytest.raises(ConfigurationError, match="MLC_PASSWORD not set"):
        MlcResource(username="me").service_settings()


@pytest.fixture
def schema_checks():
    """How many statements have read or written alembic_version, in any engine of this process."""
    statements = []

    def count(conn, cursor, statement, *args) -> None:
        if "alembic_version" in statement:
            statements.append(statement)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(Engine, "before_cursor_execute", count)


def test_the_schema_is_checked_once_per_process_however_many_transactions(tmp_path, schema_checks):
    url = f"sqlite:///{tmp_path / 'track_assets.sqlite'}"
    database = DatabaseResource(url=url)
    with database.transaction() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM playlists").scalar() == 0
    first = len(schema_checks)
    assert first > 0  # the first transaction migrated the new database
    with database.transaction() as conn:
        conn.exec_driver_sql("SELECT count(*) FROM playlists")
    with DatabaseResource(url=url).transaction() as conn:  # another tick's resource
        conn.exec_driver_sql("SELECT count(*) FROM playlists")
    assert len(schema_checks) == first

    other = DatabaseResource(url=f"sqlite:///{tmp_path / 'other.sqlite'}")
    with other.transaction() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM playlists").scalar() == 0
    assert len(schema_checks) > first
