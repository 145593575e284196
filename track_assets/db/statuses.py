"""The closed vocabularies the database stores as text (each a CHECK constraint in `tables.py`).

StrEnums, so a member compares equal to its stored string and reads back as one."""

from __future__ import annotations

from enum import StrEnum


class PhaseState(StrEnum):
    """Where one track stands in one phase's lookup (`track_phase_status.status`)."""

    PENDING = "pending"
    DONE = "done"
    NOT_APPLICABLE = "not_applicable"  # an answer: there is nothing to find (no ISRC, no writers)
    FAILED = "failed"  # no answer yet; retried at `next_retry_at`


SETTLED = (PhaseState.DONE, PhaseState.NOT_APPLICABLE)


class EnrichmentStatus(StrEnum):
    """A track's consolidated standing (`tracks.enrichment_status`)."""

    PENDING = "pending"  # not consolidated yet
    COMPLETE = "complete"  # every phase settled
    PARTIAL = "partial"  # some phase has not settled; `enrichment_detail.missing` says why
    FAILED = "failed"  # not even the Spotify metadata could be had


class FetchStatus(StrEnum):
    """How a playlist fetch ended (`playlist_fetches.status`)."""

    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    FAILED = "failed"


class FetchMethod(StrEnum):
    """Where a playlist's contents came from (`playlist_fetches.method`)."""

    CHARTMETRIC = "chartmetric"
    SPOTIFY_API = "spotify_api"
    WEB_PLAYER = "web_player"


class CreditRole(StrEnum):
    """A web-player credit's role (`track_credits.role`)."""

    WRITER = "writer"
    PRODUCER = "producer"
    PERFORMER = "performer"
