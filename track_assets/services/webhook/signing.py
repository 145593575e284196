"""HMAC-SHA256 signatures of webhook bodies, for the sender and for receivers to check.

The signed bytes are `f"{timestamp}."` followed by the raw body, so a captured request cannot be
replayed later with a new timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_PREFIX = "sha256="
DEFAULT_TOLERANCE_SECONDS = 300


def sign_payload(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Track-Assets-Signature value for `body` sent at `timestamp` (Unix seconds)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + digest.hexdigest()


def verify_signature(
    secret: str,
    timestamp_header: str | None,
    body: bytes,
    signature_header: str | None,
    *,
    now: float | None = None,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether a received webhook is authentic and fresh: for receivers.

    Pass the X-Track-Assets-Timestamp and X-Track-Assets-Signature headers and the raw request
    body (before any JSON parsing). False when a header is missing or malformed, the signature
    does not match, or the timestamp is more than `tolerance_seconds` away from `now` (default:
    the current time). Deduplicate on X-Track-Assets-Delivery: a retried delivery is identical.
    """
    if not timestamp_header or not signature_header:
        return False
    try:
        timestamp = int(timestamp_header.strip())
    except ValueError:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = sign_payload(secret, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature_header.strip().encode())
