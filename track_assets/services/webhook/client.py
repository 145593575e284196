"""Signed POSTs of pipeline events to one receiver, retried through the shared HTTP layer."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

from track_assets.services.http import (
    RequestCounters,
    RetryAfterTooLong,
    RetryPolicy,
    ServiceHttpClient,
    ServiceUnavailable,
)
from track_assets.services.webhook.models import WebhookDelivery
from track_assets.services.webhook.signing import sign_payload

SERVICE = "webhook"
ENDPOINT = "POST <webhook>"
# A receiver asking for a longer pause is treated as down for this run.
MAX_RETRY_AFTER_SECONDS = 30.0
SKIPPED = "receiver unreachable, skipped"


def _user_agent() -> str:
    try:
        return f"track_assets-webhook/{version('track_assets')}"
    except PackageNotFoundError:
        return "track_assets-webhook/unknown"


USER_AGENT = _user_agent()


class WebhookSender:
    """POSTs each event as compact JSON, signed with `secret`; one delivery at a time.

    Connection errors, timeouts, 429 and 5xx are retried up to `attempts` POSTs in all, with
    exponential backoff from `backoff_seconds` (or the receiver's Retry-After, up to 30 s);
    other answers are final. `deliver` never raises: failures come back as WebhookDelivery.
    """

    def __init__(
        self,
        url: str,
        secret: str,
        *,
        attempts: int = 4,
        backoff_seconds: float = 0.5,
        timeout_seconds: float = 5,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url
        self.counters = RequestCounters()  # this sender's own: a delivery's attempts are a delta
        self._secret = secret
        self._clock = clock
        policy = RetryPolicy(
            max_attempts=attempts,
            base_delay=backoff_seconds,
            max_delay=max(MAX_RETRY_AFTER_SECONDS, backoff_seconds),
            max_retry_after=MAX_RETRY_AFTER_SECONDS,
        )
        self._http = ServiceHttpClient(
            SERVICE,
            url,
            counters=self.counters,
            retry_policy=policy,
            timeout=httpx.Timeout(timeout_seconds),
            headers={"User-Agent": USER_AGENT},
            transport=transport,
        )

    def deliver(self, event: Mapping[str, Any]) -> WebhookDelivery:
        """POST one event (the activity JSON: `id`, `kind`, ...) until it is accepted (2xx)."""
        try:
            body = json.dumps(event, sort_keys=True, separators=(",", ":")).encode()
        except (TypeError, ValueError) as error:
            return WebhookDelivery(
                False, 0, error=f"event {event.get('id')!r} is not JSON: {error}"
            )
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            "X-Track-Assets-Event": str(event.get("kind", "")),
            "X-Track-Assets-Delivery": str(event.get("id", "")),
            "X-Track-Assets-Timestamp": str(timestamp),
            "X-Track-Assets-Signature": sign_payload(self._secret, timestamp, body),
        }
        sent_before = self.counters.total()
        try:
            # An absolute URL: httpx would append a slash to it as a base URL.
            response = self._http.post(self.url, endpoint=ENDPOINT, content=body, headers=headers)
        except RetryAfterTooLong as error:
            return self._failed(
                sent_before,
                error.status,
                f"the receiver at {self.url} answered HTTP {error.status} with Retry-After "
                f"{error.retry_after:.0f} s, over the {MAX_RETRY_AFTER_SECONDS:.0f} s cap; "
                "not waiting",
            )
        except ServiceUnavailable as error:
            return self._failed(
                sent_before,
                error.status,
                f"POST {self.url} failed {error.attempts} times (last: {error.last}); "
                "the webhook receiver is down or unreachable",
            )
        except Exception as error:  # e.g. an invalid URL; a delivery never fails the caller
            return self._failed(
                sent_before, None, f"POST {self.url} failed: {type(error).__name__}: {error}"
            )
        if response.is_success:
            return WebhookDelivery(True, self._sent_since(sent_before), response.status_code)
        detail = response.text.strip()[:200]
        return self._failed(
            sent_before,
            response.status_code,
            f"the receiver at {self.url} refused event {event.get('id')!r}: "
            f"HTTP {response.status_code}" + (f" {detail}" if detail else ""),
        )

    def deliver_all(self, events: Iterable[Mapping[str, Any]]) -> list[WebhookDelivery]:
        """Deliver events in order; once the receiver proves unreachable, skip the rest.

        A down receiver costs one retry budget per call, not one per event.
        """
        deliveries: list[WebhookDelivery] = []
        unreachable = False
        for event in events:
            if unreachable:
                deliveries.append(WebhookDelivery(False, 0, error=SKIPPED))
                continue
            delivery = self.deliver(event)
            deliveries.append(delivery)
            unreachable = delivery.receiver_unreachable
        return deliveries

    def _sent_since(self, before: int) -> int:
        return self.counters.total() - before

    def _failed(self, sent_before: int, status: int | None, error: str) -> WebhookDelivery:
        return WebhookDelivery(False, self._sent_since(sent_before), status, error)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> WebhookSender:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
