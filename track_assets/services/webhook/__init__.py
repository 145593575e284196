"""Signed webhook delivery of the pipeline's events (phase 7), and the check receivers run."""

from track_assets.services.webhook.client import SKIPPED, USER_AGENT, WebhookSender
from track_assets.services.webhook.models import WebhookDelivery
from track_assets.services.webhook.signing import sign_payload, verify_signature

__all__ = [
    "SKIPPED",
    "USER_AGENT",
    "WebhookDelivery",
    "WebhookSender",
    "sign_payload",
    "verify_signature",
]
