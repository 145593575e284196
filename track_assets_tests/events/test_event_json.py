"""The JSON form of an activity entry."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from track_assets.db.records import ActivityEntry
from track_assets.db.repository.activity import event_json
from track_assets_tests.events.conftest import record, stored


def test_every_field_in_json_types_and_utc_time():
    entry = ActivityEntry(
        id=9,
        occurred_at=datetime(2026, 11, 24, 10, 30, tzinfo=timezone(timedelta(hours=1))),
        kind="track_enriched",
        message="done",
        track_id="4uLU6hMCjMI75M1A2tKUQC",
        payload={"fields": ["isrc"]},
    )
    assert event_json(entry) == {
        "id": 9,
        "occurred_at": "2026-11-24T09:30:00+00:00",
        "kind": "track_enriched",
        "message": "done",
        "playlist_id": None,
        "track_id": "4uLU6hMCjMI75M1A2tKUQC",
        "run_id": None,
        "payload": {"fields": ["isrc"]},
    }


def test_a_stored_entry_round_trips_through_json(engine):
    [entry] = stored(engine, record(engine, "hello"))
    as_json = json.loads(json.dumps(event_json(entry)))
    assert as_json["message"] == "hello" and as_json["payload"] == {"n": 0}
    assert datetime.fromisoformat(as_json["occurred_at"]) == entry.occurred_at
    assert datetime.fromisoformat(as_json["occurred_at"]).tzinfo == UTC
