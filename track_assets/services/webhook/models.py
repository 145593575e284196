"""What one webhook delivery came to."""

from __future__ import annotations

from dataclasses import dataclass

from track_assets.services.http import RETRYABLE_STATUSES


@dataclass(frozen=True)
class WebhookDelivery:
    """The outcome of delivering one event; `attempts` counts the POSTs sent (0 when skipped)."""

    delivered: bool
    attempts: int
    status_code: int | None = None  # of the last response; None when none came back
    error: str | None = None

    @property
    def refused(self) -> bool:
        """The receiver answered, and its answer (4xx but 429) is final: resending is futile."""
        return (
            not self.delivered
            and self.status_code is not None
            and self.status_code not in RETRYABLE_STATUSES
        )

    @property
    def receiver_unreachable(self) -> bool:
        """Every attempt met a network error, a timeout, 429 or 5xx: the receiver is down."""
        return (
            not self.delivered
            and self.attempts > 0
            and (self.status_code is None or self.status_code in RETRYABLE_STATUSES)
        )
