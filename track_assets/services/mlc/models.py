"""Typed records the MLC client returns: token grants, recordings by ISRC, works."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TokenGrant:
    """POST /oauth/token: the idToken (the data endpoints' bearer) and its lifetime in seconds.

    `refresh_token` is None when the grant came from a refresh token (keep the old one).
    """

    id_token: str
    expires_in: float
    refresh_token: str | None


@dataclass(frozen=True)
class MlcRecordingHit:
    """One recording /search/recordings found; `song_code` None: not linked to a work."""

    recording_id: str | None
    isrc: str | None
    title: str | None
    artist: str | None
    labels: str | None
    song_code: str | None


@dataclass(frozen=True)
class MlcWriterRecord:
    """A writer of a work. `chain_id` is the publisher chain it belongs to, None when no
    publisher represents it; `role_code` is the CWR code ("CA", "C", "A", ...)."""

    first_name: str | None
    last_name: str | None
    ipi: str | None
    role_code: str | None
    writer_id: str | None
    chain_id: str | None
    chain_parent_id: str | None

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


@dataclass(frozen=True)
class MlcPublisherRecord:
    """A publisher of a work; `administrators` collect on its behalf.

    `collection_share` is a percent (0-100), None when the MLC does not say.
    """

    name: str
    ipi: str | None
    role_code: str | None
    collection_share: Decimal | None
    administrators: tuple[MlcPublisherRecord, ...]
    parent_publishers: tuple[MlcPublisherRecord, ...]
    publisher_id: str | None
    mlc_publisher_number: str | None
    chain_id: str | None
    chain_parent_id: str | None


@dataclass(frozen=True)
class MlcWorkRecord:
    """A work at The MLC (`/work/id/{code}`, `POST /works`)."""

    song_code: str
    title: str | None
    iswc: str | None
    artists: str | None
    alternative_titles: tuple[str, ...]
    writers: tuple[MlcWriterRecord, ...]
    publishers: tuple[MlcPublisherRecord, ...]
