"""Typed records the Chartmetric client returns: ids, track metadata, stats, playlist tracks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ResolutionMethod(StrEnum):
    """How a track's Chartmetric id was found."""

    ISRC = "isrc"  # get-ids by ISRC
    SPOTIFY_ID = "spotify_id"  # get-ids by Spotify track id (nothing by ISRC)


class UnresolvedReason(StrEnum):
    """Why a track has no Chartmetric id."""

    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"  # several ids, and not exactly one of them lists our Spotify track


@dataclass(frozen=True)
class TokenGrant:
    """An access token from POST /api/token and its lifetime in seconds."""

    token: str
    expires_in: float


@dataclass(frozen=True)
class ChartmetricIds:
    """One get-ids row: a recording's Chartmetric ids and the Spotify track ids it knows."""

    isrc: str | None
    chartmetric_ids: tuple[int, ...]
    spotify_track_ids: tuple[str, ...]


@dataclass(frozen=True)
class ResolvedChartmetricTrack:
    """The Chartmetric id chosen for one track, or the reason there is none.

    `candidate_ids` are all the ids the deciding lookup returned (by ISRC, else by Spotify id).
    """

    chartmetric_id: int | None
    method: ResolutionMethod | None
    reason: UnresolvedReason | None
    candidate_ids: tuple[int, ...] = ()

    @property
    def found(self) -> bool:
        return self.chartmetric_id is not None


@dataclass(frozen=True)
class ChartmetricSongwriter:
    """A songwriter credited by Chartmetric; the id only where Chartmetric gives one."""

    name: str
    chartmetric_id: int | None = None


@dataclass(frozen=True)
class ChartmetricTrackInfo:
    """GET /api/track/{id}: descriptive fields and the `cm_statistics` figures.

    A None figure was not reported (e.g. Spotify streams outside the plan), never zero.
    `spotify_track_ids` is None when the response does not list them.
    """

    chartmetric_id: int
    name: str | None
    isrc: str | None
    artist_names: tuple[str, ...]
    composer_name: str | None
    songwriters: tuple[ChartmetricSongwriter, ...]
    moods: tuple[str, ...]
    activities: tuple[str, ...]
    tags: tuple[str, ...]
    album_label: str | None
    release_date: date | None
    spotify_track_ids: tuple[str, ...] | None
    score: float | None
    playlist_reach: int | None
    spotify_playlist_count: int | None
    spotify_editorial_playlist_count: int | None
    spotify_popularity: int | None
    spotify_popularity_rank: int | None
    spotify_streams: int | None
    statistics_at: datetime | None  # when Chartmetric took the `cm_statistics` figures (UTC)


@dataclass(frozen=True)
class StatPoint:
    """One day of a Chartmetric stats series, for the platform's track `track_domain_id`."""

    day: date
    value: int | float
    track_domain_id: str | None = None


@dataclass(frozen=True)
class ChartmetricPlaylist:
    """A playlist as search finds it: Chartmetric's integer id, and its name and owner."""

    id: int
    name: str | None
    owner_name: str | None


@dataclass(frozen=True)
class ChartmetricPlaylistTrack:
    """One row of a playlist's current or past tracks; None where the row does not say."""

    chartmetric_id: int | None
    name: str | None
    isrc: str | None
    spotify_track_id: str | None
    spotify_track_ids: tuple[str, ...]
    artist_names: tuple[str, ...]
    position: int | None
    added_at: datetime | None
