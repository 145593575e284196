"""TRACK_ASSETS_WEBHOOK_URL and TRACK_ASSETS_WEBHOOK_SECRET in the settings."""

from __future__ import annotations

import pytest

from track_assets.settings import ConfigurationError, load_settings

HOME = {"DAGSTER_HOME": "/tmp/track_assets_home"}


def test_no_webhook_by_default():
    settings = load_settings(HOME)
    assert settings.webhook_url is None and settings.webhook_secret is None


def test_url_and_secret_are_read_and_the_secret_is_not_printed():
    settings = load_settings(
        {
            **HOME,
            "TRACK_ASSETS_WEBHOOK_URL": "https://hooks.example.com/track-assets",
            "TRACK_ASSETS_WEBHOOK_SECRET": "hush",
        }
    )
    assert settings.webhook_url == "https://hooks.example.com/track-assets"
    assert settings.webhook_secret == "hush"
    assert "hush" not in repr(settings)


def test_url_without_secret_names_both_variables():
    with pytest.raises(ConfigurationError) as raised:
        load_settings({**HOME, "TRACK_ASSETS_WEBHOOK_URL": "https://hooks.example.com/x"})
    assert "TRACK_ASSETS_WEBHOOK_URL" in str(raised.value)
    assert "TRACK_ASSETS_WEBHOOK_SECRET" in str(raised.value)


@pytest.mark.parametrize("url", ["ftp://hooks.example.com/x", "hooks.example.com/x", "https://"])
def test_url_must_be_http(url):
    env = {**HOME, "TRACK_ASSETS_WEBHOOK_URL": url, "TRACK_ASSETS_WEBHOOK_SECRET": "hush"}
    with pytest.raises(ConfigurationError, match="not an http"):
        load_settings(env)
