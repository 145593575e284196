"""Phase 7's change detection: each notable change is announced once, against the last state."""

from __future__ import annotations

from datetime import UTC, datetime

from track_assets.db.records import Track, TrackEventState
from track_assets.enrichment.events import (
    announced_state,
    is_velocity_spike,
    playlist_report,
    run_summary,
    track_events,
)

NOW = datetime(2026, 11, 24, tzinfo=UTC)


def _track(**fields) -> Track:
    values = {"spotify_track_id": "a" * 22, "name": "Song", "enrichment_status": "complete"}
    return Track(**(values | fields))


def _state(**fields) -> TrackEventState:
    values = {
        "track_id": "a" * 22,
        "enrichment_status": "complete",
        "publisher_status": "unsigned",
        "stream_velocity": 2_000.0,
        "announced_at": NOW,
    }
    return TrackEventState(**(values | fields))


def test_a_track_never_announced_is_new():
    [event] = track_events(None, _track(publisher_status="split"))
    assert event.kind == "new_track"
    assert event.payload["publisher_status"] == "split"


def test_nothing_changed_means_no_event():
    track = _track(publisher_status="unsigned", stream_velocity=2_500.0)
    assert track_events(announced_state(track, NOW), track) == []
    assert track_events(_state(), track) == []


def test_each_status_that_moved_is_one_event():
    events = track_events(
        _state(enrichment_status="partial", publisher_status="unsigned"),
        _track(enrichment_status="complete", publisher_status="signed", stream_velocity=2_000.0),
    )
    assert [(e.kind, e.payload["field"], e.payload["from"], e.payload["to"]) for e in events] == [
        ("status_changed", "enrichment_status", "partial", "complete"),
        ("status_changed", "publisher_status", "unsigned", "signed"),
    ]


def test_a_velocity_that_doubles_by_a_thousand_plays_a_day_is_a_spike():
    [event] = track_events(
        _state(stream_velocity=2_000.0),
        _track(publisher_status="unsigned", stream_velocity=4_100.0),
    )
    assert event.kind == "velocity_spike"
    assert event.payload == {"from": 2_000.0, "to": 4_100.0}


def test_small_or_unknown_velocities_are_not_spikes():
    assert not is_velocity_spike(3.0, 9.0)  # tripled, but 6 plays a day
    assert not is_velocity_spike(None, 50_000.0)  # first measurement
    assert not is_velocity_spike(-500.0, 5_000.0)  # from shrinking: not "doubling"
    assert not is_velocity_spike(2_000.0, None)
    assert not is_velocity_spike(2_000.0, 3_900.0)
    assert is_velocity_spike(2_000.0, 4_000.0)


def test_the_playlist_report_counts_statuses_coverage_and_growth():
    tracks = [
        _track(spotify_track_id="a" * 22, isrc="X", stream_velocity=10.0, publisher_status="split"),
        _track(spotify_track_id="b" * 22, stream_velocity=-3.0, enrichment_status="partial"),
        _track(spotify_track_id="c" * 22),
    ]
    report = playlist_report("p" * 22, tracks, run_id="r1", now=NOW)
    assert report.tracks == 3
    assert report.enrichment_status == {"complete": 2, "partial": 1}
    assert report.publisher_status == {"split": 1, "unknown": 2}
    assert report.coverage["isrc"] == 1
    assert report.coverage["stream_velocity"] == 2
    assert report.growing_tracks == 1
    assert report.top_velocity == 10.0
    message, payload = run_summary("p" * 22, track_events(None, tracks[0]) * 2, report, {"mlc": 3})
    assert "3 tracks" in message and "2 new track" in message
    assert payload["events"] == {"new_track": 2}
    assert payload["requests"] == {"mlc": 3}
