"""Hand-written hard cases: a compact file of tracks, what each service holds about them, and
the answers a careful analyst gives (written by hand, never computed), turned into a full
sandbox catalog. Format: docs/sandbox-catalog.md, "Hard cases"."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

FORMAT = "track-assets-hard-cases/1"
SHIPPED_HARD_CASES = Path(__file__).resolve().parent.parent / "catalogs" / "hard_cases.json"

STATUSES = ("signed", "split", "unsigned", "not_found", "not_linked", "ambiguous")
LEAD_REASONS = ("unrepresented", "no_publisher", "unmatched_on_split")
CHARTMETRIC_COPIES = ("current", "lagging", "none")
ALIAS_TYPES = ("Legal name", "Artist name", "Search hint")

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_MBID_NAMESPACE = uuid.UUID("6f1c3e0a-4b7d-4c55-9a61-2d8f0b7e9c13")
_SOCIAL_HOSTS = ("instagram.com", "twitter.com", "x.com", "tiktok.com", "facebook.com")


class HardCasesError(ValueError):
    """The hard-cases file is malformed: the message starts with where ($.cases[3].id)."""


# --- the answers, as written --------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedWriter:
    """A credited writer: the MLC work writer it is, the MusicBrainz artist it is (keys of the
    case, or None), and the lead reason it gives (None: no lead)."""

    key: str
    credit: str
    mlc_writer: str | None
    musicbrainz_artist: str | None
    lead: str | None


@dataclass(frozen=True)
class HardCase:
    case_id: str
    kind: str
    why: str
    track_id: str
    title: str
    work: str | None  # the song code the track is
    status: str  # a publisher status, or why there is none
    writers: tuple[ExpectedWriter, ...]
    mlc_writer_ipis: dict[str, str | None]  # MLC writer key -> IPI
    mlc_writer_names: dict[str, str]  # MLC writer key -> "FIRST LAST" as The MLC lists it
    mbids: dict[str, str]  # MusicBrainz artist key -> MBID


@dataclass(frozen=True)
class HardCases:
    cases: tuple[HardCase, ...]
    catalog: dict[str, Any]  # the sandbox catalog, as `load_catalog` takes it
    source: str

    @property
    def playlist_ids(self) -> tuple[str, ...]:
        return tuple(p["id"] for p in self.catalog["playlists"])


# --- reading --------------------------------------------------------------------------------


def read_hard_cases(path: Path | str | None = None) -> HardCases:
    """The hard-cases file (default: the shipped one) with its catalog built."""
    path = Path(path) if path is not None else SHIPPED_HARD_CASES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise HardCasesError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise HardCasesError(f"{path}: cannot read it: {error}") from None
    except json.JSONDecodeError as error:
        raise HardCasesError(
            f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    try:
        return build_hard_cases(data, source=str(path))
    except HardCasesError as error:
        raise HardCasesError(f"{path}: {error}") from None


def build_hard_cases(data: Any, source: str = "<data>") -> HardCases:
    """Check the hard-cases data and build its sandbox catalog (deterministic)."""
    _expect(isinstance(data, dict), "$", "must be an object")
    _expect(data.get("format") == FORMAT, "$.format", f"must be {FORMAT!r}")
    reference = _date(data.get("reference_date"), "$.reference_date")
    builder = _CatalogBuilder(reference)
    playlists = _list(data, "playlists", "$")
    for i, playlist in enumerate(playlists):
        builder.add_playlist(playlist, f"$.playlists[{i}]")
    cases = []
    seen: set[str] = set()
    for i, raw in enumerate(_list(data, "cases", "$")):
        where = f"$.cases[{i}]"
        case_id = _text(raw, "id", where)
        _expect(case_id not in seen, f"{where}.id", f"{case_id!r} is used twice")
        seen.add(case_id)
        cases.append(builder.add_case(raw, where, i))
    _expect(bool(cases), "$.cases", "must list at least one case")
    return HardCases(tuple(cases), builder.catalog(), source)


# --- checks -----------------------------------------------------------------------------------


def _expect(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise HardCasesError(f"{where}: {message}")


def _field(obj: Any, key: str, where: str) -> Any:
    _expect(isinstance(obj, dict), where, "must be an object")
    _expect(key in obj, where, f"{key!r} is missing")
    return obj[key]


def _text(obj: Any, key: str, where: str) -> str:
    value = _field(obj, key, where)
    _expect(isinstance(value, str) and value.strip() != "", f"{where}.{key}", "must be a text")
    return value


def _optional_text(obj: dict, key: str, where: str) -> str | None:
    value = obj.get(key)
    _expect(value is None or isinstance(value, str), f"{where}.{key}", "must be a text or null")
    return value


def _list(obj: Any, key: str, where: str, default: list | None = None) -> list:
    if default is not None and isinstance(obj, dict) and key not in obj:
        return default
    value = _field(obj, key, where)
    _expect(isinstance(value, list), f"{where}.{key}", "must be a list")
    return value


def _date(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise HardCasesError(f"{where}: must be a date YYYY-MM-DD") from None


def _choice(value: Any, choices: tuple, where: str, nullable: bool = False) -> Any:
    allowed = ", ".join(str(c) for c in choices) + (", null" if nullable else "")
    _expect(value in choices or (nullable and value is None), where, f"must be one of {allowed}")
    return value


# --- identifiers (deterministic from the case and key) -----------------------------------------


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("/".join(parts).encode()).digest()[:16], "big")


def spotify_id(*parts: str) -> str:
    number, chars = _digest("spotify", *parts), []
    for _ in range(22):
        number, rest = divmod(number, 62)
        chars.append(_BASE62[rest])
    return "".join(chars)


def mbid(*parts: str) -> str:
    return str(uuid.uuid5(_MBID_NAMESPACE, "/".join(parts)))


def _number(*parts: str, digits: int) -> int:
    return _digest(*parts) % 10 ** (digits - 1) + 10 ** (digits - 1)


# --- the catalog ------------------------------------------------------------------------------


class _CatalogBuilder:
    """Fills the boilerplate (albums, Spotify artists, growing play counts, popularity,
    Chartmetric rows) around what each case says."""

    def __init__(self, reference: date) -> None:
        self.reference = reference
        self.playlists: dict[str, dict] = {}
        self.copies: dict[str, str] = {}  # playlist key -> Chartmetric copy kind
        self.late: dict[str, list[str]] = {}  # playlist key -> tracks Chartmetric lacks
        self.tracks: list[dict] = []
        self.albums: list[dict] = []
        self.artists: dict[str, dict] = {}
        self.song_codes: set[str] = set()
        self.mlc_works: list[dict] = []
        self.mlc_recordings: list[dict] = []
        self.mb_artists: list[dict] = []
        self.mb_works: list[dict] = []
        self.mb_recordings: list[dict] = []
        self.cm_tracks: list[dict] = []

    def add_playlist(self, raw: Any, where: str) -> None:
        key = _text(raw, "key", where)
        _expect(key not in self.playlists, f"{where}.key", f"{key!r} is used twice")
        self.copies[key] = _choice(
            raw.get("chartmetric", "current"), CHARTMETRIC_COPIES, f"{where}.chartmetric"
        )
        self.playlists[key] = {
            "id": spotify_id("playlist", key),
            "name": _text(raw, "name", where),
            "description": "Hand-written hard cases for the accuracy report.",
            "owner": {"id": "hardcases", "display_name": "Hard Cases"},
            "followers": 1200,
            "snapshot_id": spotify_id("snapshot", key) + "AAAAAAAA",
            "editorial": False,
            "items": [],
        }
        self.late[key] = []

    def add_case(self, raw: Any, where: str, index: int) -> HardCase:
        case_id = raw["id"]
        kind = _text(raw, "class", where)
        why = _text(raw, "why", where)
        title = _text(raw, "title", where)
        playlist = raw.get("playlist", next(iter(self.playlists), None))
        _expect(playlist in self.playlists, f"{where}.playlist", f"{playlist!r} is not a playlist")
        isrc = raw.get("isrc", f"QZHCS26{index + 1:05d}")
        _expect(isinstance(isrc, str), f"{where}.isrc", "must be a text")

        track_id = spotify_id("track", case_id)
        writers = _list(raw, "writers", where)
        performer = _text(raw, "performer", where)
        credits = self._credits(case_id, performer, writers, where)
        mlc_names, mlc_ipis = self._mlc(case_id, raw.get("mlc"), title, isrc, where)
        mbids = self._musicbrainz(case_id, raw.get("musicbrainz"), isrc, title, performer, where)
        self._spotify_track(case_id, track_id, title, isrc, credits, index)
        self._playlist_entry(playlist, track_id, raw.get("missing_from_chartmetric", False), where)

        expected = _field(raw, "expected", where)
        status = _choice(expected.get("status"), STATUSES, f"{where}.expected.status")
        work = _optional_text(expected, "work", f"{where}.expected")
        _expect(
            work is None or work in self.song_codes, f"{where}.expected.work", "unknown song code"
        )
        answers = _field(expected, "writers", f"{where}.expected")
        writer_keys = [w["key"] for w in writers]
        _expect(
            isinstance(answers, dict) and sorted(answers) == sorted(writer_keys),
            f"{where}.expected.writers",
            f"must give an answer for each writer: {', '.join(writer_keys)}",
        )
        return HardCase(
            case_id=case_id,
            kind=kind,
            why=why,
            track_id=track_id,
            title=title,
            work=work,
            status=status,
            writers=tuple(
                self._expected_writer(
                    w, answers[w["key"]], mlc_names, mbids, f"{where}.expected.writers.{w['key']}"
                )
                for w in writers
            ),
            mlc_writer_ipis=mlc_ipis,
            mlc_writer_names=mlc_names,
            mbids=mbids,
        )

    @staticmethod
    def _expected_writer(
        writer: dict, answer: Any, mlc_names: dict, mbids: dict, where: str
    ) -> ExpectedWriter:
        mlc = _field(answer, "mlc", where)
        _expect(mlc is None or mlc in mlc_names, f"{where}.mlc", f"{mlc!r} is no MLC writer key")
        artist = _field(answer, "musicbrainz", where)
        _expect(
            artist is None or artist in mbids,
            f"{where}.musicbrainz",
            f"{artist!r} is no artist key",
        )
        lead = _choice(_field(answer, "lead", where), LEAD_REASONS, f"{where}.lead", nullable=True)
        return ExpectedWriter(writer["key"], writer["credit"], mlc, artist, lead)

    # -- Spotify

    def _credits(self, case_id: str, performer: str, writers: list, where: str) -> dict:
        performer_id = self._spotify_artist(performer)
        contributors, keys = [], set()
        for i, writer in enumerate(writers):
            at = f"{where}.writers[{i}]"
            key = _text(writer, "key", at)
            _expect(key not in keys, f"{at}.key", f"{key!r} is used twice")
            keys.add(key)
            credit = _text(writer, "credit", at)
            has_page = writer.get("spotify", False)
            contributors.append(
                {
                    "name": credit,
                    "artist_id": self._spotify_artist(credit, case_id, key) if has_page else None,
                    "subroles": writer.get("subroles", ["composer", "lyricist"]),
                }
            )
        groups = [
            {
                "title": "Performers",
                "contributors": [
                    {"name": performer, "artist_id": performer_id, "subroles": ["main artist"]}
                ],
            }
        ]
        if contributors:
            groups.append({"title": "Writers", "contributors": contributors})
        return {"role_groups": groups, "source_names": ["Hard Cases Records"]}

    def _spotify_artist(self, name: str, *owner: str) -> str:
        artist_id = spotify_id("artist", *(owner or (name,)))
        self.artists.setdefault(
            artist_id,
            {
                "id": artist_id,
                "name": name,
                "genres": ["pop"],
                "popularity": 40,
                "followers": 5000 + _number(artist_id, digits=4),
                "monthly_listeners": 20000 + _number(artist_id, "listeners", digits=5),
            },
        )
        return artist_id

    def _spotify_track(
        self, case_id: str, track_id: str, title: str, isrc: str | None, credits: dict, index: int
    ) -> None:
        album_id = spotify_id("album", case_id)
        performer_id = credits["role_groups"][0]["contributors"][0]["artist_id"]
        self.albums.append(
            {
                "id": album_id,
                "name": title,
                "album_type": "single",
                "release_date": (self.reference - timedelta(days=60 + index)).isoformat(),
                "release_date_precision": "day",
                "label": "Hard Cases Records",
                "upc": f"{_number(album_id, digits=12)}",
                "artist_ids": [performer_id],
                "track_ids": [track_id],
            }
        )
        self.tracks.append(
            {
                "id": track_id,
                "name": title,
                "isrc": isrc,
                "album_id": album_id,
                "artist_ids": [performer_id],
                "duration_ms": 180000 + 1000 * index,
                "popularity": {
                    "start_date": self.reference.isoformat(),
                    "start_value": 30 + index % 50,
                    "daily_change": 0.1,
                },
                # Every track grows between any two days: velocity exists and is positive.
                "plays": {
                    "start_date": self.reference.isoformat(),
                    "start_count": 100000 + 7919 * index,
                    "daily_growth_rate": 0.01,
                    "daily_increment": 500 + 10 * index,
                    "compounding_days": 60,
                },
                "credits": credits,
            }
        )
        if isrc is not None:
            self.cm_tracks.append(
                {
                    "id": 70000000 + index,
                    "name": title,
                    "isrc": isrc,
                    "spotify_track_ids": [track_id],
                    "artists": [{"id": 900000 + index, "name": credits["role_groups"][0]
                                 ["contributors"][0]["name"]}],
                    "playlist_reach": 100000 + index,
                }
            )  # fmt: skip

    def _playlist_entry(self, playlist: str, track_id: str, late: Any, where: str) -> None:
        _expect(isinstance(late, bool), f"{where}.missing_from_chartmetric", "must be true/false")
        if late:
            _expect(
                self.copies[playlist] == "lagging",
                f"{where}.missing_from_chartmetric",
                "only a playlist whose Chartmetric copy is 'lagging' can lack a track",
            )
            self.late[playlist].append(track_id)
        else:
            self.playlists[playlist]["items"].append(track_id)

    # -- The MLC

    def _mlc(
        self, case_id: str, raw: Any, title: str, isrc: str | None, where: str
    ) -> tuple[dict[str, str], dict[str, str | None]]:
        names: dict[str, str] = {}
        ipis: dict[str, str | None] = {}
        if raw is None:
            return names, ipis
        where = f"{where}.mlc"
        codes = []
        for i, work in enumerate(_list(raw, "works", where, default=[])):
            at = f"{where}.works[{i}]"
            code = _text(work, "song_code", at)
            _expect(code not in self.song_codes, f"{at}.song_code", f"{code!r} is used twice")
            self.song_codes.add(code)
            codes.append(code)
            writers, writer_ids = [], {}
            for j, writer in enumerate(_list(work, "writers", at)):
                wat = f"{at}.writers[{j}]"
                key = _text(writer, "key", wat)
                _expect(key not in names, f"{wat}.key", f"{key!r} is used twice in the case")
                first = _optional_text(writer, "first_name", wat)
                last = _text(writer, "last_name", wat)
                names[key] = " ".join(p for p in (first, last) if p)
                ipis[key] = writer.get("ipi")
                writer_ids[key] = str(_number(case_id, key, digits=8))
                writers.append(
                    {
                        "writer_id": writer_ids[key],
                        "first_name": first or "",
                        "last_name": last,
                        "ipi": writer.get("ipi"),
                        "role_code": writer.get("role", "CA"),
                    }
                )
            publishers = []
            for j, publisher in enumerate(_list(work, "publishers", at, default=[])):
                pat = f"{at}.publishers[{j}]"
                represented = _list(publisher, "writers", pat, default=[])
                for key in represented:
                    _expect(
                        key in writer_ids, f"{pat}.writers", f"{key!r} is no writer of the work"
                    )
                name = _text(publisher, "name", pat)
                publishers.append(
                    {
                        "publisher_id": str(_number(case_id, code, name, digits=7)),
                        "name": name,
                        "ipi": f"{_number(name, digits=11):011d}",
                        "mlc_publisher_number": f"P{_number(name, digits=4)}A",
                        "collection_share": _share(publisher, pat),
                        "administrators": [
                            {
                                "publisher_id": str(_number(case_id, code, a["name"], digits=7)),
                                "name": _text(a, "name", f"{pat}.administrators[{k}]"),
                                "ipi": f"{_number(a['name'], digits=11):011d}",
                                "mlc_publisher_number": f"P{_number(a['name'], digits=4)}B",
                                "collection_share": _share(a, f"{pat}.administrators[{k}]"),
                            }
                            for k, a in enumerate(_list(publisher, "administrators", pat, []))
                        ],
                        "writer_ids": [writer_ids[key] for key in represented],
                    }
                )
            self.mlc_works.append(
                {
                    "song_code": code,
                    "title": work.get("title", title.upper()),
                    "iswc": work.get("iswc"),
                    "alternative_titles": _list(work, "alternative_titles", at, default=[]),
                    "artists": work.get("artists", ""),
                    "writers": writers,
                    "publishers": publishers,
                }
            )
        recordings = _list(raw, "recordings", where, default=list(codes))
        for i, code in enumerate(recordings):
            _expect(
                code is None or code in self.song_codes,
                f"{where}.recordings[{i}]",
                f"{code!r} is no song code (null: a recording without a work)",
            )
            other_isrc = raw.get("recordings_isrc", isrc)
            self.mlc_recordings.append(
                {
                    "id": str(_number(case_id, "recording", str(i), digits=9)),
                    "isrc": other_isrc,
                    "title": title.upper(),
                    "artist": "",
                    "labels": "HARD CASES RECORDS",
                    "song_code": code,
                }
            )
        return names, ipis

    # -- MusicBrainz

    def _musicbrainz(
        self, case_id: str, raw: Any, isrc: str | None, title: str, performer: str, where: str
    ) -> dict[str, str]:
        mbids: dict[str, str] = {}
        if raw is None:
            return mbids
        where = f"{where}.musicbrainz"
        for i, artist in enumerate(_list(raw, "artists", where, default=[])):
            at = f"{where}.artists[{i}]"
            key = _text(artist, "key", at)
            _expect(key not in mbids, f"{at}.key", f"{key!r} is used twice")
            mbids[key] = mbid(case_id, "artist", key)
            self.mb_artists.append(self._mb_artist(case_id, mbids[key], artist, at))
        work_mbids: dict[str, str] = {}
        for i, work in enumerate(_list(raw, "works", where, default=[])):
            at = f"{where}.works[{i}]"
            key = _text(work, "key", at)
            work_mbids[key] = mbid(case_id, "work", key)
            for writer in _list(work, "writers", at):
                _expect(writer in mbids, f"{at}.writers", f"{writer!r} is no artist key")
            self.mb_works.append(
                {
                    "mbid": work_mbids[key],
                    "title": work.get("title", title),
                    "iswcs": _list(work, "iswcs", at, default=[]),
                    "writers": [
                        {"artist_mbid": mbids[w], "type": "writer"} for w in work["writers"]
                    ],
                }
            )
        for i, filler in enumerate(_list(raw, "other_works_titled", where, default=[])):
            at = f"{where}.other_works_titled[{i}]"
            for n in range(_field(filler, "count", at)):
                stranger = mbid(case_id, "stranger", str(i), str(n))
                self.mb_artists.append(
                    {"mbid": stranger, "name": f"{filler['title']} Writer {case_id} {n + 1}",
                     "type": "Person"}
                )  # fmt: skip
                self.mb_works.append(
                    {
                        "mbid": mbid(case_id, "filler", str(i), str(n)),
                        "title": _text(filler, "title", at),
                        "writers": [{"artist_mbid": stranger, "type": "composer"}],
                    }
                )
        recording = raw.get("recording")
        if recording is not None:
            at = f"{where}.recording"
            _expect(isrc is not None, at, "a recording needs the track's ISRC")
            works = _list(recording, "works", at)
            covers = _list(recording, "covers", at, default=[])
            for key in (*works, *covers):
                _expect(key in work_mbids, at, f"{key!r} is no work key")
            _expect(set(covers) <= set(works), f"{at}.covers", "every cover must be in works too")
            self.mb_recordings.append(
                {
                    "mbid": mbid(case_id, "recording"),
                    "title": title,
                    "isrcs": [isrc],
                    "artist_credit": [{"name": performer, "artist_mbid": None}],
                    "work_mbids": [work_mbids[k] for k in works],
                    "cover_work_mbids": [work_mbids[k] for k in covers],
                }
            )
        return mbids

    def _mb_artist(self, case_id: str, artist_mbid: str, raw: dict, where: str) -> dict:
        aliases = []
        for i, alias in enumerate(_list(raw, "aliases", where, default=[])):
            at = f"{where}.aliases[{i}]"
            aliases.append(
                {
                    "name": _text(alias, "name", at),
                    "sort_name": alias.get("sort_name", alias["name"]),
                    "type": _choice(alias.get("type"), ALIAS_TYPES, f"{at}.type", nullable=True),
                    "locale": alias.get("locale"),
                    "primary": alias.get("primary", False),
                }
            )
        urls = [_url(case_id, u) for u in _list(raw, "links", where, default=[])]
        spotify_of = raw.get("spotify_of")
        if spotify_of is not None:
            artist_id = spotify_id("artist", case_id, spotify_of)
            _expect(
                artist_id in self.artists, f"{where}.spotify_of", "no writer with a Spotify page"
            )
            urls.append(_url(case_id, f"https://open.spotify.com/artist/{artist_id}"))
        return {
            "mbid": artist_mbid,
            "name": _text(raw, "name", where),
            "sort_name": raw.get("sort_name", raw["name"]),
            "type": raw.get("type", "Person"),
            "disambiguation": raw.get("disambiguation", ""),
            "ipis": _list(raw, "ipis", where, default=[]),
            "isnis": _list(raw, "isnis", where, default=[]),
            "aliases": aliases,
            "urls": urls,
        }

    # -- the whole

    def catalog(self) -> dict[str, Any]:
        start = datetime.combine(self.reference - timedelta(days=30), time(12, tzinfo=UTC))
        playlists, cm_playlists = [], []
        for n, (key, playlist) in enumerate(self.playlists.items()):
            listed = playlist["items"]
            # A lagging copy lacks the tracks added last: they come after every listed one.
            order = listed + self.late[key]
            playlist["items"] = [
                {
                    "kind": "track",
                    "added_at": (start + timedelta(hours=6 * i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "added_by": "hardcases",
                    "track_id": track_id,
                }
                for i, track_id in enumerate(order)
            ]
            playlists.append(playlist)
            if self.copies[key] != "none":
                cm_playlists.append(
                    {"id": 5100000 + n, "spotify_playlist_id": playlist["id"], "track_ids": listed}
                )
        return {
            "format_version": 1,
            "seed": None,
            "reference_date": self.reference.isoformat(),
            "playlists": playlists,
            "tracks": self.tracks,
            "albums": self.albums,
            "artists": list(self.artists.values()),
            "mlc": {"works": self.mlc_works, "recordings": self.mlc_recordings},
            "musicbrainz": {
                "artists": self.mb_artists,
                "recordings": self.mb_recordings,
                "works": self.mb_works,
            },
            "chartmetric": {"tracks": self.cm_tracks, "playlists": cm_playlists},
        }


def _share(party: Any, where: str) -> float:
    share = _field(party, "share", where)
    _expect(
        isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share <= 100,
        f"{where}.share",
        "must be a percent 0-100",
    )
    return share


def _url(case_id: str, resource: str) -> dict:
    host = resource.split("/")[2] if resource.count("/") >= 2 else ""
    if "open.spotify.com" in host:
        kind = "free streaming"
    elif any(host.endswith(h) for h in _SOCIAL_HOSTS):
        kind = "social network"
    elif host.endswith("wikipedia.org"):
        kind = "wikipedia"
    elif host.endswith("soundcloud.com"):
        kind = "soundcloud"
    elif host.endswith("youtube.com"):
        kind = "youtube"
    else:
        kind = "official homepage"
    return {
        "url_id": mbid(case_id, "url", resource),
        "resource": resource,
        "type": kind,
        "begin": None,
        "end": None,
        "ended": False,
    }
