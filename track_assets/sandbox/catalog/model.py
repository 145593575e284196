"""Typed records of the sandbox catalog: the one data set that every emulator serves.

Field names are ours (snake_case). Each emulator maps them to its service's own spelling and
shape (`mlcsongCode`, `trackUnion.playcount`, `relation-list`, ...). A catalog file is JSON with
exactly these field names; `docs/sandbox-catalog.md` describes it field by field and
`load_catalog` validates it and builds these records. Figures that change over time (play
counts, popularity, YouTube views) are models, evaluated with `timeseries` at the sandbox date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from urllib.parse import quote_plus

from track_assets.sandbox.catalog.names import name_tokens, normalise_name

FORMAT_VERSION = 1

# Identifier formats (the JSON Schema repeats them; a test keeps the two equal).
SPOTIFY_ID_PATTERN = r"^[0-9A-Za-z]{22}$"
ISRC_PATTERN = r"^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$"
MLC_SONG_CODE_PATTERN = r"^[A-Z0-9]{6}$"
MBID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
ISWC_PATTERN = r"^T[0-9]{10}$"
IPI_PATTERN = r"^[0-9]{11}$"

# Spotify-owned editorial (37i9dQZF1...) and algorithmic (37i9dQZEVX...) playlists: the Web API
# answers 404 for them to development-tier apps; the web player's fetchPlaylist still serves them.
SPOTIFY_OWNED_PLAYLIST_PREFIX = "37i9dQZ"
SPOTIFY_EDITORIAL_PLAYLIST_PREFIX = "37i9dQZF1"

# Spotify web-player credit groups (spclient track-credits `roleCredits[].roleTitle`).
ROLE_PERFORMERS = "Performers"
ROLE_WRITERS = "Writers"
ROLE_PRODUCERS = "Producers"

# MusicBrainz artist -> url relationship types: WS name -> type-id
# (docs/services.md#url-relationship-types).
MB_URL_LINK_TYPE_IDS: Mapping[str, str] = MappingProxyType(
    {
        "social network": "99429741-f3f6-484b-84f8-23af51991770",
        "official homepage": "fe33d22f-c3b0-4d68-bd53-a856badf2b15",
        "youtube": "6a540e5b-58c6-4192-b6ba-dbc71ec8fcf0",
        "youtube music": "631712a0-7525-42ba-b7a3-605aa7a238c4",
        "bandcamp": "c550166e-0548-4a18-b1d4-e2ae423a3e88",
        "soundcloud": "89e4a949-0976-440d-bda1-5f772c1e5710",
        "free streaming": "769085a1-c2f7-4c24-a532-2375a77693bd",
        "streaming": "63cc5d1f-f096-4c94-a43f-ecb32ea94161",
        "purchase for download": "f8319a2f-f824-4617-81c8-be6560b3b203",
        "wikipedia": "29651736-fa6d-48e4-aadc-a557c6add1cb",
        "wikidata": "689870a4-a1e4-4912-b17f-7b2664215698",
        "discogs": "04a5b104-a4c2-4bac-99a1-7b837c37d9e4",
        "last.fm": "08db8098-c0df-4b78-82c3-c8697b4bba7f",
        "allmusic": "6b3e3c85-0002-4f34-aca6-80ace0d7e846",
        "songkick": "aac9c4bc-a5b9-30b8-9839-e3ac314c6e58",
        "lyrics": "e4d73442-3762-45a8-905c-401da65544ed",
        "image": "221132e9-e30e-43f2-a741-15afc4c5fa7c",
        "myspace": "bac47923-ecde-4b59-822e-d08f0cd10156",
        "BBC Music page": "d028a975-000c-4525-9333-d3c8425e4b54",
        "other databases": "d94fb61c-fa20-4e3c-a19a-71a949fb2c55",
    }
)
# Work -> artist relationship types that make an artist a writer of the work.
MB_WRITER_RELATION_TYPES = ("composer", "lyricist", "writer", "librettist")
MB_ARTIST_TYPE_IDS: Mapping[str, str] = MappingProxyType(
    {
        "Person": "b6e035f4-3ce9-331c-97df-83397230b0df",
        "Group": "e431f5f6-b5d2-343d-8b36-72607fffb74b",
    }
)


class DatePrecision(StrEnum):
    """Spotify's `release_date_precision`."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


# --- growth over time ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GrowthModel:
    """A count that never goes down (play count, YouTube views); see `timeseries.count_on`.

    On `start_date` the count is `start_count`. Each later day it compounds by
    `daily_growth_rate` (0.002 = 0.2 %/day) for at most `compounding_days` days, then keeps the
    pace of that last compounding day; on top, `daily_increment` is added every day. Before
    `start_date` the same formula runs backwards, never below 0.
    """

    start_date: date
    start_count: int
    daily_growth_rate: float
    daily_increment: int
    compounding_days: int


@dataclass(frozen=True, slots=True)
class PopularityModel:
    """Spotify popularity (0-100) on a date: `start_value` + `daily_change` per day, clamped."""

    start_date: date
    start_value: int
    daily_change: float


# --- Spotify (Web API and web player) --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None
    height: int | None


@dataclass(frozen=True, slots=True)
class SpotifyUser:
    id: str
    display_name: str

    @property
    def uri(self) -> str:
        return f"spotify:user:{quote_plus(self.id)}"


@dataclass(frozen=True, slots=True)
class Artist:
    """A Spotify artist: performers, and songwriters who have a Spotify artist page.

    `popularity` and `followers` are Web API fields (extended tier only since Feb 2026);
    `followers` and `monthly_listeners` are also what pathfinder `queryArtistOverview` gives.
    """

    id: str
    name: str
    genres: tuple[str, ...]
    popularity: int
    followers: int
    monthly_listeners: int
    images: tuple[Image, ...]

    @property
    def uri(self) -> str:
        return f"spotify:artist:{self.id}"


@dataclass(frozen=True, slots=True)
class Copyright:
    text: str
    type: str  # "C" (composition) or "P" (sound recording)


@dataclass(frozen=True, slots=True)
class Album:
    """A Spotify album. `label` is extended-tier Web API, or pathfinder `getAlbum` `label`.

    `release_date` is kept as Spotify writes it for `release_date_precision`:
    "2019", "2019-06" or "2019-06-21". `track_ids` are in track-number order.
    """

    id: str
    name: str
    album_type: str  # "album" | "single" | "compilation"
    release_date: str
    release_date_precision: DatePrecision
    label: str
    copyrights: tuple[Copyright, ...]
    upc: str | None
    images: tuple[Image, ...]
    artist_ids: tuple[str, ...]
    track_ids: tuple[str, ...]
    popularity: int
    available_markets: tuple[str, ...]

    @property
    def uri(self) -> str:
        return f"spotify:album:{self.id}"


@dataclass(frozen=True, slots=True)
class Contributor:
    """One person in a web-player credit group. `artist_id` is None for name-only credits
    (spclient then sends `"uri": ""`)."""

    name: str
    artist_id: str | None
    subroles: tuple[str, ...]  # "main artist", "featured artist", "composer", "lyricist", ...

    @property
    def uri(self) -> str:
        return f"spotify:artist:{self.artist_id}" if self.artist_id else ""


@dataclass(frozen=True, slots=True)
class RoleGroup:
    title: str  # ROLE_PERFORMERS, ROLE_WRITERS, ROLE_PRODUCERS (others are allowed)
    contributors: tuple[Contributor, ...]


@dataclass(frozen=True, slots=True)
class Credits:
    """What the web player's credits view shows for a track (logged-in token needed).

    `source_names` is the credits "Source" line: usually the label or distributor, never the
    publisher. A track with no songwriter credits has no Writers group.
    """

    role_groups: tuple[RoleGroup, ...]
    source_names: tuple[str, ...]

    def group(self, title: str) -> RoleGroup | None:
        return next((g for g in self.role_groups if g.title == title), None)

    @property
    def writers(self) -> tuple[Contributor, ...]:
        group = self.group(ROLE_WRITERS)
        return group.contributors if group else ()

    @property
    def producers(self) -> tuple[Contributor, ...]:
        group = self.group(ROLE_PRODUCERS)
        return group.contributors if group else ()


@dataclass(frozen=True, slots=True)
class Track:
    """A Spotify track. `isrc` is None for the rare track without one (`external_ids: {}`).

    `relinked_to`: when a request names this track together with a `market`, the Web API
    answers with that other track and `linked_from` = this one (extended tier only); pathfinder
    `getAlbum` shows it as `relinkingInformation.linkedTrack`. Rows are keyed by this id.
    """

    id: str
    name: str
    isrc: str | None
    album_id: str
    artist_ids: tuple[str, ...]
    disc_number: int
    track_number: int
    duration_ms: int
    explicit: bool
    available_markets: tuple[str, ...]
    relinked_to: str | None
    popularity: PopularityModel
    plays: GrowthModel
    credits: Credits

    @property
    def uri(self) -> str:
        return f"spotify:track:{self.id}"


@dataclass(frozen=True, slots=True)
class Show:
    id: str
    name: str
    publisher: str


@dataclass(frozen=True, slots=True)
class Episode:
    """A podcast episode that sits in a playlist (served only with additional_types=episode)."""

    id: str
    name: str
    description: str
    show: Show
    duration_ms: int
    release_date: date
    explicit: bool

    @property
    def uri(self) -> str:
        return f"spotify:episode:{self.id}"


@dataclass(frozen=True, slots=True)
class LocalFile:
    """A local file in a playlist: `is_local: true`, null id, `spotify:local:...` uri."""

    name: str
    artist: str
    album: str
    duration_ms: int

    @property
    def uri(self) -> str:
        parts = (self.artist, self.album, self.name)
        return (
            "spotify:local:"
            + ":".join(quote_plus(p) for p in parts)
            + f":{self.duration_ms // 1000}"
        )


class ItemKind(StrEnum):
    TRACK = "track"
    EPISODE = "episode"
    LOCAL = "local"
    UNAVAILABLE = "unavailable"  # the Web API gives `"track": null` (`"item": null`)


@dataclass(frozen=True, slots=True)
class PlaylistItem:
    """One playlist entry. Exactly one of `track_id`/`episode_id`/`local` is set, per `kind`.

    `added_by` is a user id, or None where Spotify sends none (editorial playlists, very old
    entries); `added_at` can be None on very old playlists.
    """

    kind: ItemKind
    added_at: datetime | None
    added_by: str | None
    track_id: str | None = None
    episode_id: str | None = None
    local: LocalFile | None = None


@dataclass(frozen=True, slots=True)
class Playlist:
    """A Spotify playlist. `editorial` playlists are Spotify-owned (`37i9dQZ...` ids)."""

    id: str
    name: str
    description: str
    owner: SpotifyUser
    followers: int
    public: bool
    collaborative: bool
    snapshot_id: str
    images: tuple[Image, ...]
    editorial: bool
    items: tuple[PlaylistItem, ...]

    @property
    def uri(self) -> str:
        return f"spotify:playlist:{self.id}"

    @property
    def track_ids(self) -> tuple[str, ...]:
        """Ids of the track items, in playlist order (no local files, episodes or nulls)."""
        return tuple(i.track_id for i in self.items if i.kind is ItemKind.TRACK and i.track_id)


# --- The MLC ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MlcWriter:
    """A writer of a work. `role_code` is the CWR code the Public Search API uses
    ("CA" composer/author, "C" composer, "A" author)."""

    writer_id: str
    first_name: str
    last_name: str
    ipi: str | None
    role_code: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class MlcAdministrator:
    """A publisher that administers (collects for) an original publisher."""

    publisher_id: str
    name: str
    ipi: str | None
    mlc_publisher_number: str | None
    collection_share: Decimal


@dataclass(frozen=True, slots=True)
class MlcPublisher:
    """An original publisher of a work and the writers it represents (`writer_ids`).

    `collection_share` is on a 0-100 scale. It can be 0 with the share on an administrator
    (SB5VH7: SM PUBLISHING UK 0, administrator SONY/ATV TUNES 50). Emulators derive the
    Public Search API's `chainId`/`chainParentId` from `writer_ids`.
    """

    publisher_id: str
    name: str
    ipi: str | None
    mlc_publisher_number: str | None
    role_code: str  # "E" original publisher
    collection_share: Decimal
    administrators: tuple[MlcAdministrator, ...]
    writer_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MlcWork:
    song_code: str
    title: str
    iswc: str | None
    alternative_titles: tuple[str, ...]
    artists: str  # performing artists as one display string
    writers: tuple[MlcWriter, ...]
    publishers: tuple[MlcPublisher, ...]


@dataclass(frozen=True, slots=True)
class MlcRecording:
    """What `/search/recordings` returns for an ISRC; `song_code` None = not linked to a work."""

    id: str
    isrc: str
    title: str
    artist: str
    labels: str
    song_code: str | None


# --- MusicBrainz ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MbAlias:
    name: str
    sort_name: str
    type: str | None  # "Artist name" | "Legal name" | "Search hint"
    locale: str | None
    primary: bool


@dataclass(frozen=True, slots=True)
class MbUrlRelation:
    """An artist -> url relationship. `type` is the WS name (a key of MB_URL_LINK_TYPE_IDS);
    all social networks share "social network" and only the host tells them apart."""

    url_id: str  # the URL entity's own MBID (`<target id=...>`, JSON `url.id`)
    resource: str
    type: str
    begin: str | None
    end: str | None
    ended: bool

    @property
    def type_id(self) -> str:
        return MB_URL_LINK_TYPE_IDS[self.type]


@dataclass(frozen=True, slots=True)
class MbArtist:
    mbid: str
    name: str
    sort_name: str
    type: str | None  # "Person" | "Group" | None
    disambiguation: str
    country: str | None
    gender: str | None
    begin_date: str | None  # life-span begin, "1994" or "1994-03-02"
    ipis: tuple[str, ...]
    isnis: tuple[str, ...]
    aliases: tuple[MbAlias, ...]
    urls: tuple[MbUrlRelation, ...]


@dataclass(frozen=True, slots=True)
class MbArtistCredit:
    """One name in a recording's artist credit; `artist_mbid` None: emulators derive a stable
    id (the performer has no artist entry of its own in the catalog)."""

    name: str
    artist_mbid: str | None


@dataclass(frozen=True, slots=True)
class MbRecording:
    mbid: str
    title: str
    length_ms: int | None
    isrcs: tuple[str, ...]
    artist_credit: tuple[MbArtistCredit, ...]
    work_mbids: tuple[str, ...]  # "performance" work relationships: the works it records
    cover_work_mbids: tuple[str, ...] = ()  # those of work_mbids it records as a cover version


@dataclass(frozen=True, slots=True)
class MbWorkRelation:
    artist_mbid: str
    type: str  # one of MB_WRITER_RELATION_TYPES


@dataclass(frozen=True, slots=True)
class MbWork:
    mbid: str
    title: str
    iswcs: tuple[str, ...]
    writers: tuple[MbWorkRelation, ...]


# --- Chartmetric ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CmRef:
    """An id + name pair as Chartmetric lists them (moods, activities, artists, songwriters)."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ChartmetricTrack:
    """A Chartmetric track. One ISRC can have several (get-ids returns all their ids).

    Stats series come from models: Spotify popularity and streams follow the catalog track
    `spotify_track_ids[0]`, YouTube views follow `youtube_views` (None: no YouTube data).
    Chartmetric has no data before `stats_since`.
    """

    id: int
    name: str
    isrc: str | None
    spotify_track_ids: tuple[str, ...]
    artists: tuple[CmRef, ...]
    album_label: str | None
    release_date: date | None
    explicit: bool
    duration_ms: int
    tempo: float | None
    composer_name: str | None
    songwriters: tuple[CmRef, ...]  # Chartmetric songwriter ids
    moods: tuple[CmRef, ...]
    activities: tuple[CmRef, ...]
    tags: tuple[str, ...]
    score: float
    playlist_reach: int  # cm_statistics.sp_playlist_total_reach
    spotify_playlist_count: int  # num_sp_playlists
    spotify_editorial_playlist_count: int  # num_sp_editorial_playlists
    spotify_popularity_rank: int | None
    stats_since: date | None  # None: data for every date
    youtube_views: GrowthModel | None


@dataclass(frozen=True, slots=True)
class ChartmetricPlaylist:
    """A Spotify playlist as Chartmetric tracks it, under its numeric Chartmetric id."""

    id: int
    spotify_playlist_id: str
    track_ids: tuple[str, ...]  # current tracks (Spotify ids), playlist order
    past_track_ids: tuple[str, ...]  # tracks that have left the playlist


# --- the catalog ------------------------------------------------------------------------------


def _index(pairs) -> Mapping:
    return MappingProxyType(dict(pairs))


def _group(pairs) -> Mapping:
    grouped: dict = {}
    for key, value in pairs:
        bucket = grouped.setdefault(key, [])
        if value not in bucket:
            bucket.append(value)
    return MappingProxyType({k: tuple(v) for k, v in grouped.items()})


@dataclass(frozen=True)
class Catalog:
    """Everything the emulators serve, with the lookups they need (built once, read-only).

    `reference_date` is the date the catalog describes (growth models are anchored around it);
    emulators evaluate time-dependent figures at the sandbox clock's date instead.
    """

    format_version: int
    seed: int | None
    reference_date: date
    playlists: tuple[Playlist, ...]
    tracks: tuple[Track, ...]
    albums: tuple[Album, ...]
    artists: tuple[Artist, ...]
    episodes: tuple[Episode, ...]
    mlc_works: tuple[MlcWork, ...]
    mlc_recordings: tuple[MlcRecording, ...]
    mb_artists: tuple[MbArtist, ...]
    mb_recordings: tuple[MbRecording, ...]
    mb_works: tuple[MbWork, ...]
    cm_tracks: tuple[ChartmetricTrack, ...]
    cm_playlists: tuple[ChartmetricPlaylist, ...]

    # Spotify
    tracks_by_id: Mapping[str, Track] = field(init=False, repr=False, compare=False)
    tracks_by_isrc: Mapping[str, tuple[Track, ...]] = field(init=False, repr=False, compare=False)
    albums_by_id: Mapping[str, Album] = field(init=False, repr=False, compare=False)
    artists_by_id: Mapping[str, Artist] = field(init=False, repr=False, compare=False)
    episodes_by_id: Mapping[str, Episode] = field(init=False, repr=False, compare=False)
    playlists_by_id: Mapping[str, Playlist] = field(init=False, repr=False, compare=False)
    playlist_ids_by_track_id: Mapping[str, tuple[str, ...]] = field(
        init=False, repr=False, compare=False
    )
    # The MLC
    mlc_works_by_song_code: Mapping[str, MlcWork] = field(init=False, repr=False, compare=False)
    mlc_recordings_by_isrc: Mapping[str, tuple[MlcRecording, ...]] = field(
        init=False, repr=False, compare=False
    )
    # MusicBrainz
    mb_artists_by_mbid: Mapping[str, MbArtist] = field(init=False, repr=False, compare=False)
    mb_artists_by_name: Mapping[str, tuple[MbArtist, ...]] = field(
        init=False, repr=False, compare=False
    )
    mb_artists_by_url: Mapping[str, tuple[MbArtist, ...]] = field(
        init=False, repr=False, compare=False
    )
    mb_recordings_by_mbid: Mapping[str, MbRecording] = field(init=False, repr=False, compare=False)
    mb_recordings_by_isrc: Mapping[str, tuple[MbRecording, ...]] = field(
        init=False, repr=False, compare=False
    )
    mb_works_by_mbid: Mapping[str, MbWork] = field(init=False, repr=False, compare=False)
    mb_works_by_writer: Mapping[str, tuple[MbWork, ...]] = field(
        init=False, repr=False, compare=False
    )
    # Each work's title as `name_tokens` gives it, in `mb_works` order (the work search's words).
    mb_work_title_tokens: tuple[tuple[str, ...], ...] = field(init=False, repr=False, compare=False)
    # Chartmetric
    cm_tracks_by_id: Mapping[int, ChartmetricTrack] = field(init=False, repr=False, compare=False)
    chartmetric_ids_by_isrc: Mapping[str, tuple[int, ...]] = field(
        init=False, repr=False, compare=False
    )
    chartmetric_ids_by_spotify_id: Mapping[str, tuple[int, ...]] = field(
        init=False, repr=False, compare=False
    )
    cm_playlists_by_id: Mapping[int, ChartmetricPlaylist] = field(
        init=False, repr=False, compare=False
    )
    cm_playlists_by_spotify_id: Mapping[str, ChartmetricPlaylist] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        put = object.__setattr__
        put(self, "tracks_by_id", _index((t.id, t) for t in self.tracks))
        put(self, "tracks_by_isrc", _group((t.isrc, t) for t in self.tracks if t.isrc))
        put(self, "albums_by_id", _index((a.id, a) for a in self.albums))
        put(self, "artists_by_id", _index((a.id, a) for a in self.artists))
        put(self, "episodes_by_id", _index((e.id, e) for e in self.episodes))
        put(self, "playlists_by_id", _index((p.id, p) for p in self.playlists))
        put(
            self,
            "playlist_ids_by_track_id",
            _group((t, p.id) for p in self.playlists for t in p.track_ids),
        )
        put(self, "mlc_works_by_song_code", _index((w.song_code, w) for w in self.mlc_works))
        put(self, "mlc_recordings_by_isrc", _group((r.isrc, r) for r in self.mlc_recordings))
        put(self, "mb_artists_by_mbid", _index((a.mbid, a) for a in self.mb_artists))
        put(
            self,
            "mb_artists_by_name",
            _group(
                (normalise_name(name), a)
                for a in self.mb_artists
                for name in (a.name, *(alias.name for alias in a.aliases))
            ),
        )
        put(
            self,
            "mb_artists_by_url",
            _group((u.resource, a) for a in self.mb_artists for u in a.urls),
        )
        put(self, "mb_recordings_by_mbid", _index((r.mbid, r) for r in self.mb_recordings))
        put(
            self,
            "mb_recordings_by_isrc",
            _group((isrc, r) for r in self.mb_recordings for isrc in r.isrcs),
        )
        put(self, "mb_works_by_mbid", _index((w.mbid, w) for w in self.mb_works))
        put(
            self,
            "mb_works_by_writer",
            _group((rel.artist_mbid, w) for w in self.mb_works for rel in w.writers),
        )
        put(self, "mb_work_title_tokens", tuple(name_tokens(w.title) for w in self.mb_works))
        put(self, "cm_tracks_by_id", _index((t.id, t) for t in self.cm_tracks))
        put(
            self,
            "chartmetric_ids_by_isrc",
            _group((t.isrc, t.id) for t in self.cm_tracks if t.isrc),
        )
        put(
            self,
            "chartmetric_ids_by_spotify_id",
            _group((s, t.id) for t in self.cm_tracks for s in t.spotify_track_ids),
        )
        put(self, "cm_playlists_by_id", _index((p.id, p) for p in self.cm_playlists))
        put(
            self,
            "cm_playlists_by_spotify_id",
            _index((p.spotify_playlist_id, p) for p in self.cm_playlists),
        )

    def playlist_by_chartmetric_id(self, chartmetric_id: int) -> Playlist | None:
        """The Spotify playlist Chartmetric tracks under this numeric id."""
        tracked = self.cm_playlists_by_id.get(chartmetric_id)
        return self.playlists_by_id.get(tracked.spotify_playlist_id) if tracked else None

    def mb_artists_named(self, name: str) -> tuple[MbArtist, ...]:
        """MusicBrainz artists whose name or an alias equals `name` (see `normalise_name`)."""
        return self.mb_artists_by_name.get(normalise_name(name), ())

    def playlist_tracks(self) -> tuple[Track, ...]:
        """Distinct tracks that appear on some playlist, in first-appearance order."""
        return tuple(self.tracks_by_id[t] for t in self.playlist_ids_by_track_id)
