"""Load a catalog file: JSON Schema first, then the semantic rules, then typed records.

Every error names the JSON path of the bad value (`$.tracks[3].isrc: 'XX1' does not match ...`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from track_assets.sandbox.catalog.model import (
    FORMAT_VERSION,
    SPOTIFY_OWNED_PLAYLIST_PREFIX,
    Album,
    Artist,
    Catalog,
    ChartmetricPlaylist,
    ChartmetricTrack,
    CmRef,
    Contributor,
    Copyright,
    Credits,
    DatePrecision,
    Episode,
    GrowthModel,
    Image,
    ItemKind,
    LocalFile,
    MbAlias,
    MbArtist,
    MbArtistCredit,
    MbRecording,
    MbUrlRelation,
    MbWork,
    MbWorkRelation,
    MlcAdministrator,
    MlcPublisher,
    MlcRecording,
    MlcWork,
    MlcWriter,
    Playlist,
    PlaylistItem,
    PopularityModel,
    RoleGroup,
    Show,
    SpotifyUser,
    Track,
)

SCHEMA_RESOURCE = "catalog.schema.json"
# Markets of an album whose file lists none (a hand-written catalog may leave them out).
DEFAULT_MARKETS = ("US", "GB", "CA", "AU", "DE", "FR", "NG", "ZA", "BR", "MX", "SE", "JP")
_MAX_PROBLEMS_SHOWN = 5
_RELEASE_DATE_PATTERNS = {
    DatePrecision.YEAR: re.compile(r"^\d{4}$"),
    DatePrecision.MONTH: re.compile(r"^\d{4}-\d{2}$"),
    DatePrecision.DAY: re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class CatalogError(ValueError):
    """A catalog file breaks the schema or a semantic rule. `path` is the first bad value's
    JSON path; `problems` lists every (path, message) found."""

    def __init__(
        self,
        path: str,
        message: str,
        problems: Iterable[tuple[str, str]] = (),
        source: str | None = None,
    ) -> None:
        self.path = path
        self.message = message
        self.problems = tuple(problems) or ((path, message),)
        self.source = source
        text = f"{path}: {message}"
        shown = [f"{p}: {m}" for p, m in self.problems[1:_MAX_PROBLEMS_SHOWN]]
        if shown:
            text += "; also " + "; ".join(shown)
        if len(self.problems) > _MAX_PROBLEMS_SHOWN:
            text += f" (and {len(self.problems) - _MAX_PROBLEMS_SHOWN} more)"
        if source:
            text += f" (in {source})"
        super().__init__(text)

    @classmethod
    def from_problems(cls, problems: list[tuple[str, str]], source: str | None) -> CatalogError:
        path, message = problems[0]
        return cls(path, message, problems, source)


def json_path(parts: Iterable[str | int]) -> str:
    """`$`-rooted path: ["tracks", 3, "isrc"] -> "$.tracks[3].isrc"."""
    text = "$"
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        elif _IDENTIFIER.match(part):
            text += f".{part}"
        else:
            text += f"[{part!r}]"
    return text


@cache
def _schema_text() -> str:
    return resources.files(__package__).joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


def catalog_schema() -> dict[str, Any]:
    """The catalog's JSON Schema (2020-12), shipped as package data (a fresh copy)."""
    return json.loads(_schema_text())


def _inline_refs(node: Any, defs: Mapping[str, Any]) -> Any:
    """The schema with every local `$ref` replaced by its definition (the schema has no
    recursion). Same meaning; jsonschema validates it about 40 % faster."""
    if isinstance(node, dict):
        if set(node) == {"$ref"}:
            return _inline_refs(defs[node["$ref"].removeprefix("#/$defs/")], defs)
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


@cache
def _schema_validator():
    # Imported here: only loading a catalog needs jsonschema, not importing the package.
    import jsonschema

    schema = catalog_schema()
    return jsonschema.Draft202012Validator(_inline_refs(schema, schema["$defs"]))


def schema_problems(data: Any) -> list[tuple[str, str]]:
    """(path, message) for every JSON Schema violation, the most relevant first."""
    import jsonschema

    errors = list(_schema_validator().iter_errors(data))
    if not errors:
        return []
    best = jsonschema.exceptions.best_match(errors)
    ordered = [best, *(e for e in errors if e is not best)]
    return [(json_path(e.absolute_path), e.message) for e in ordered]


def validate_catalog_data(data: Any, source: str | None = None, check_schema: bool = True) -> None:
    """Raise CatalogError unless `data` passes the schema and every semantic rule."""
    problems = schema_problems(data) if check_schema else []
    if not problems:
        problems = semantic_problems(data)
    if problems:
        raise CatalogError.from_problems(problems, source)


def load_catalog(
    source: str | os.PathLike[str] | Mapping[str, Any], *, check_schema: bool = True
) -> Catalog:
    """Validate a catalog (a file path or already-parsed JSON) and build its typed records.

    `check_schema=False` skips only the JSON Schema pass (about 2.5 ms per track), for data
    this package generated itself; the semantic rules always run.
    """
    if isinstance(source, Mapping):
        data, name = source, None
    else:
        name = os.fspath(source)
        try:
            with open(name, encoding="utf-8") as handle:
                data = json.load(handle)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno} column {error.colno}"
            raise CatalogError(
                "$", f"not valid JSON: {error.msg} at {where}", source=name
            ) from None
    validate_catalog_data(data, name, check_schema)
    try:
        return _build_catalog(data)
    except _BadValue as bad:
        raise CatalogError(bad.path, bad.message, source=name) from None


# --- semantic rules ---------------------------------------------------------------------------


def semantic_problems(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Rules the schema cannot express: unique ids, references that resolve, ids that agree."""
    problems: list[tuple[str, str]] = []
    add = problems.append
    mlc = data.get("mlc", {})
    mb = data.get("musicbrainz", {})
    cm = data.get("chartmetric", {})

    def unique(records: list, key: str, where: str) -> dict:
        seen: dict = {}
        for i, record in enumerate(records):
            value = record[key]
            if value in seen:
                add((f"$.{where}[{i}].{key}", f"{value!r} repeats {where}[{seen[value]}]"))
            else:
                seen[value] = i
        return seen

    playlists = unique(data["playlists"], "id", "playlists")
    tracks = unique(data["tracks"], "id", "tracks")
    albums = unique(data["albums"], "id", "albums")
    artists = unique(data["artists"], "id", "artists")
    episodes = unique(data.get("episodes", []), "id", "episodes")
    works = unique(mlc.get("works", []), "song_code", "mlc.works")
    unique(mlc.get("recordings", []), "id", "mlc.recordings")
    mb_artists = unique(mb.get("artists", []), "mbid", "musicbrainz.artists")
    unique(mb.get("recordings", []), "mbid", "musicbrainz.recordings")
    mb_works = unique(mb.get("works", []), "mbid", "musicbrainz.works")
    unique(cm.get("tracks", []), "id", "chartmetric.tracks")
    unique(cm.get("playlists", []), "id", "chartmetric.playlists")
    unique(cm.get("playlists", []), "spotify_playlist_id", "chartmetric.playlists")

    def refer(value: Any, known: Mapping, path: str, what: str) -> None:
        if value is not None and value not in known:
            add((path, f"{value!r} is not a known {what}"))

    # Spotify
    track_sets: dict[str, set[str]] = {}
    for i, playlist in enumerate(data["playlists"]):
        path = f"$.playlists[{i}]"
        owned = playlist["id"].startswith(SPOTIFY_OWNED_PLAYLIST_PREFIX)
        if "editorial" in playlist and playlist["editorial"] != owned:
            add(
                (
                    f"{path}.editorial",
                    f"{playlist['editorial']} disagrees with id {playlist['id']!r}",
                )
            )
        members = track_sets.setdefault(playlist["id"], set())
        for j, item in enumerate(playlist["items"]):
            refer(item.get("track_id"), tracks, f"{path}.items[{j}].track_id", "track id")
            refer(item.get("episode_id"), episodes, f"{path}.items[{j}].episode_id", "episode id")
            if item.get("track_id"):
                members.add(item["track_id"])
    for i, track in enumerate(data["tracks"]):
        path = f"$.tracks[{i}]"
        refer(track["album_id"], albums, f"{path}.album_id", "album id")
        if track["album_id"] in albums:
            album = data["albums"][albums[track["album_id"]]]
            if track["id"] not in album["track_ids"]:
                add((f"{path}.album_id", f"album {track['album_id']!r} does not list this track"))
        for j, artist_id in enumerate(track["artist_ids"]):
            refer(artist_id, artists, f"{path}.artist_ids[{j}]", "artist id")
        target = track.get("relinked_to")
        refer(target, tracks, f"{path}.relinked_to", "track id")
        if target == track["id"]:
            add((f"{path}.relinked_to", "a track cannot be relinked to itself"))
        groups = track.get("credits", {}).get("role_groups", [])
        for g, group in enumerate(groups):
            for c, person in enumerate(group["contributors"]):
                where = f"{path}.credits.role_groups[{g}].contributors[{c}].artist_id"
                refer(person["artist_id"], artists, where, "artist id")
    for i, album in enumerate(data["albums"]):
        path = f"$.albums[{i}]"
        for j, artist_id in enumerate(album["artist_ids"]):
            refer(artist_id, artists, f"{path}.artist_ids[{j}]", "artist id")
        for j, track_id in enumerate(album["track_ids"]):
            refer(track_id, tracks, f"{path}.track_ids[{j}]", "track id")
            if track_id in tracks and data["tracks"][tracks[track_id]]["album_id"] != album["id"]:
                add((f"{path}.track_ids[{j}]", f"track {track_id!r} names another album"))
        pattern = _RELEASE_DATE_PATTERNS[DatePrecision(album["release_date_precision"])]
        if not pattern.match(album["release_date"]):
            message = f"{album['release_date']!r} does not fit precision {album['release_date_precision']!r}"
            add((f"{path}.release_date", message))

    # The MLC
    for i, work in enumerate(mlc.get("works", [])):
        path = f"$.mlc.works[{i}]"
        writer_ids = unique(work["writers"], "writer_id", f"mlc.works[{i}].writers")
        for p, publisher in enumerate(work["publishers"]):
            for w, writer_id in enumerate(publisher.get("writer_ids", [])):
                where = f"{path}.publishers[{p}].writer_ids[{w}]"
                refer(writer_id, writer_ids, where, "writer id of this work")
    for i, recording in enumerate(mlc.get("recordings", [])):
        refer(recording["song_code"], works, f"$.mlc.recordings[{i}].song_code", "MLC song code")

    # MusicBrainz
    for i, recording in enumerate(mb.get("recordings", [])):
        path = f"$.musicbrainz.recordings[{i}]"
        for j, work_mbid in enumerate(recording.get("work_mbids", [])):
            refer(work_mbid, mb_works, f"{path}.work_mbids[{j}]", "MusicBrainz work")
        performed = set(recording.get("work_mbids", []))
        for j, work_mbid in enumerate(recording.get("cover_work_mbids", [])):
            if work_mbid not in performed:
                message = f"{work_mbid!r} is not in this recording's work_mbids"
                add((f"{path}.cover_work_mbids[{j}]", message))
        for j, credit in enumerate(recording.get("artist_credit", [])):
            where = f"{path}.artist_credit[{j}].artist_mbid"
            refer(credit.get("artist_mbid"), mb_artists, where, "MusicBrainz artist")
    for i, work in enumerate(mb.get("works", [])):
        for j, relation in enumerate(work["writers"]):
            where = f"$.musicbrainz.works[{i}].writers[{j}].artist_mbid"
            refer(relation["artist_mbid"], mb_artists, where, "MusicBrainz artist")

    # Chartmetric
    listed: set[str] = set()
    for i, cm_track in enumerate(cm.get("tracks", [])):
        for j, spotify_id in enumerate(cm_track["spotify_track_ids"]):
            refer(
                spotify_id, tracks, f"$.chartmetric.tracks[{i}].spotify_track_ids[{j}]", "track id"
            )
            listed.add(spotify_id)
    for i, cm_playlist in enumerate(cm.get("playlists", [])):
        path = f"$.chartmetric.playlists[{i}]"
        spotify_id = cm_playlist["spotify_playlist_id"]
        refer(spotify_id, playlists, f"{path}.spotify_playlist_id", "playlist id")
        members = track_sets.get(spotify_id, set())
        for j, track_id in enumerate(cm_playlist["track_ids"]):
            if spotify_id in playlists and track_id not in members:
                add((f"{path}.track_ids[{j}]", f"{track_id!r} is not on playlist {spotify_id!r}"))
            elif track_id not in listed:
                add((f"{path}.track_ids[{j}]", f"{track_id!r} has no Chartmetric track"))
        for j, track_id in enumerate(cm_playlist.get("past_track_ids", [])):
            refer(track_id, tracks, f"{path}.past_track_ids[{j}]", "track id")
            if track_id in tracks and track_id not in listed:
                add((f"{path}.past_track_ids[{j}]", f"{track_id!r} has no Chartmetric track"))
    return problems


# --- typed records ----------------------------------------------------------------------------


class _BadValue(Exception):
    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message


def _date(text: str, path: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _BadValue(path, f"{text!r} is not a real date") from None


def _optional_date(text: str | None, path: str) -> date | None:
    return None if text is None else _date(text, path)


def _datetime(text: str | None, path: str) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise _BadValue(path, f"{text!r} is not a real date and time") from None


def _images(raw: list[dict]) -> tuple[Image, ...]:
    return tuple(Image(i["url"], i.get("width"), i.get("height")) for i in raw)


def _growth(raw: dict, path: str) -> GrowthModel:
    return GrowthModel(
        start_date=_date(raw["start_date"], f"{path}.start_date"),
        start_count=raw["start_count"],
        daily_growth_rate=float(raw["daily_growth_rate"]),
        daily_increment=raw["daily_increment"],
        compounding_days=raw["compounding_days"],
    )


def _share(value: float | int) -> Decimal:
    # Shares are decimals on a 0-100 scale; str() keeps 33.33 exactly 33.33.
    return Decimal(str(value))


def _records(raw: list[dict], where: str, build: Callable[[dict, str], Any]) -> tuple:
    return tuple(build(record, f"$.{where}[{i}]") for i, record in enumerate(raw))


def _playlist(raw: dict, path: str) -> Playlist:
    items = []
    for j, item in enumerate(raw["items"]):
        local = item.get("local")
        items.append(
            PlaylistItem(
                kind=ItemKind(item["kind"]),
                added_at=_datetime(item.get("added_at"), f"{path}.items[{j}].added_at"),
                added_by=item.get("added_by"),
                track_id=item.get("track_id"),
                episode_id=item.get("episode_id"),
                local=None
                if local is None
                else LocalFile(
                    local["name"], local["artist"], local["album"], local["duration_ms"]
                ),
            )
        )
    return Playlist(
        id=raw["id"],
        name=raw["name"],
        description=raw.get("description", ""),
        owner=SpotifyUser(raw["owner"]["id"], raw["owner"]["display_name"]),
        followers=raw.get("followers", 0),
        public=raw.get("public", True),
        collaborative=raw.get("collaborative", False),
        snapshot_id=raw.get("snapshot_id", "AAAAAQAAAAEAAAAB"),
        images=_images(raw.get("images", [])),
        editorial=raw.get("editorial", raw["id"].startswith(SPOTIFY_OWNED_PLAYLIST_PREFIX)),
        items=tuple(items),
    )


def _credits(raw: dict | None) -> Credits:
    raw = raw or {"role_groups": [], "source_names": []}
    groups = tuple(
        RoleGroup(
            title=group["title"],
            contributors=tuple(
                Contributor(c["name"], c["artist_id"], tuple(c["subroles"]))
                for c in group["contributors"]
            ),
        )
        for group in raw["role_groups"]
    )
    return Credits(groups, tuple(raw["source_names"]))


def _track_builder(albums: Mapping[str, dict]) -> Callable[[dict, str], Track]:
    def build(raw: dict, path: str) -> Track:
        album = albums[raw["album_id"]]
        popularity = raw["popularity"]
        return Track(
            id=raw["id"],
            name=raw["name"],
            isrc=raw["isrc"],
            album_id=raw["album_id"],
            artist_ids=tuple(raw["artist_ids"]),
            disc_number=raw.get("disc_number", 1),
            track_number=raw.get("track_number", album["track_ids"].index(raw["id"]) + 1),
            duration_ms=raw["duration_ms"],
            explicit=raw.get("explicit", False),
            available_markets=tuple(
                raw.get("available_markets", album.get("available_markets", DEFAULT_MARKETS))
            ),
            relinked_to=raw.get("relinked_to"),
            popularity=PopularityModel(
                start_date=_date(popularity["start_date"], f"{path}.popularity.start_date"),
                start_value=popularity["start_value"],
                daily_change=float(popularity["daily_change"]),
            ),
            plays=_growth(raw["plays"], f"{path}.plays"),
            credits=_credits(raw.get("credits")),
        )

    return build


def _album(raw: dict, path: str) -> Album:
    precision = DatePrecision(raw["release_date_precision"])
    padded = {"year": "-01-01", "month": "-01", "day": ""}[precision.value]
    _date(raw["release_date"] + padded, f"{path}.release_date")
    return Album(
        id=raw["id"],
        name=raw["name"],
        album_type=raw.get("album_type", "album"),
        release_date=raw["release_date"],
        release_date_precision=precision,
        label=raw["label"],
        copyrights=tuple(Copyright(c["text"], c["type"]) for c in raw.get("copyrights", [])),
        upc=raw.get("upc"),
        images=_images(raw.get("images", [])),
        artist_ids=tuple(raw["artist_ids"]),
        track_ids=tuple(raw["track_ids"]),
        popularity=raw.get("popularity", 0),
        available_markets=tuple(raw.get("available_markets", DEFAULT_MARKETS)),
    )


def _artist(raw: dict, path: str) -> Artist:
    return Artist(
        id=raw["id"],
        name=raw["name"],
        genres=tuple(raw.get("genres", [])),
        popularity=raw.get("popularity", 0),
        followers=raw.get("followers", 0),
        monthly_listeners=raw.get("monthly_listeners", 0),
        images=_images(raw.get("images", [])),
    )


def _episode(raw: dict, path: str) -> Episode:
    show = raw["show"]
    return Episode(
        id=raw["id"],
        name=raw["name"],
        description=raw.get("description", ""),
        show=Show(show["id"], show["name"], show["publisher"]),
        duration_ms=raw["duration_ms"],
        release_date=_date(raw["release_date"], f"{path}.release_date"),
        explicit=raw.get("explicit", False),
    )


def _mlc_work(raw: dict, path: str) -> MlcWork:
    return MlcWork(
        song_code=raw["song_code"],
        title=raw["title"],
        iswc=raw.get("iswc"),
        alternative_titles=tuple(raw.get("alternative_titles", [])),
        artists=raw.get("artists", ""),
        writers=tuple(
            MlcWriter(
                writer_id=w["writer_id"],
                first_name=w["first_name"],
                last_name=w["last_name"],
                ipi=w.get("ipi"),
                role_code=w.get("role_code", "CA"),
            )
            for w in raw["writers"]
        ),
        publishers=tuple(
            MlcPublisher(
                publisher_id=p["publisher_id"],
                name=p["name"],
                ipi=p.get("ipi"),
                mlc_publisher_number=p.get("mlc_publisher_number"),
                role_code=p.get("role_code", "E"),
                collection_share=_share(p["collection_share"]),
                administrators=tuple(
                    MlcAdministrator(
                        publisher_id=a["publisher_id"],
                        name=a["name"],
                        ipi=a.get("ipi"),
                        mlc_publisher_number=a.get("mlc_publisher_number"),
                        collection_share=_share(a["collection_share"]),
                    )
                    for a in p.get("administrators", [])
                ),
                writer_ids=tuple(p.get("writer_ids", [])),
            )
            for p in raw["publishers"]
        ),
    )


def _mlc_recording(raw: dict, path: str) -> MlcRecording:
    return MlcRecording(
        id=raw["id"],
        isrc=raw["isrc"],
        title=raw["title"],
        artist=raw.get("artist", ""),
        labels=raw.get("labels", ""),
        song_code=raw["song_code"],
    )


def _mb_artist(raw: dict, path: str) -> MbArtist:
    return MbArtist(
        mbid=raw["mbid"],
        name=raw["name"],
        sort_name=raw.get("sort_name", raw["name"]),
        type=raw.get("type"),
        disambiguation=raw.get("disambiguation", ""),
        country=raw.get("country"),
        gender=raw.get("gender"),
        begin_date=raw.get("begin_date"),
        ipis=tuple(raw.get("ipis", [])),
        isnis=tuple(raw.get("isnis", [])),
        aliases=tuple(
            MbAlias(
                name=a["name"],
                sort_name=a.get("sort_name", a["name"]),
                type=a.get("type"),
                locale=a.get("locale"),
                primary=a.get("primary", False),
            )
            for a in raw.get("aliases", [])
        ),
        urls=tuple(
            MbUrlRelation(
                url_id=u["url_id"],
                resource=u["resource"],
                type=u["type"],
                begin=u.get("begin"),
                end=u.get("end"),
                ended=u.get("ended", False),
            )
            for u in raw.get("urls", [])
        ),
    )


def _mb_recording(raw: dict, path: str) -> MbRecording:
    return MbRecording(
        mbid=raw["mbid"],
        title=raw["title"],
        length_ms=raw.get("length_ms"),
        isrcs=tuple(raw["isrcs"]),
        artist_credit=tuple(
            MbArtistCredit(c["name"], c.get("artist_mbid")) for c in raw.get("artist_credit", [])
        ),
        work_mbids=tuple(raw.get("work_mbids", [])),
        cover_work_mbids=tuple(raw.get("cover_work_mbids", [])),
    )


def _mb_work(raw: dict, path: str) -> MbWork:
    return MbWork(
        mbid=raw["mbid"],
        title=raw["title"],
        iswcs=tuple(raw.get("iswcs", [])),
        writers=tuple(MbWorkRelation(w["artist_mbid"], w["type"]) for w in raw["writers"]),
    )


def _refs(raw: list[dict]) -> tuple[CmRef, ...]:
    return tuple(CmRef(r["id"], r["name"]) for r in raw)


def _cm_track(raw: dict, path: str) -> ChartmetricTrack:
    youtube = raw.get("youtube_views")
    return ChartmetricTrack(
        id=raw["id"],
        name=raw["name"],
        isrc=raw["isrc"],
        spotify_track_ids=tuple(raw["spotify_track_ids"]),
        artists=_refs(raw.get("artists", [])),
        album_label=raw.get("album_label"),
        release_date=_optional_date(raw.get("release_date"), f"{path}.release_date"),
        explicit=raw.get("explicit", False),
        duration_ms=raw.get("duration_ms", 0),
        tempo=raw.get("tempo"),
        composer_name=raw.get("composer_name"),
        songwriters=_refs(raw.get("songwriters", [])),
        moods=_refs(raw.get("moods", [])),
        activities=_refs(raw.get("activities", [])),
        tags=tuple(raw.get("tags", [])),
        score=float(raw.get("score", 0)),
        playlist_reach=raw.get("playlist_reach", 0),
        spotify_playlist_count=raw.get("spotify_playlist_count", 0),
        spotify_editorial_playlist_count=raw.get("spotify_editorial_playlist_count", 0),
        spotify_popularity_rank=raw.get("spotify_popularity_rank"),
        stats_since=_optional_date(raw.get("stats_since"), f"{path}.stats_since"),
        youtube_views=None if youtube is None else _growth(youtube, f"{path}.youtube_views"),
    )


def _cm_playlist(raw: dict, path: str) -> ChartmetricPlaylist:
    return ChartmetricPlaylist(
        id=raw["id"],
        spotify_playlist_id=raw["spotify_playlist_id"],
        track_ids=tuple(raw["track_ids"]),
        past_track_ids=tuple(raw.get("past_track_ids", [])),
    )


def _build_catalog(data: Mapping[str, Any]) -> Catalog:
    albums = {album["id"]: album for album in data["albums"]}
    mlc = data.get("mlc", {})
    mb = data.get("musicbrainz", {})
    cm = data.get("chartmetric", {})
    return Catalog(
        format_version=FORMAT_VERSION,  # the schema admits no other
        seed=data.get("seed"),
        reference_date=_date(data["reference_date"], "$.reference_date"),
        playlists=_records(data["playlists"], "playlists", _playlist),
        tracks=_records(data["tracks"], "tracks", _track_builder(albums)),
        albums=_records(data["albums"], "albums", _album),
        artists=_records(data["artists"], "artists", _artist),
        episodes=_records(data.get("episodes", []), "episodes", _episode),
        mlc_works=_records(mlc.get("works", []), "mlc.works", _mlc_work),
        mlc_recordings=_records(mlc.get("recordings", []), "mlc.recordings", _mlc_recording),
        mb_artists=_records(mb.get("artists", []), "musicbrainz.artists", _mb_artist),
        mb_recordings=_records(mb.get("recordings", []), "musicbrainz.recordings", _mb_recording),
        mb_works=_records(mb.get("works", []), "musicbrainz.works", _mb_work),
        cm_tracks=_records(cm.get("tracks", []), "chartmetric.tracks", _cm_track),
        cm_playlists=_records(cm.get("playlists", []), "chartmetric.playlists", _cm_playlist),
    )
