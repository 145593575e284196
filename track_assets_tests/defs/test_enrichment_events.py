"""Phase 7 in real Dagster runs: each run's events reach a real webhook receiver (signed), a
real LISTEN connection (PostgreSQL) and a real WebSocket client of the feed, in order; a rerun
(on a copy of the shared enrichment) announces nothing twice; a receiver that is down does not
fail the run."""

from __future__ import annotations

import json
import time

import dagster as dg
import pytest
from websockets.sync.client import connect

from track_assets.db.engine import make_engine
from track_assets.db.notify import listen_connection, wait_for_ids
from track_assets.db.repository import activity_since, get_playlist_report
from track_assets.defs.assets.enriched_tracks import enriched_tracks
from track_assets.defs.assets.enrichment_events import enrichment_events
from track_assets.defs.partitions import PLAYLISTS_PARTITION
from track_assets.defs.resources import WebhookResource
from track_assets.services.webhook import verify_signature
from track_assets_tests.events.conftest import FeedThread
from track_assets_tests.http.server import Canned, ScriptedServer
from track_assets_tests.support.pipeline import PHASE_ASSETS

pytestmark = pytest.mark.chromium
SECRET = "phase-7-secret"
HOOK = "/hooks/track-assets"
EVERY_PHASE = [*PHASE_ASSETS, enrichment_events]
PHASES_6_AND_7 = [enriched_tracks, enrichment_events]


@pytest.fixture(params=["development"])
def tier(request) -> str:
    return request.param


@pytest.fixture
def receiver(resources):
    server = ScriptedServer().start()
    server.always(HOOK, Canned(204))
    resources["webhook"] = WebhookResource(url=server.url + HOOK, secret=SECRET)
    try:
        yield server
    finally:
        server.stop()


def test_a_runs_events_reach_the_webhook_notify_and_the_feed_in_order(
    catalog, sandbox, resources, instance, backend, receiver
):
    playlist = next(p for p in catalog.playlists if not p.editorial)
    track_ids = [i.track_id for i in playlist.items if i.kind == "track"]
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])
    url = resources["database"].url
    engine = make_engine(url)
    resources["database"].engine()  # migrated before the feed and the listener start
    listener = listen_connection(url) if backend == "postgres" else None
    try:
        with FeedThread(engine) as feed, connect(feed.url, open_timeout=10) as client:
            result = dg.materialize(
                EVERY_PHASE, partition_key=playlist.id, instance=instance, resources=resources
            )
            assert result.success
            with engine.connect() as conn:
                entries = activity_since(conn, 0, limit=1000)
            frames = [json.loads(client.recv(timeout=15)) for _ in entries]
            notified = _ids_within(listener, len(entries)) if listener else None
    finally:
        if listener is not None:
            listener.close()
    run_id = result.run_id
    assert [e.kind for e in entries] == ["new_track"] * len(track_ids) + ["enrichment_run"]
    assert [e.track_id for e in entries[:-1]] == track_ids
    assert {e.run_id for e in entries} == {run_id}
    assert entries[-1].payload["events"] == {"new_track": len(track_ids)}
    assert entries[-1].payload["requests"]  # the enrichment's requests per service
    ids = [e.id for e in entries]
    assert [f["id"] for f in frames] == ids  # the feed: every event, in order
    if notified is not None:
        assert notified == ids

    hooks = receiver.requests(HOOK)
    assert [json.loads(h.body)["id"] for h in hooks] == ids
    for hook in hooks:
        _assert_signed(hook)
    metadata = result.asset_materializations_for_node("enrichment_events")[0].metadata
    assert metadata["webhook"].value == {
        "configured": True,
        "delivered": len(ids),
        "failed": 0,
        "refused": 0,
        "from_earlier_runs": 0,
        "backlog": 0,
    }
    with engine.connect() as conn:
        report = get_playlist_report(conn, playlist.id)
    assert report.tracks == len(track_ids) and report.last_run_id == run_id
    assert report.enrichment_status == {"complete": len(track_ids)}
    engine.dispose()


def test_a_rerun_announces_nothing_twice_and_what_a_down_receiver_missed_comes_later(
    catalog, sandbox, resources_on_a_copy, instance
):
    # A copy of the shared enrichment, whose runs announced every track of every playlist.
    resources = resources_on_a_copy
    playlist = next(p for p in catalog.playlists if not p.editorial)
    instance.add_dynamic_partitions(PLAYLISTS_PARTITION, [playlist.id])

    def materialize(assets: list) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            assets, partition_key=playlist.id, instance=instance, resources=resources
        )

    down = ScriptedServer().start()
    down.stop()  # nothing listens on its port any more
    resources["webhook"] = WebhookResource(url=down.url + HOOK, secret=SECRET)
    started = time.monotonic()
    again = materialize(PHASES_6_AND_7)
    assert again.success
    assert time.monotonic() - started < 60
    metadata = again.asset_materializations_for_node("enrichment_events")[0].metadata
    webhook = metadata["webhook"].value
    assert (webhook["delivered"], webhook["failed"], webhook["backlog"]) == (0, 1, 1)
    engine = make_engine(resources["database"].url)
    with engine.connect() as conn:
        entries = [e for e in activity_since(conn, 0, limit=1000) if e.run_id == again.run_id]
    assert [e.kind for e in entries] == ["enrichment_run"]
    assert entries[0].payload["events"] == {}
    missed = entries[0].id

    back = ScriptedServer().start()  # the receiver is back, at a new address
    back.always(HOOK, Canned(204))
    resources["webhook"] = WebhookResource(url=back.url + HOOK, secret=SECRET)
    try:
        third = materialize(PHASES_6_AND_7)
        assert third.success
        with engine.connect() as conn:
            [own] = [e.id for e in activity_since(conn, missed) if e.run_id == third.run_id]
        hooks = back.requests(HOOK)
    finally:
        back.stop()
        engine.dispose()
    assert [json.loads(h.body)["id"] for h in hooks] == [missed, own]  # the older one first
    for hook in hooks:
        _assert_signed(hook)
    webhook = third.asset_materializations_for_node("enrichment_events")[0].metadata["webhook"]
    assert webhook.value["delivered"] == 2
    assert (webhook.value["from_earlier_runs"], webhook.value["backlog"]) == (1, 0)


def _assert_signed(hook) -> None:
    """Signed with the secret (and only with it), its delivery header naming the event."""
    headers = {k.lower(): v for k, v in hook.headers.items()}
    assert headers["x-track-assets-delivery"] == str(json.loads(hook.body)["id"])
    timestamp, signature = headers["x-track-assets-timestamp"], headers["x-track-assets-signature"]
    assert verify_signature(SECRET, timestamp, hook.body, signature)
    assert not verify_signature("wrong", timestamp, hook.body, signature)


def _ids_within(listener, count: int, timeout: float = 15.0) -> list[int]:
    ids: list[int] = []
    deadline = time.monotonic() + timeout
    while len(ids) < count and time.monotonic() < deadline:
        ids.extend(wait_for_ids(listener, timeout=1.0))
    return ids
