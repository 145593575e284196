"""The signature scheme: what the sender computes and what receivers accept."""

from __future__ import annotations

import hashlib
import hmac
import time

from track_assets.services.webhook import sign_payload, verify_signature

BODY = b'{"id":7,"kind":"enrichment_events"}'
NOW = 1_790_000_000


def test_signature_is_hmac_sha256_of_timestamp_dot_body():
    expected = hmac.new(b"k", f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign_payload("k", NOW, BODY) == "sha256=" + expected


def test_verify_accepts_a_fresh_authentic_request():
    signature = sign_payload("k", NOW, BODY)
    assert verify_signature("k", str(NOW), BODY, signature, now=NOW + 299)
    assert verify_signature("k", str(NOW), BODY, signature, now=NOW - 299)  # small clock skew


def test_verify_rejects_wrong_secret_tampering_staleness_and_garbage():
    signature = sign_payload("k", NOW, BODY)
    assert not verify_signature("other", str(NOW), BODY, signature, now=NOW)
    assert not verify_signature("k", str(NOW), BODY + b" ", signature, now=NOW)
    assert not verify_signature("k", str(NOW + 1), BODY, signature, now=NOW)  # re-dated replay
    assert not verify_signature("k", str(NOW), BODY, signature, now=NOW + 301)
    assert not verify_signature("k", str(NOW), BODY, signature, now=NOW + 61, tolerance_seconds=60)
    assert not verify_signature("k", None, BODY, signature, now=NOW)
    assert not verify_signature("k", "yesterday", BODY, signature, now=NOW)
    assert not verify_signature("k", str(NOW), BODY, None, now=NOW)
    assert not verify_signature("k", str(NOW), BODY, signature.upper(), now=NOW)


def test_verify_rejects_a_timestamp_too_far_ahead_and_headers_replayed_on_another_body():
    signature = sign_payload("k", NOW, BODY)
    assert verify_signature("k", str(NOW), BODY, signature, now=NOW - 300)  # the bound itself
    assert not verify_signature("k", str(NOW), BODY, signature, now=NOW - 301)  # from the future
    other = b'{"id":8,"kind":"enrichment_events"}'
    assert not verify_signature("k", str(NOW), other, signature, now=NOW)


def test_verify_reads_the_real_clock_by_default():
    now = int(time.time())
    assert verify_signature("k", str(now), BODY, sign_payload("k", now, BODY))
    old = now - 3600
    assert not verify_signature("k", str(old), BODY, sign_payload("k", old, BODY))
