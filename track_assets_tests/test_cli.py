"""`track-assets`: the database upgrade and the playlist registry, against a real instance."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner

from track_assets.cli import main
from track_assets.db.engine import make_engine
from track_assets.db.migrate import head_revision
from track_assets.db.repository import list_playlists

REPO_ROOT = Path(__file__).resolve().parents[1]
EDITORIAL = "37i9dQZF1DXcBWIGoYBM5M"
USER_PLAYLIST = "5LkNhFidYyyjRWwnkcMbQs"
THIRD = "4dn0iEoAxn69ea0Tyov8V5"


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO_ROOT / "dagster_home" / "dagster.yaml", home / "dagster.yaml")
    return home


@pytest.fixture
def run_cli(home, database_url):
    env = {"DAGSTER_HOME": str(home), "TRACK_ASSETS_DATABASE_URL": database_url}

    def run(*args: str):
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run


def partitions(home: Path) -> set[str]:
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        return set(instance.get_dynamic_partitions("playlists"))
    finally:
        instance.dispose()


def stored_playlists(database_url: str) -> set[str]:
    with make_engine(database_url).begin() as conn:
        return {row.spotify_playlist_id for row in list_playlists(conn)}


def test_add_accepts_the_three_forms_and_registers_row_and_partition(run_cli, home, database_url):
    result = run_cli(
        "playlists",
        "add",
        f"https://open.spotify.com/playlist/{EDITORIAL}?si=4f2a9c",
        f"spotify:playlist:{USER_PLAYLIST}",
        THIRD,
    )
    assert result.exit_code == 0, result.output
    assert partitions(home) == {EDITORIAL, USER_PLAYLIST, THIRD}
    assert stored_playlists(database_url) == {EDITORIAL, USER_PLAYLIST, THIRD}

    again = run_cli("playlists", "add", THIRD)
    assert again.exit_code == 0 and "already tracked" in again.output
    assert len(partitions(home)) == 3


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("", "empty"),
        ("https://open.spotify.com/album/4yS3vUFIaE2xilaeYz3p9q", "album"),
        ("https://open.spotify.com/track/5NcYCtoBkAGyxL5SCF64av", "track"),
        ("spotify:artist:7gXb99Sf9nNmpNYeAgIQFG", "artist URI"),
        ("37i9dQZF1DXcBWIGoYBM5", "21 characters"),
        ("37i9dQZF1DXcBWIGoYBM5MM", "23 characters"),
        ("37i9dQZF1DXcBWIGoYBM5!", "'!'"),
        ("https://soundcloud.com/playlist/37i9dQZF1DXcBWIGoYBM5M", "soundcloud.com"),
        ("spotify:playlist:", "missing"),
        ("https://open.spotify.com/playlist/", "not /playlist/<id>"),
        ("spotify:playlist:37i9dQZF1DXcBWIGoYBM5M:extra", "spotify:playlist:<id>"),
        ("Today's Top Hits", "characters outside"),
    ],
)
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # refused before any write
def test_add_rejects_malformed_refs_and_registers_nothing(run_cli, home, database_url, ref, reason):
    result = run_cli("playlists", "add", USER_PLAYLIST, ref)
    assert result.exit_code == 2
    assert reason in result.output
    assert "Accepted:" in result.output
    assert partitions(home) == set()  # the valid one is not added either


def test_remove_deletes_the_partition_and_keeps_history(run_cli, home, database_url):
    run_cli("playlists", "add", EDITORIAL, USER_PLAYLIST)
    result = run_cli("playlists", "remove", f"spotify:playlist:{EDITORIAL}")
    assert result.exit_code == 0 and "removed" in result.output
    assert partitions(home) == {USER_PLAYLIST}
    assert stored_playlists(database_url) == {USER_PLAYLIST}
    with make_engine(database_url).begin() as conn:
        removed = [
            p for p in list_playlists(conn, include_removed=True) if p.removed_at is not None
        ]
    assert [p.spotify_playlist_id for p in removed] == [EDITORIAL]


def test_list_shows_partitions_added_outside_the_cli(run_cli, home):
    run_cli("playlists", "add", USER_PLAYLIST)
    instance = dg.DagsterInstance.from_config(str(home))
    instance.add_dynamic_partitions("playlists", [THIRD])  # as the UI would
    instance.dispose()
    listed = json.loads(run_cli("playlists", "list", "--json").output)
    assert {(r["playlist_id"], r["partition"]) for r in listed} == {
        (USER_PLAYLIST, True),
        (THIRD, True),
    }


def test_db_upgrade_is_idempotent(run_cli):
    head = head_revision()
    first = run_cli("db", "upgrade")
    second = run_cli("db", "upgrade")
    assert first.exit_code == 0 and f"empty -> {head}" in first.output
    assert second.exit_code == 0 and f"{head} -> {head}" in second.output


def test_a_bare_postgresql_url_is_refused_with_the_fix(home):
    env = {"DAGSTER_HOME": str(home), "TRACK_ASSETS_DATABASE_URL": "postgresql://u@db/x"}
    result = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert result.exit_code == 1
    assert "postgresql+psycopg2://" in result.output
    assert "Traceback" not in result.output


def test_console_script_registers_a_playlist_in_a_separate_process(home, sqlite_url):
    script = Path(sys.executable).with_name("track-assets")
    env = {**os.environ, "DAGSTER_HOME": str(home), "TRACK_ASSETS_DATABASE_URL": sqlite_url}
    completed = subprocess.run(
        [str(script), "playlists", "add", f"https://open.spotify.com/playlist/{USER_PLAYLIST}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert partitions(home) == {USER_PLAYLIST}


def test_status_prints_the_summary_and_the_same_figures_as_json(run_cli, database_url):
    from datetime import UTC, datetime

    from track_assets.db.migrate import upgrade_to_head
    from track_assets.db.records import Track
    from track_assets.db.repository import (
        append_activity,
        enqueue_webhook,
        upsert_playlist,
        upsert_playlist_membership,
        upsert_track,
    )

    now = datetime(2026, 11, 24, tzinfo=UTC)
    track = "a" * 21 + "1"
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    with engine.begin() as conn:
        upsert_playlist(conn, spotify_playlist_id=USER_PLAYLIST, now=now)
        upsert_track(
            conn,
            Track(spotify_track_id=track, isrc="USAT22400001", fetch_method="web_player"),
            now=now,
        )
        upsert_playlist_membership(conn, USER_PLAYLIST, track, position=0, now=now)
        entry = append_activity(conn, "new_track", "new", occurred_at=now)
        enqueue_webhook(conn, [entry], now=now)
    engine.dispose()

    summary = json.loads(run_cli("status", "--json").output)
    assert (summary["playlists"], summary["tracks"]) == (1, 1)
    assert summary["coverage"]["isrc"] == {"have": 1, "of": 1}
    assert summary["events"] == {"new_track": 1}
    assert summary["webhook"] == {"delivered": 0, "refused": 0, "waiting": 1}
    text = run_cli("status").output.splitlines()
    assert text[0] == "1 playlists, 1 tracks"
    assert "fetched by: web_player 1" in text
    assert "events: new_track 1" in text
    assert "webhook: delivered 0, refused 0, waiting 1" in text
    assert text[-1] == "songwriter leads: 0 (unrepresented 0, no_publisher 0, unmatched_on_split 0)"
