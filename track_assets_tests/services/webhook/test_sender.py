"""WebhookSender against a real HTTP receiver on 127.0.0.1: signed POSTs, retries, give-ups."""

from __future__ import annotations

import json

import httpx
import pytest

from track_assets.services.webhook import SKIPPED, USER_AGENT, WebhookSender, verify_signature
from track_assets_tests.http.server import Canned, ScriptedServer
from track_assets_tests.services.webhook.conftest import HOOK_PATH, SECRET
from track_assets_tests.support.postgres import free_port

EVENT = {
    "id": 42,
    "occurred_at": "2026-11-24T09:30:00+00:00",
    "kind": "track_enriched",
    "message": "Track 4uLU6hMCjMI75M1A2tKUQC enriched",
    "playlist_id": "37i9dQZF1DXcBWIGoYBM5M",
    "track_id": "4uLU6hMCjMI75M1A2tKUQC",
    "run_id": "9f1c2d",
    "payload": {"fields": ["isrc", "publisher"]},
}


def sender(url: str, **options) -> WebhookSender:
    options.setdefault("backoff_seconds", 0.01)
    return WebhookSender(url, SECRET, **options)


def event(event_id: int) -> dict:
    return {**EVENT, "id": event_id}


@pytest.mark.timeout(60)
def test_delivers_a_signed_json_post_the_receiver_can_verify(receiver: ScriptedServer, hook_url):
    receiver.script(HOOK_PATH, Canned(204))
    with sender(hook_url) as webhook:
        delivery = webhook.deliver(EVENT)

    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (True, 1, 204)
    assert delivery.error is None
    [request] = receiver.requests(HOOK_PATH)
    headers = request.headers
    assert request.method == "POST"
    assert headers["content-type"] == "application/json"
    assert headers["x-track-assets-event"] == "track_enriched"
    assert headers["x-track-assets-delivery"] == "42"
    assert headers["user-agent"] == USER_AGENT and USER_AGENT.startswith("track_assets-webhook/")
    assert json.loads(request.body) == EVENT
    assert request.body == json.dumps(EVENT, sort_keys=True, separators=(",", ":")).encode()
    timestamp, signature = headers["x-track-assets-timestamp"], headers["x-track-assets-signature"]
    assert abs(int(timestamp) - request.arrived_at) < 60
    assert verify_signature(SECRET, timestamp, request.body, signature)
    assert not verify_signature("wrong secret", timestamp, request.body, signature)
    tampered = request.body.replace(b"publisher", b"label")
    assert not verify_signature(SECRET, timestamp, tampered, signature)
    assert not verify_signature(
        SECRET, timestamp, request.body, signature, now=int(timestamp) + 301
    )


@pytest.mark.timeout(60)
def test_a_500_is_retried_and_the_second_attempt_delivers(receiver: ScriptedServer, hook_url):
    receiver.script(HOOK_PATH, Canned(500, body="boom"), Canned(200))
    with sender(hook_url) as webhook:
        delivery = webhook.deliver(EVENT)

    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (True, 2, 200)
    first, second = receiver.requests(HOOK_PATH)
    assert first.body == second.body
    assert first.headers["x-track-assets-delivery"] == second.headers["x-track-assets-delivery"]


@pytest.mark.timeout(60)
def test_a_400_is_final(receiver: ScriptedServer, hook_url):
    receiver.script(HOOK_PATH, Canned(400, body="unknown kind"), Canned(200))
    with sender(hook_url) as webhook:
        delivery = webhook.deliver(EVENT)

    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (False, 1, 400)
    assert "HTTP 400" in delivery.error and "unknown kind" in delivery.error
    assert not delivery.receiver_unreachable
    assert delivery.refused  # final: the outbox does not send it again
    assert len(receiver.requests(HOOK_PATH)) == 1


@pytest.mark.timeout(60)
def test_persistent_503_uses_the_whole_budget_then_gives_up(receiver: ScriptedServer, hook_url):
    receiver.always(HOOK_PATH, Canned(503))
    with sender(hook_url, attempts=3) as webhook:
        delivery = webhook.deliver(EVENT)

    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (False, 3, 503)
    assert "HTTP 503" in delivery.error and delivery.receiver_unreachable
    assert not delivery.refused  # the outbox keeps it for a later run
    assert len(receiver.requests(HOOK_PATH)) == 3


@pytest.mark.timeout(60)
def test_a_short_retry_after_is_honoured_a_long_one_is_not_waited_for(
    receiver: ScriptedServer, hook_url
):
    receiver.script(HOOK_PATH, Canned(429, headers={"Retry-After": "1"}), Canned(200))
    with sender(hook_url) as webhook:
        delivery = webhook.deliver(EVENT)
        first, second = receiver.requests(HOOK_PATH)
        assert delivery.delivered and delivery.attempts == 2
        assert second.arrived_at - first.arrived_at >= 0.9

        receiver.script(HOOK_PATH, Canned(503, headers={"Retry-After": "3600"}), Canned(200))
        refused = webhook.deliver(EVENT)
    assert (refused.delivered, refused.attempts, refused.status_code) == (False, 1, 503)
    assert "Retry-After 3600" in refused.error
    assert len(receiver.requests(HOOK_PATH)) == 3


@pytest.mark.timeout(60)
def test_a_receiver_too_slow_to_answer_is_retried(receiver: ScriptedServer, hook_url):
    receiver.script(HOOK_PATH, Canned(200, delay=1.0), Canned(200))
    with sender(hook_url, timeout_seconds=0.3) as webhook:
        delivery = webhook.deliver(EVENT)
    assert (delivery.delivered, delivery.attempts) == (True, 2)


@pytest.mark.timeout(60)
def test_nothing_listening_gives_an_undelivered_result_not_an_exception():
    url = f"http://127.0.0.1:{free_port()}/hooks"
    with sender(url, attempts=4) as webhook:
        delivery = webhook.deliver(EVENT)

    assert (delivery.delivered, delivery.attempts, delivery.status_code) == (False, 4, None)
    assert "ConnectError" in delivery.error and url in delivery.error
    assert delivery.receiver_unreachable and not delivery.refused


def test_an_unusable_url_or_event_gives_an_undelivered_result():
    with sender("ftp://127.0.0.1/hooks") as webhook:
        delivery = webhook.deliver(EVENT)
    assert not delivery.delivered and "UnsupportedProtocol" in delivery.error

    with sender("http://127.0.0.1:9/hooks") as webhook:
        delivery = webhook.deliver({**EVENT, "payload": {"when": object()}})
    assert (delivery.delivered, delivery.attempts) == (False, 0)
    assert "not JSON" in delivery.error


@pytest.mark.timeout(60)
def test_deliver_all_spends_one_retry_budget_on_a_down_receiver():
    url = f"http://127.0.0.1:{free_port()}/hooks"
    with sender(url, attempts=3) as webhook:
        deliveries = webhook.deliver_all([event(1), event(2), event(3)])

    assert [d.attempts for d in deliveries] == [3, 0, 0]
    assert not any(d.delivered for d in deliveries)
    assert [d.error for d in deliveries[1:]] == [SKIPPED, SKIPPED]


@pytest.mark.timeout(60)
def test_deliver_all_goes_on_after_a_refused_event(receiver: ScriptedServer, hook_url):
    receiver.script(HOOK_PATH, Canned(200), Canned(422), Canned(500), Canned(200))
    with sender(hook_url) as webhook:
        deliveries = webhook.deliver_all([event(1), event(2), event(3)])

    assert [(d.delivered, d.attempts, d.status_code) for d in deliveries] == [
        (True, 1, 200),
        (False, 1, 422),
        (True, 2, 200),
    ]
    ids = [r.headers["x-track-assets-delivery"] for r in receiver.requests(HOOK_PATH)]
    assert ids == ["1", "2", "3", "3"]


def test_a_given_transport_carries_the_requests():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202)

    with WebhookSender(
        "https://hooks.example.com/x", SECRET, transport=httpx.MockTransport(answer)
    ) as webhook:
        delivery = webhook.deliver(EVENT)
    assert delivery.delivered and delivery.status_code == 202
    assert [str(r.url) for r in seen] == ["https://hooks.example.com/x"]
