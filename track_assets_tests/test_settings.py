import json
import os
import subprocess

import pytest

from track_assets.settings import (
    ConfigurationError,
    SandboxNotRunning,
    load_settings,
    nightly_cron,
)

SANDBOX_RUNTIME = {
    "services": {
        "spotify_api": {
            "urls": {"base": "http://127.0.0.1:4001", "accounts": "http://127.0.0.1:4001"},
            "credentials": {"SPOTIFY_CLIENT_ID": "sandbox-id", "SPOTIFY_CLIENT_SECRET": "s3"},
        },
        "spotify_web": {
            "urls": {
                "base": "http://127.0.0.1:4002",
                "pathfinder": "http://127.0.0.1:4002",
                "spclient": "http://127.0.0.1:4002",
            },
            "credentials": {"SPOTIFY_SP_DC": "sandbox-cookie"},
        },
        "chartmetric": {
            "urls": {"base": "http://127.0.0.1:4003"},
            "credentials": {"CHARTMETRIC_REFRESH_TOKEN": "sandbox-refresh"},
        },
        "musicbrainz": {
            "urls": {"base": "http://127.0.0.1:4005"},
            "credentials": {"MUSICBRAINZ_CONTACT": "sandbox@track-assets.invalid"},
        },
    },
    "admin": "http://127.0.0.1:4000",
}


@pytest.fixture
def home(tmp_path):
    return tmp_path / "dagster_home"


def running_sandbox(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / "sandbox.json").write_text(json.dumps(SANDBOX_RUNTIME))


def test_defaults_use_sqlite_in_dagster_home_and_sensible_ttls(home):
    settings = load_settings({"DAGSTER_HOME": str(home)})
    assert settings.database_url == f"sqlite:///{home / 'track_assets.sqlite'}"
    assert settings.spotify_tier == "auto"
    assert settings.static_ttl.days == 30 and settings.volatile_ttl.total_seconds() == 20 * 3600


def test_no_credentials_means_every_service_reads_the_running_sandbox(home):
    running_sandbox(home)
    settings = load_settings({"DAGSTER_HOME": str(home)})
    api = settings.service("spotify_api")
    assert api.sandbox and api.url("accounts") == "http://127.0.0.1:4001"
    assert api.credentials["SPOTIFY_CLIENT_SECRET"] == "s3"
    assert settings.service("spotify_web").credentials == {"SPOTIFY_SP_DC": "sandbox-cookie"}


def test_no_sandbox_running_says_how_to_start_one(home):
    settings = load_settings({"DAGSTER_HOME": str(home)})
    with pytest.raises(SandboxNotRunning, match="track-assets sandbox serve"):
        settings.service("mlc")


def test_a_sandbox_that_died_without_cleaning_up_is_reported_not_used(home):
    dead = subprocess.Popen(["true"])  # reaped below: its pid names no running process
    dead.wait()
    home.mkdir(parents=True)
    (home / "sandbox.json").write_text(json.dumps({**SANDBOX_RUNTIME, "pid": dead.pid}))
    with pytest.raises(SandboxNotRunning, match=f"pid {dead.pid}.* no longer running"):
        load_settings({"DAGSTER_HOME": str(home)}).service("chartmetric")
    (home / "sandbox.json").write_text(json.dumps({**SANDBOX_RUNTIME, "pid": os.getpid()}))
    assert load_settings({"DAGSTER_HOME": str(home)}).service("chartmetric").sandbox


def test_credentials_select_the_real_service_with_real_base_urls(home):
    running_sandbox(home)
    env = {"DAGSTER_HOME": str(home), "MLC_USERNAME": "me@label.example", "MLC_PASSWORD": "pw"}
    mlc = load_settings(env).service("mlc")
    assert not mlc.sandbox
    assert mlc.url() == "https://public-api.themlc.com"
    assert mlc.credentials == {"MLC_USERNAME": "me@label.example", "MLC_PASSWORD": "pw"}
    assert load_settings(env).service("chartmetric").sandbox  # others stay on the sandbox


def test_half_configured_credentials_name_the_missing_variable(home):
    env = {"DAGSTER_HOME": str(home), "SPOTIFY_CLIENT_ID": "abc"}
    with pytest.raises(ConfigurationError, match="SPOTIFY_CLIENT_SECRET not set"):
        load_settings(env).service("spotify_api")


def test_real_spotify_api_credentials_keep_the_web_player_real_without_a_cookie(home):
    running_sandbox(home)
    env = {"DAGSTER_HOME": str(home), "SPOTIFY_CLIENT_ID": "a", "SPOTIFY_CLIENT_SECRET": "b"}
    web = load_settings(env).service("spotify_web")
    assert not web.sandbox and web.url() == "https://open.spotify.com"
    assert "SPOTIFY_SP_DC" not in web.credentials  # credits will be not_applicable


def test_base_urls_can_be_overridden(home):
    env = {
        "DAGSTER_HOME": str(home),
        "CHARTMETRIC_REFRESH_TOKEN": "t",
        "CHARTMETRIC_BASE_URL": "https://proxy.internal",
    }
    assert load_settings(env).service("chartmetric").url() == "https://proxy.internal"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DAGSTER_HOME": "relative/home"}, "absolute"),
        ({"SPOTIFY_API_TIER": "premium"}, "SPOTIFY_API_TIER"),
        ({"TRACK_ASSETS_VOLATILE_TTL_HOURS": "soon"}, "not a number"),
        ({"TRACK_ASSETS_STATIC_TTL_DAYS": "-1"}, "must be positive"),
        (
            {"TRACK_ASSETS_STATIC_TTL_DAYS": "inf"},
            "TRACK_ASSETS_STATIC_TTL_DAYS='inf' is not a number",
        ),
        ({"TRACK_ASSETS_SANDBOX": "maybe"}, "TRACK_ASSETS_SANDBOX"),
    ],
)
def test_malformed_settings_are_rejected_with_the_variable_named(home, env, message):
    with pytest.raises(ConfigurationError, match=message):
        load_settings({"DAGSTER_HOME": str(home), **env})


def test_sandbox_off_requires_real_credentials(home):
    running_sandbox(home)
    settings = load_settings({"DAGSTER_HOME": str(home), "TRACK_ASSETS_SANDBOX": "off"})
    with pytest.raises(ConfigurationError, match="MUSICBRAINZ_CONTACT not set"):
        settings.service("musicbrainz")


def test_the_nightly_cron_defaults_to_three_utc_and_a_malformed_one_is_named():
    assert nightly_cron({}) == "0 3 * * *"
    assert nightly_cron({"TRACK_ASSETS_NIGHTLY_CRON": "*/5 * * * *"}) == "*/5 * * * *"
    with pytest.raises(ConfigurationError, match="TRACK_ASSETS_NIGHTLY_CRON='3am' is not a cron"):
        nightly_cron({"TRACK_ASSETS_NIGHTLY_CRON": "3am"})
