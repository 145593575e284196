"""Every service's response parsers, fuzzed with hypothesis: whatever the body, a parser returns
its normal result or raises that service's MalformedResponse; never KeyError, TypeError,
ValueError, OverflowError, RecursionError... The result is checked too: each record's fields
of their declared types, datetimes aware, floats finite, properties readable.

Bodies are (a) mutations of the recorded payloads under track_assets_tests/fixtures/reference/:
values replaced by values of other types chosen for the kind of value they replace (a number by
10**400, NaN, "²" or a list; a time by one pushed out of the calendar by its offset...), keys
deleted, lists and strings truncated or emptied, subtrees swapped, values wrapped or written as
JSON text; the fields a parser actually looks up are found by parsing the seed once and drawn
half the time. For MusicBrainz XML: elements, attributes and texts removed or changed, the
namespace dropped, elements renamed, grafted or swapped. (b) Other bodies: cut-off payloads,
flipped bytes, HTML error pages, noise, empty and deeply nested bodies. Where no real body of an
endpoint is public (Chartmetric's data endpoints, The MLC's Public Search API, the credits modal,
MusicBrainz recording, ISRC and URL lookups) the seed is built in the documented shape
(docs/services.md) and says so.

Each parser is called the way its client calls it: on the body's bytes, through the same
decoding (`decode_json`, `pathfinder_data`); MusicBrainz through the real MusicBrainzClient over
HTTP, so musicbrainzngs parses the XML as in production. Three errors raised inside
musicbrainzngs' XML reading (KeyError, LookupError, RecursionError) escaped that client until
it mapped them to MalformedResponse; a regression test keeps their shrunk bodies.

CI runs a fixed, derandomized set of `EXAMPLES` (100) examples per parser: 16 s for this file
on this 2-core machine on 2026-12-04 (`--durations=0`, 12.5 s of CPU, other jobs running).
Fuzzing for new bugs is a longer run with fresh random examples:
`TRACK_ASSETS_FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q -p no:cacheprovider
track_assets_tests/services/test_parser_fuzz.py --hypothesis-show-statistics`.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import math
import os
import threading
import types
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints
from unittest import mock
from xml.etree import ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from track_assets.services.chartmetric import parsing as chartmetric
from track_assets.services.chartmetric.models import (
    ChartmetricIds,
    ChartmetricPlaylist,
    ChartmetricPlaylistTrack,
    ChartmetricSongwriter,
    ChartmetricTrackInfo,
    StatPoint,
)
from track_assets.services.chartmetric.models import TokenGrant as ChartmetricToken
from track_assets.services.mlc import parsing as mlc
from track_assets.services.mlc.models import MlcRecordingHit, MlcWorkRecord
from track_assets.services.mlc.models import TokenGrant as MlcToken
from track_assets.services.musicbrainz import parsing as musicbrainz
from track_assets.services.musicbrainz.client import MusicBrainzClient
from track_assets.services.musicbrainz.models import (
    MbArtistRecord,
    MbRecording,
    MbUrlArtistLink,
    MbWork,
)
from track_assets.services.spotify_api import parsing as spotify_api
from track_assets.services.spotify_api.models import (
    AudioFeatures,
    PlaylistInfo,
    SpotifyAlbum,
    SpotifyArtist,
    SpotifyTrack,
)
from track_assets.services.spotify_api.models import MalformedResponse as SpotifyApiMalformed
from track_assets.services.spotify_web import parsing as spotify_web
from track_assets.services.spotify_web.models import (
    ArtistOverview,
    TrackCredits,
)
from track_assets.services.spotify_web.models import MalformedResponse as SpotifyWebMalformed
from track_assets_tests.support.reference import reference_path

pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

# --- budget -----------------------------------------------------------------------------------

_LONG_RUN = os.environ.get("TRACK_ASSETS_FUZZ_EXAMPLES")
EXAMPLES = int(_LONG_RUN) if _LONG_RUN else 100  # per parser entry point

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not _LONG_RUN,  # CI: the same examples every run
    database=None,  # nothing written into the working tree
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# --- what a parser may give back ----------------------------------------------------------------


def _conforms(value: Any, hint: Any) -> bool:
    """Whether `value` is of the annotated type (the forms our records use)."""
    if hint is Any:
        return True
    if hint is type(None) or hint is None:
        return value is None
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        return any(_conforms(value, arg) for arg in args)
    if origin is Literal:
        return value in args
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_conforms(v, args[0]) for v in value)
        return len(args) == len(value) and all(map(_conforms, value, args))
    if origin is list:
        return isinstance(value, list) and all(_conforms(v, args[0]) for v in value)
    if origin in (dict, Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return isinstance(value, Mapping) and all(
            _conforms(k, args[0]) and _conforms(v, args[1]) for k, v in value.items()
        )
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True


def check_result(value: Any, expected: Any, where: str = "result") -> None:
    """`value` is of type `expected`; every record inside has fields of their declared types,
    aware datetimes, finite numbers, and properties that can be read."""
    assert _conforms(value, expected), f"{where} is {value!r}, not {expected}"
    _check_records(value, where)


def _check_records(value: Any, where: str) -> None:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        hints = get_type_hints(type(value))
        for field in dataclasses.fields(value):
            inner = getattr(value, field.name)
            name = f"{where}.{field.name}"
            assert _conforms(inner, hints[field.name]), f"{name} is {inner!r}"
            _check_records(inner, name)
        for name, member in vars(type(value)).items():
            if isinstance(member, property):
                _check_records(getattr(value, name), f"{where}.{name}")
    elif isinstance(value, datetime):
        assert value.tzinfo is not None, f"{where} is a naive datetime {value!r}"
    elif isinstance(value, float | Decimal):
        assert math.isfinite(value), f"{where} is {value!r}"  # NaN would poison every sum
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_records(item, f"{where}[{i}]")
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _check_records(item, f"{where}[{key!r}]")


def outcome(call: Callable[[], Any], expected: Any, malformed: type[Exception]) -> Any:
    """The parser's result, checked; None when it refused the body with `malformed`."""
    try:
        result = call()
    except malformed as error:
        assert str(error), "a MalformedResponse must say what is wrong"
        return None
    check_result(result, expected)
    return result


# --- values of every kind ------------------------------------------------------------------------

ODD_TEXTS = [
    "",
    " ",
    "NaN",
    "-Infinity",
    "1e999",
    "-0",
    "0x1F",
    "12abc",
    "²",
    "١٢٣",
    "9" * 5000,
    "null",
    "true",
    "[]",
    "{}",
    "'; DROP TABLE tracks; --",
    "Robert'); DROP TABLE songwriters;--",
    '" OR 1=1 --',
    "🎵🎤👩‍🎤",
    "\u202eevil\u200b",
    "\x00\x01",
    "spotify:track:",
    "spotify:artist",
    "spotify:local:::Title:12",
    "0000",
    "2026-13-45",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-01:00",
    "<html><body>502 Bad Gateway</body></html>",
]

iso_moments = st.builds(
    lambda moment, offset: moment.replace(tzinfo=timezone(offset)).isoformat(),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59)),
    st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([0, -1, 2**63, -(2**63), 10**400, -(10**400)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(ODD_TEXTS),
    iso_moments,
    st.dates().map(date.isoformat),
)

json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.text(max_size=6) | st.sampled_from(["id", "name", "uri"]), inner, max_size=3
        )
    ),
    max_leaves=6,
)

# What replaces a value, by the kind of value it was: the confusions a reader of that kind can
# trip on, drawn three times as often as any other JSON value.
HUGE_DIGITS = "9" * 5000  # int() refuses more than 4300 digits
NOT_A_NUMBER = [None, True, "", "1", "²", HUGE_DIGITS, [], {}, [1], {"value": 1}]
CONFUSIONS = {
    "number": [
        *NOT_A_NUMBER,
        -1,
        0,
        0.5,
        2**63,
        10**400,
        -(10**400),
        math.nan,
        math.inf,
        -math.inf,
    ],
    "digits": [*NOT_A_NUMBER, "-1", "1.5", " 12", "1e3", 10**400, -1, math.nan],
    "moment": [
        None,
        0,
        "",
        "0000",
        "2026-13-45",
        "2026-06-01",
        "2026-06-01T12:00:00",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        ["2026-06-01"],
    ],
    "uri": [
        None,
        0,
        "",
        "s",
        "spotify:",
        "spotify:artist",
        "spotify:track:a:b",
        "spotify:local:::T:1",
    ],
    "text": [
        None,
        0,
        1.5,
        10**400,
        True,
        [],
        {},
        ["x"],
        {"name": "x"},
        "",
        " ",
        "NaN",
        "²",
        HUGE_DIGITS,
        "'; DROP TABLE tracks; --",
        "🎵🎤👩‍🎤",
        "\u202eevil\u200b\x00",
    ],
    "flag": [None, 0, 1, "true", "false", [], {}],
    "null": [0, "", "x", True, [], {}, [None], {"": None}],
    "list": [None, {}, "x", 0, 1, True, [None], [1], [[]], ["x"], [{}], [{"": None}]],
    "object": [None, [], "x", 0, 1, 10**400, {"": None}, [{}], {"data": None}],
}
CONFUSION_STRATEGIES = {
    kind: st.one_of(*[st.sampled_from(values)] * 3, json_values)
    for kind, values in CONFUSIONS.items()
}


def kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "flag"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    if value.isdigit():
        return "digits"
    if value[:4].isdigit() and value[4:5] == "-":
        return "moment"
    if value.startswith("spotify:"):
        return "uri"
    return "text"


def confusions(value: Any) -> st.SearchStrategy[Any]:
    """What may replace `value`."""
    return CONFUSION_STRATEGIES[kind_of(value)]


# --- seeds and their mutations ----------------------------------------------------------------

Path = tuple[str | int, ...]
Field = tuple[str, ...]  # a path with every list index written "[]"
_MISSING = object()


def _field(path: Path) -> Field:
    return tuple("[]" if isinstance(step, int) else step for step in path)


def _paths(node: Any, prefix: Path = ()) -> Iterator[Path]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _node(document: Any, path: Path) -> Any:
    for step in path:
        in_object = isinstance(document, dict) and step in document
        in_list = isinstance(document, list) and isinstance(step, int) and step < len(document)
        if not (in_object or in_list):  # an earlier mutation removed or replaced this node
            return _MISSING
        document = document[step]
    return document


def _replace(document: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    _node(document, path[:-1])[path[-1]] = value
    return document


def _shortened(node: Any) -> Any:
    """The document with every list cut to its first 3 entries: the fields stay, the repeats
    (a page of 100 items) would only slow each example down."""
    if isinstance(node, dict):
        return {key: _shortened(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_shortened(value) for value in node[:3]]
    return node


@dataclasses.dataclass(frozen=True)
class JsonSeed:
    name: str
    text: str
    # Every node's path, grouped by field (`items[].track.album.name` is one group), the root
    # first: a mutation picks a field, then one of its occurrences, so a field found once is
    # drawn as often as one repeated in every item of a long page.
    fields: Mapping[Field, tuple[Path, ...]]


def json_seed(name: str, document: Any) -> JsonSeed:
    document = _shortened(document)
    fields: dict[Field, list[Path]] = {}
    for path in _paths(document):
        fields.setdefault(_field(path), []).append(path)
    return JsonSeed(name, json.dumps(document), {f: tuple(p) for f, p in fields.items()})


def recorded(relative: str, *steps: str | int) -> JsonSeed:
    """A recorded payload (or the part of it at `steps`)."""
    document = json.loads(reference_path(relative).read_text(encoding="utf-8"))
    for step in steps:
        document = document[step]
    return json_seed(relative, document)


def recorded_bytes(relative: str) -> bytes:
    return reference_path(relative).read_bytes()


class _Noting(dict):
    """A JSON object that notes the fields a parser looks up in it."""

    def __init__(self, value: dict, path: Path, noted: set[Field]) -> None:
        super().__init__(value)
        self._path, self._noted = path, noted

    def _note(self, key: Any) -> None:
        if isinstance(key, str):
            self._noted.add(_field((*self._path, key)))

    def __getitem__(self, key: Any) -> Any:
        self._note(key)
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self._note(key)
        return super().get(key, default)

    def __contains__(self, key: Any) -> bool:
        self._note(key)
        return super().__contains__(key)


def _noting(node: Any, path: Path, noted: set[Field]) -> Any:
    if isinstance(node, dict):
        inner = {key: _noting(value, (*path, key), noted) for key, value in node.items()}
        return _Noting(inner, path, noted)
    if isinstance(node, list):
        return [_noting(value, (*path, i), noted) for i, value in enumerate(node)]
    return node


def fields_read(read: Callable[[bytes], Any], seed: JsonSeed) -> set[Field]:
    """The fields `read` looks up when parsing the unmutated seed (json.loads is swapped for
    one whose objects note every lookup): where mutations matter most. A web player answer
    has some 350 fields, of which a parser reads about 20."""
    noted: set[Field] = set()
    loads = json.loads

    def noting_loads(body: Any, **options: Any) -> Any:
        return _noting(loads(body, **options), (), noted)

    # A seed of another endpoint's shape is refused: what was looked up is still noted.
    with mock.patch("json.loads", noting_loads), contextlib.suppress(Exception):
        read(seed.text.encode())
    return noted & set(seed.fields)


def _converted(seed: JsonSeed) -> list[Field]:
    """The fields a parser would convert: numbers, digit strings, times, URIs."""
    document = json.loads(seed.text)
    kinds = ("number", "digits", "moment", "uri")
    return [f for f, paths in seed.fields.items() if kind_of(_node(document, paths[0])) in kinds]


@dataclasses.dataclass(frozen=True)
class Target:
    """A seed and the fields to mutate: those read (half the time), converted, or any."""

    seed: JsonSeed
    choices: tuple[tuple[Field, ...], ...]


def targets(seeds: list[JsonSeed], read: Callable[[bytes], Any]) -> list[Target]:
    found = []
    for seed in seeds:
        every = tuple(seed.fields)
        noted = tuple(f for f in every if f in fields_read(read, seed)) or every
        converted = tuple(_converted(seed)) or every
        found.append(Target(seed, (noted, noted, converted, every)))
    return found


@st.composite
def field_paths(draw: st.DrawFn, target: Target) -> Path:
    field = draw(st.sampled_from(draw(st.sampled_from(target.choices))))
    occurrences = target.seed.fields[field]
    return occurrences[draw(st.integers(0, len(occurrences) - 1))]


JSON_MUTATIONS = (
    *("replace",) * 4,
    *("delete",) * 2,
    "truncate",
    "empty",
    "swap",
    "as_text",
    "wrap",
)


@st.composite
def mutated_json(draw: st.DrawFn, choices: list[Target]) -> bytes:
    """A recorded payload with one to three mutations, serialized as a service would."""
    target = draw(st.sampled_from(choices))
    document = json.loads(target.seed.text)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(field_paths(target))
        node = _node(document, path)
        if node is _MISSING:
            continue
        mutation = draw(st.sampled_from(JSON_MUTATIONS))
        if mutation == "replace":
            document = _replace(document, path, draw(confusions(node)))
        elif mutation == "delete" and path:
            parent = _node(document, path[:-1])
            del parent[path[-1]]
        elif mutation == "truncate" and isinstance(node, list | str | dict):
            keep = draw(st.integers(0, max(len(node) - 1, 0)))
            if isinstance(node, dict):
                cut: Any = dict(list(node.items())[:keep])
            else:
                cut = node[:keep]
            document = _replace(document, path, cut)
        elif mutation == "empty":
            empty = {dict: {}, list: [], str: ""}.get(type(node))
            document = _replace(document, path, empty)
        elif mutation == "swap":
            other = _node(document, draw(field_paths(target)))
            if other is not _MISSING:
                document = _replace(document, path, copy.deepcopy(other))
        elif mutation == "as_text":
            document = _replace(document, path, json.dumps(node))
        elif mutation == "wrap":
            document = _replace(document, path, draw(st.sampled_from([[node], {"data": node}])))
    text = json.dumps(document, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


HTML_PAGES = [
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>",
    b"<html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>",
    b"<?xml version='1.0'?><error><text>Not Found</text></error>",
]

ODD_BODIES = [
    b"",
    b" ",
    b"\n",
    b"null",
    b"0",
    b'""',
    b"[]",
    b"{}",
    b"NaN",
    b"\x00" * 8,
    b"\xef\xbb\xbf{}",
    b"\xff\xfe{\x00}\x00",
    b"[" * 2000,
    b'{"a":' * 2000,
    b"[" * 2000 + b"]" * 2000,
    *HTML_PAGES,
]


def _cut(body: bytes, at: int) -> bytes:
    return body[: at % len(body)] if body else body


def _flip(body: bytes, at: int, byte: int) -> bytes:
    if not body:
        return body
    at %= len(body)
    return body[:at] + bytes([byte]) + body[at + 1 :]


def raw_bodies(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """Bodies that are not a mutation of a valid document: cut off, noise, pages, oddities."""
    return st.one_of(
        st.sampled_from(ODD_BODIES),
        st.binary(max_size=48),
        st.text(max_size=48).map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.builds(_cut, st.sampled_from(seeds), st.integers(0, 10**6)),
        st.builds(_flip, st.sampled_from(seeds), st.integers(0, 10**6), st.integers(0, 255)),
        json_values.map(lambda value: json.dumps(value).encode()),
    )


_BODIES: dict[Any, st.SearchStrategy[bytes]] = {}


def json_bodies(
    key: str, seeds: list[JsonSeed], read: Callable[[bytes], Any]
) -> st.SearchStrategy[bytes]:
    """Mostly mutations of the recordings, some arbitrary bodies (built once per parser)."""
    if key not in _BODIES:
        mutated = mutated_json(targets(seeds, read))
        raw = raw_bodies([seed.text.encode() for seed in seeds])
        _BODIES[key] = st.one_of(mutated, mutated, mutated, raw)
    return _BODIES[key]


# --- Spotify Web API (the client decodes the body, then parses the object) -------------------------

WEBAPI = "spotify/webapi/"
EP = "GET /fuzz"
tiers = st.sampled_from([None, "development", "extended"])


def _webapi(*names: str) -> list[JsonSeed]:
    return [recorded(WEBAPI + name) for name in names]


SPOTIFY_TRACKS = _webapi(
    "track_5NcYCtoBkAGyxL5SCF64av_2024.json",
    "track_1t2qKa8K72IBC8yQlhD9bU_popularity-0_no-markets_2024.json",
    "track_market-ES_relinked-linked_from_2017.json",
    "track_market-ES_unplayable-restrictions_2017.json",
)


def _search_seed() -> JsonSeed:
    """No search answer is recorded: the documented paging shape around a recorded track."""
    track = json.loads(SPOTIFY_TRACKS[0].text)
    page = {"href": "x", "items": [track], "limit": 10, "next": None, "offset": 0, "total": 1}
    return json_seed("search (documented shape, recorded track)", {"tracks": page})


def _decoded(body: bytes) -> Any:
    return spotify_api.decode_json(body, EP)


def _batch(key: str, parse: Callable[..., Any], count: int) -> Callable[[bytes, Any], Any]:
    """The client's batch read: one slot per requested id, null for an unknown id."""

    def read(body: bytes, tier: Any) -> list[Any]:
        objects = spotify_api.parse_several(_decoded(body), key, EP, count)
        return [
            parse(obj, EP, **({} if tier is _NO_TIER else {"tier": tier}), where=f"$.{key}[{i}]")
            if obj is not None
            else None
            for i, obj in enumerate(objects)
        ]

    return read


_NO_TIER = object()


def _several(name: str, key: str) -> tuple[JsonSeed, int]:
    seed = recorded(WEBAPI + name)
    return seed, len(json.loads(seed.text)[key])


SPOTIFY_API_CASES: dict[str, tuple[list[JsonSeed], Callable[[bytes, Any], Any], Any]] = {
    "token": (
        _webapi(
            "token_client-credentials_200_2017.json",
            "token_client-credentials_200_scope-empty_2019.json",
        ),
        lambda body, tier: spotify_api.parse_token(_decoded(body), EP),
        spotify_api.AccessToken,
    ),
    "track": (
        SPOTIFY_TRACKS,
        lambda body, tier: spotify_api.parse_track(_decoded(body), EP, tier=tier),
        SpotifyTrack,
    ),
    "search": (
        [_search_seed()],
        lambda body, tier: spotify_api.parse_track_search(_decoded(body), EP, tier=tier),
        list[SpotifyTrack],
    ),
    "album": (
        _webapi("album_4yS3vUFIaE2xilaeYz3p9q_2024.json"),
        lambda body, tier: spotify_api.parse_album(_decoded(body), EP, tier=tier),
        SpotifyAlbum,
    ),
    "artist": (
        _webapi(
            "artist_7gXb99Sf9nNmpNYeAgIQFG_2024.json", "artist_1feoGrmmD8QmNqtK2Gdwy8_2024.json"
        ),
        lambda body, tier: spotify_api.parse_artist(_decoded(body), EP, tier=tier),
        SpotifyArtist,
    ),
    "playlist": (
        _webapi(
            "playlist_5LkNhFidYyyjRWwnkcMbQs_2024.json",
            "playlist_4dn0iEoAxn69ea0Tyov8V5_local-tracks_2019.trimmed.json",
        ),
        lambda body, tier: spotify_api.parse_playlist(_decoded(body), EP, tier=tier),
        PlaylistInfo,
    ),
    "playlist items page": (
        _webapi(
            "playlist-tracks_offset100_next-previous_2019.trimmed.json",
            "playlist-tracks_tracks-and-episodes_2022.json",
            "playlist-tracks_5LkNhFidYyyjRWwnkcMbQs_limit100_2024.json",
        ),
        lambda body, tier: spotify_api.parse_playlist_page(_decoded(body), EP, tier=tier),
        spotify_api.PlaylistPage,
    ),
}

for _name, _key, _parse, _type in [
    ("tracks_several_unknown-id-returns-null_2015.json", "tracks", spotify_api.parse_track, None),
    ("albums_several_2-ids_2014.json", "albums", spotify_api.parse_album, None),
    ("artists_several_2-ids_2014.json", "artists", spotify_api.parse_artist, None),
    ("audio-features_several_3-ids_2016.json", "audio_features", None, AudioFeatures),
]:
    _seed, _count = _several(_name, _key)
    if _parse is None:  # audio features take no tier

        def _features(obj: Any, endpoint: str, *, where: str) -> AudioFeatures:
            return spotify_api.parse_audio_features(obj, endpoint, where=where)

        _read = _batch(_key, _features, _count)
        SPOTIFY_API_CASES[f"several {_key}"] = (
            [_seed],
            lambda body, tier, _read=_read: _read(body, _NO_TIER),
            list[AudioFeatures | None],
        )
    else:
        _record = {"tracks": SpotifyTrack, "albums": SpotifyAlbum, "artists": SpotifyArtist}[_key]
        SPOTIFY_API_CASES[f"several {_key}"] = (
            [_seed],
            _batch(_key, _parse, _count),
            list[_record | None],
        )


@pytest.mark.parametrize("case", list(SPOTIFY_API_CASES))
@FUZZ
@given(data=st.data(), tier=tiers)
def test_spotify_api_parsers_return_their_record_or_raise_malformed_response(case, data, tier):
    seeds, read, expected = SPOTIFY_API_CASES[case]
    body = data.draw(
        json_bodies(f"spotify_api {case}", seeds, lambda body: read(body, "extended")),
        label="body",
    )
    outcome(lambda: read(body, tier), expected, SpotifyApiMalformed)


ERROR_SEEDS = [
    recorded("spotify/errors/error_401_access-token-expired_2019.json"),
    *(
        json_seed(entry["id"], entry["body_json"])
        for entry in json.loads(
            reference_path("spotify/errors/observed-error-bodies.json").read_text()
        )["entries"]
        if entry.get("body_json") is not None
    ),
]


@FUZZ
@given(body=json_bodies("spotify_api error", ERROR_SEEDS, spotify_api.parse_error))
def test_spotify_api_error_bodies_are_read_without_raising(body):
    check_result(spotify_api.parse_error(body), spotify_api.ErrorBody)


# --- Spotify web player (pathfinder bodies go through pathfinder_data first) ----------------------

WEBPLAYER = "spotify/webplayer/"
TRACK_ID = "4uLU6hMCjMI75M1A2tKUQC"


def _pathfinder(body: bytes) -> dict[str, Any]:
    return spotify_web.pathfinder_data(200, body, "fuzz")


def _credits_modal_seed() -> JsonSeed:
    """No credits-modal capture exists: the documented paths (docs/services.md#pathfinder-
    operations), filled with the people of the recorded spclient credits."""
    credits = json.loads(
        recorded_bytes(WEBPLAYER + "spclient_track-credits_4LfCY65LvojKjWEnU7fNN4_2026-06.json")
    )
    items = [
        {
            "name": person["name"],
            "uri": person.get("uri", ""),
            "role": (person.get("subroles") or ["other"])[0],
            "roleGroup": {"name": group["roleTitle"]},
        }
        for group in credits["roleCredits"]
        for person in group["artists"]
    ]
    sources = {"items": [{"name": name} for name in credits.get("sourceNames", [])]}
    trait = {"contributors": {"items": items}, "sources": sources}
    return json_seed(
        "credits modal (documented shape)", {"data": {"trackUnion": {"creditsTrait": trait}}}
    )


_MODAL_URL = "https://api-partner.spotify.com/pathfinder/v2/query"
_MODAL_POST = json.dumps({"operationName": "queryTrackCreditsModal", "variables": {}})

SPOTIFY_WEB_CASES: dict[str, tuple[list[JsonSeed], Callable[[bytes], Any], Any]] = {
    "token": (
        [
            recorded(
                WEBPLAYER + "embed_track_next-data_4uLU6hMCjMI75M1A2tKUQC_2026-06.json",
                "props",
                "pageProps",
                "state",
                "settings",
                "session",
            )
        ],
        spotify_web.parse_token,
        spotify_web.WebToken,
    ),
    "spclient credits": (
        [recorded(WEBPLAYER + "spclient_track-credits_4LfCY65LvojKjWEnU7fNN4_2026-06.json")],
        lambda body: spotify_web.parse_spclient_credits(body, TRACK_ID),
        TrackCredits,
    ),
    "credits modal": (
        [_credits_modal_seed()],
        lambda body: spotify_web.parse_credits_response(
            _MODAL_URL, "POST", _MODAL_POST, 200, body, TRACK_ID
        ),
        TrackCredits,
    ),
    "getTrack": (
        [recorded(WEBPLAYER + "pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.trimmed.json")],
        lambda body: spotify_web.parse_track_play_count(_pathfinder(body), TRACK_ID),
        int | None,
    ),
    "getTrack exists": (
        [recorded(WEBPLAYER + "pathfinder_getTrack_4uLU6hMCjMI75M1A2tKUQC_2026-06.trimmed.json")],
        lambda body: spotify_web.track_exists(_pathfinder(body)),
        bool,
    ),
    "getAlbum": (
        [recorded(WEBPLAYER + "pathfinder_getAlbum_6N9PS4QXF1D0OWPk0Sxtb4_2026-06.json")],
        lambda body: spotify_web.parse_album_page(_pathfinder(body), "6N9PS4QXF1D0OWPk0Sxtb4", 0),
        spotify_web.AlbumPage | None,
    ),
    "fetchPlaylist": (
        [
            recorded(
                WEBPLAYER + "pathfinder_fetchPlaylist_37i9dQZF1DXcBWIGoYBM5M_2026-06.trimmed.json"
            )
        ],
        lambda body: spotify_web.parse_playlist_page(_pathfinder(body), "37i9dQZF1DXcBWIGoYBM5M"),
        spotify_web.PlaylistPage | None,
    ),
    "queryArtistOverview": (
        [
            recorded(
                WEBPLAYER
                + "pathfinder_queryArtistOverview_0gxyHStUsqpMadRV0Di1Qt_2026-06.trimmed.json"
            )
        ],
        lambda body: spotify_web.parse_artist_overview(_pathfinder(body), "0gxyHStUsqpMadRV0Di1Qt"),
        ArtistOverview | None,
    ),
}


@pytest.mark.parametrize("case", list(SPOTIFY_WEB_CASES))
@FUZZ
@given(data=st.data())
def test_spotify_web_parsers_return_their_record_or_raise_malformed_response(case, data):
    seeds, read, expected = SPOTIFY_WEB_CASES[case]
    body = data.draw(json_bodies(f"spotify_web {case}", seeds, read), label="body")
    try:
        outcome(lambda: read(body), expected, SpotifyWebMalformed)
    except spotify_web.PersistedQueryNotFound:
        assert b"PersistedQueryNotFound" in body  # a rotated hash, said by the body itself


@FUZZ
@given(body=json_bodies("spotify_web error", ERROR_SEEDS, spotify_web.error_message))
def test_spotify_web_error_messages_are_read_without_raising(body):
    check_result(spotify_web.error_message(body), str)


# --- Chartmetric (the client hands the parsers the body) -----------------------------------------


def _documented(name: str, document: Any) -> JsonSeed:
    return json_seed(f"{name} (documented shape)", document)


CM_TRACK = {
    "id": 15678739,
    "name": "Shape of You",
    "isrc": "GBAHS1600463",
    "image_url": "https://example.invalid/i.jpg",
    "duration_ms": 233713,
    "composer_name": "Ed Sheeran",
    "songwriters": ["Ed Sheeran", {"name": "Steve Mac", "doc_id": 1234}],
    "moods": [{"id": 1, "name": "Happy"}],
    "activities": [{"id": 2, "name": "Workout"}, "Party"],
    "tags": "pop, dance",
    "artists": [{"id": 3852, "name": "Ed Sheeran"}],
    "release_date": "2017-01-06T00:00:00.000Z",
    "album_label": "Atlantic",
    "explicit": False,
    "spotify_track_ids": ["7qiZfU4dY1lWllzX7mPBI3"],
    "score": 98.5,
    "cm_statistics": {
        "sp_popularity": 85,
        "sp_playlist_total_reach": 123456789,
        "num_sp_playlists": 12345,
        "num_sp_editorial_playlists": 42,
        "sp_popularity_rank": "17",
        "sp_streams": 3500000000,
        "timestamp": "2026-06-01T00:00:00.000Z",
    },
}

CHARTMETRIC_WHERE_PEOPLE_LISTEN = recorded(
    "chartmetric/json/artist-where-people-listen_2762_latest_2025-04-21.trimmed.json"
)

CHARTMETRIC_CASES: dict[str, tuple[list[JsonSeed], Callable[[bytes], Any], Any]] = {
    "token": (
        [recorded("chartmetric/docs-examples/post-api-token_200_apidocs-example.json")],
        lambda body: chartmetric.parse_token(body, EP),
        ChartmetricToken,
    ),
    "get-ids": (
        [
            _documented(
                "get-ids",
                {
                    "obj": [
                        {
                            "isrc": "GBAHS1600463",
                            "chartmetric_ids": [15678739, "15678740"],
                            "spotify_ids": ["7qiZfU4dY1lWllzX7mPBI3"],
                        }
                    ]
                },
            )
        ],
        lambda body: chartmetric.parse_ids(body, EP),
        list[ChartmetricIds],
    ),
    "playlist search": (
        [
            _documented(
                "playlist search",
                {
                    "obj": {
                        "playlists": {
                            "spotify": [
                                {
                                    "id": 123,
                                    "name": "Today's Top Hits",
                                    "image_url": "https://example.invalid/p.jpg",
                                    "owner_name": "Spotify",
                                }
                            ]
                        }
                    }
                },
            )
        ],
        lambda body: chartmetric.parse_playlist_search(body, EP, "spotify"),
        list[ChartmetricPlaylist],
    ),
    "songwriter search": (
        [
            _documented(
                "songwriter search",
                {"obj": {"songwriters": [{"name": "Steve Mac", "doc_id": "1234"}]}},
            )
        ],
        lambda body: chartmetric.parse_songwriter_search(body, EP),
        list[ChartmetricSongwriter],
    ),
    "track": (
        [_documented("track", {"obj": CM_TRACK})],
        lambda body: chartmetric.parse_track(body, EP),
        ChartmetricTrackInfo,
    ),
    "stats": (
        [
            _documented(
                "stats",
                {
                    "obj": [
                        {
                            "domain": "spotify",
                            "track_domain_id": "7qiZfU4dY1lWllzX7mPBI3",
                            "data": [
                                {"value": 85, "timestp": "2025-04-21", "diff": 1},
                                {"value": 86.5, "timestp": "2025-04-22T00:00:00.000Z"},
                                {"value": None, "timestp": "2025-04-23"},
                            ],
                        }
                    ]
                },
            ),
            CHARTMETRIC_WHERE_PEOPLE_LISTEN,  # a real envelope with `timestp` rows
        ],
        lambda body: chartmetric.parse_stats(body, EP),
        list[StatPoint],
    ),
    "playlist tracks": (
        [
            _documented(
                "playlist tracks",
                {
                    "obj": [
                        {
                            "cm_track": 15678739,
                            "name": "Shape of You",
                            "isrc": "GBAHS1600463",
                            "spotify_track_ids": ["7qiZfU4dY1lWllzX7mPBI3"],
                            "spotify_track_id": "7qiZfU4dY1lWllzX7mPBI3",
                            "artist_names": ["Ed Sheeran"],
                            "position": 1,
                            "added_at": "2026-05-01T08:00:00.000Z",
                        }
                    ]
                },
            )
        ],
        lambda body: chartmetric.parse_playlist_tracks(body, EP),
        list[ChartmetricPlaylistTrack],
    ),
    "error message": (
        [_documented("error", {"error": "Invalid id"}), _documented("429", {"Retry-after": 3})],
        chartmetric.error_message,
        str | None,
    ),
    "body Retry-after": (
        [_documented("429", {"Retry-after": 3})],
        chartmetric.body_retry_after,
        float | None,
    ),
}


@pytest.mark.parametrize("case", list(CHARTMETRIC_CASES))
@FUZZ
@given(data=st.data())
def test_chartmetric_parsers_return_their_record_or_raise_malformed_response(case, data):
    seeds, read, expected = CHARTMETRIC_CASES[case]
    body = data.draw(json_bodies(f"chartmetric {case}", seeds, read), label="body")
    outcome(lambda: read(body), expected, chartmetric.MalformedResponse)


@FUZZ
@given(headers=st.dictionaries(st.sampled_from(["X-RateLimit-Reset", "Other"]), scalars.map(str)))
def test_chartmetric_rate_limit_reset_reads_any_header_without_raising(headers):
    check_result(chartmetric.rate_limit_reset(headers), float | None)


# --- The MLC -------------------------------------------------------------------------------------

MLC_WORK = {
    "mlcSongCode": "SB5VH7",
    "primaryTitle": "SPEEDOMETER",
    "iswc": "T3246856991",
    "artists": "SHALLIPOPI",
    "membersSongId": None,
    "akas": [{"akaId": 1, "akaTitle": "SPEEDOMETER (REMIX)", "akaTitleTypeCode": "AT"}],
    "writers": [
        {
            "writerId": 15674975,
            "writerFirstName": "SAHEEB",
            "writerLastName": "HAHEEB",
            "writerIPI": "01219346165",
            "writerRoleCode": "CA",
            "chainId": "1",
            "chainParentId": None,
        }
    ],
    "publishers": [
        {
            "publisherId": 7270829,
            "publisherName": "SM PUBLISHING UK LIMITED",
            "publisherIpiNumber": "00584082436",
            "mlcPublisherNumber": "P8427Q",
            "publisherRoleCode": "E",
            "collectionShare": 33.33,
            "chainId": "1",
            "chainParentId": None,
            "administrators": [
                {"publisherName": "SONY/ATV TUNES LLC", "collectionShare": [25, "25.0"]}
            ],
            "parentPublishers": [],
        }
    ],
}

MLC_PORTAL = [
    recorded("mlc/portal-api/work_SB5VH7_speedometer_total-known-shares-50.trimmed.json"),
    recorded("mlc/portal-api/work_MA0PFZ_muchuzi_total-known-shares-30.trimmed.json"),
]

MLC_CASES: dict[str, tuple[list[JsonSeed], Callable[[bytes], Any], Any]] = {
    "token": (
        [
            _documented(
                "token",
                {
                    "accessToken": "a",
                    "idToken": "eyJ.id.token",
                    "refreshToken": "r",
                    "tokenType": "Bearer",
                    "expiresIn": "3600",
                    "scope": "openid",
                    "error": None,
                    "errorDescription": None,
                },
            )
        ],
        lambda body: mlc.parse_token(body, EP),
        MlcToken,
    ),
    "recordings": (
        [
            _documented(
                "recordings",
                [
                    {
                        "id": 673505082,
                        "isrc": "ZA56E2304741",
                        "title": "SPEEDOMETER",
                        "artist": "SHALLIPOPI",
                        "labels": "DVPPER DIGITAL",
                        "mlcsongCode": "SB5VH7",
                    }
                ],
            )
        ],
        lambda body: mlc.parse_recordings(body, EP),
        list[MlcRecordingHit],
    ),
    "work": (
        [_documented("work", MLC_WORK), *MLC_PORTAL],
        lambda body: mlc.parse_work(body, EP),
        MlcWorkRecord,
    ),
    "works": (
        [_documented("works", [MLC_WORK, MLC_WORK])],
        lambda body: mlc.parse_works(body, EP),
        list[MlcWorkRecord],
    ),
    "error description": (
        [
            _documented(
                "403",
                {"error": "invalid_grant", "errorDescription": "Wrong email or password."},
            ),
            _documented("401", {"message": "Unauthorized"}),
        ],
        mlc.error_description,
        str | None,
    ),
}


@pytest.mark.parametrize("case", list(MLC_CASES))
@FUZZ
@given(data=st.data())
def test_mlc_parsers_return_their_record_or_raise_malformed_response(case, data):
    seeds, read, expected = MLC_CASES[case]
    body = data.draw(json_bodies(f"mlc {case}", seeds, read), label="body")
    outcome(lambda: read(body), expected, mlc.MalformedResponse)


# --- MusicBrainz: XML bodies through the real client (musicbrainzngs parses them) ---------------

MMD = "http://musicbrainz.org/ns/mmd-2.0#"
MB_XML = "musicbrainz/xml/"
ARTIST_MBID = "4c3e8b1a-5d36-4c72-9a33-1b02d7b2c1aa"


def _mb_seed(name: str) -> bytes:
    """A recorded document with every list cut to its first 3 entries (its `count` too, so a
    search is one page unless a mutation says otherwise): each example stays fast."""
    root = ET.fromstring(recorded_bytes(MB_XML + name))
    for element in root.iter():
        if element.tag.endswith("-list"):
            for extra in list(element)[3:]:
                element.remove(extra)
            if "count" in element.attrib:
                element.set("count", str(len(element)))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _documented_xml(body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><metadata xmlns="{MMD}">{body}</metadata>'.encode()
    )


# No recording/ISRC/URL lookup is recorded: documented shapes (docs/services.md#musicbrainz-requests-used).
MB_RECORDING = _documented_xml(
    '<recording id="b9ad642e-b012-41c7-b72a-42cf4911f9ff"><title>Hello</title><length>295000</length>'
    '<relation-list target-type="work"><relation type="performance" '
    'type-id="a3005666-a872-32c3-ad06-98af558e99b0"><target>f5cdd40d</target>'
    "<attribute-list><attribute>cover</attribute></attribute-list>"
    '<work id="f5cdd40d-6fc3-439d-a7bb-4dc32fd4d8f7"><title>Hello</title><iswc>T-123.456.789-0</iswc>'
    '<relation-list target-type="artist"><relation type="composer">'
    '<artist id="a05d1a6e-9c59-4bd1-8a0d-1b4f3e5c9d11"><name>Adele</name>'
    "<sort-name>Adele</sort-name></artist></relation></relation-list></work>"
    "</relation></relation-list></recording>"
)
MB_ISRC = _documented_xml(
    '<isrc id="GBBKS1500214"><recording-list count="1">'
    '<recording id="b9ad642e-b012-41c7-b72a-42cf4911f9ff"><title>Hello</title>'
    "<length>295000</length></recording></recording-list></isrc>"
)
MB_URL = _documented_xml(
    '<url id="7e3a5c3b-1c2d-4f5e-8a9b-0c1d2e3f4a5b">'
    "<resource>https://open.spotify.com/artist/4dpARuHxo51G3z768sgnrY</resource>"
    '<relation-list target-type="artist"><relation type="free streaming">'
    "<target>a05d1a6e-9c59-4bd1-8a0d-1b4f3e5c9d11</target><direction>backward</direction>"
    '<artist id="a05d1a6e-9c59-4bd1-8a0d-1b4f3e5c9d11" type="Person"><name>Adele</name>'
    "<sort-name>Adele</sort-name></artist><ended>true</ended></relation></relation-list></url>"
)
MB_ARTISTS = [
    _mb_seed("lookup-artist_url-rels_kasabian_2024.xml"),
    _mb_seed("lookup-artist_aliases_prokofiev_musicbrainzngs.xml"),
    _mb_seed("lookup-artist_artist-rels_exo_musicbrainzngs.xml"),
    _mb_seed("lookup-artist_aliases-none_errors_musicbrainzngs.xml"),
]
MB_ARTIST_SEARCHES = [
    _mb_seed("search-artist_kasabian_2024.xml"),
    _mb_seed("search-artist_dynamo_musicbrainzngs.xml"),
]
MB_WORK_SEARCHES = [_mb_seed("search-work_my-best-friend_musicbrainzngs.xml")]
MB_ALL = [*MB_ARTISTS, *MB_ARTIST_SEARCHES, *MB_WORK_SEARCHES, MB_RECORDING, MB_ISRC, MB_URL]

XML_MUTATIONS = (
    "remove element",
    "remove attribute",
    "attribute value",
    "text",
    "no namespace",
    "rename",
    "graft",
    "swap",
)


def _tag_names(root: ET.Element) -> list[str]:
    return sorted({element.tag for element in root.iter()})


@st.composite
def mutated_xml(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A recorded MusicBrainz document with one to three structural mutations."""
    root = ET.fromstring(draw(st.sampled_from(seeds)))
    tags = _tag_names(root)
    for _ in range(draw(st.integers(1, 3))):
        elements = list(root.iter())
        parents = {child: parent for parent in elements for child in parent}
        by_tag: dict[str, list[ET.Element]] = {}
        for node in elements:
            by_tag.setdefault(node.tag, []).append(node)
        same_tag = by_tag[draw(st.sampled_from(sorted(by_tag)))]  # each kind of element alike
        element = same_tag[draw(st.integers(0, len(same_tag) - 1))]
        mutation = draw(st.sampled_from(XML_MUTATIONS))
        if mutation == "remove element" and element in parents:
            parents[element].remove(element)
        elif mutation == "remove attribute" and element.attrib:
            del element.attrib[draw(st.sampled_from(sorted(element.attrib)))]
        elif mutation == "attribute value" and element.attrib:
            name = draw(st.sampled_from(sorted(element.attrib)))
            element.set(name, draw(st.text(max_size=8) | st.sampled_from(ODD_TEXTS)))
        elif mutation == "text":
            element.text = draw(st.sampled_from([None, *ODD_TEXTS]) | st.text(max_size=12))
        elif mutation == "no namespace":
            whole = draw(st.booleans())
            for node in root.iter() if whole else [element]:
                node.tag = node.tag.rpartition("}")[2]
        elif mutation == "rename":
            element.tag = draw(st.sampled_from(tags))
        elif mutation == "graft":
            donor = draw(st.sampled_from(elements))
            if donor is not element:
                element.append(copy.deepcopy(donor))
        elif mutation == "swap" and element in parents:
            other = draw(st.sampled_from(elements))
            unrelated = element not in other.iter() and other not in element.iter()
            if other in parents and unrelated:
                a, b = parents[element], parents[other]
                i, j = list(a).index(element), list(b).index(other)
                a[i], b[j] = copy.deepcopy(other), copy.deepcopy(element)
    return ET.tostring(root, encoding="utf-8")


# Relationships nested 400 deep: musicbrainzngs' reader recurses through each level.
MB_DEEP = _documented_xml(
    '<artist id="a05d1a6e-9c59-4bd1-8a0d-1b4f3e5c9d11"><name>Adele</name>'
    + '<relation-list target-type="artist"><relation type="member of band"><artist id="x">' * 400
    + "</artist></relation></relation-list>" * 400
    + "</artist>"
)


def xml_bodies(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    raw = st.one_of(raw_bodies(MB_ALL), st.just(MB_DEEP))
    return st.one_of(mutated_xml(seeds), mutated_xml(seeds), mutated_xml(seeds), raw)


class _Server(ThreadingHTTPServer):
    body = b""


class _Answer(BaseHTTPRequestHandler):
    """Every GET is answered 200 with the body under test."""

    def do_GET(self) -> None:
        body = self.server.body  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def mb_server() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def mb_client(mb_server: _Server) -> MusicBrainzClient:
    host, port = mb_server.server_address[:2]
    return MusicBrainzClient(
        f"http://{host}:{port}", "fuzz@track-assets.invalid", max_attempts=1, timeout=10
    )


MUSICBRAINZ_CASES: dict[str, tuple[list[bytes], Callable[[MusicBrainzClient], Any], Any]] = {
    "artist lookup": (MB_ARTISTS, lambda c: c.artist(ARTIST_MBID), MbArtistRecord),
    "artist search": (
        MB_ARTIST_SEARCHES,
        lambda c: c.search_artists("Kasabian"),
        list[MbArtistRecord],
    ),
    "works by writers": (
        MB_WORK_SEARCHES,
        lambda c: c.works_by_writers([ARTIST_MBID]),
        list[MbWork],
    ),
    "work title count": (MB_WORK_SEARCHES, lambda c: c.count_works_titled("Hello"), int),
    "recording lookup": ([MB_RECORDING], lambda c: c.recording(ARTIST_MBID), MbRecording),
    "ISRC lookup": ([MB_ISRC], lambda c: c.recordings_by_isrc("GBBKS1500214"), list[MbRecording]),
    "Spotify URL lookup": (
        [MB_URL],
        lambda c: c.artists_by_spotify_url("4dpARuHxo51G3z768sgnrY"),
        list[MbUrlArtistLink],
    ),
}


@pytest.mark.parametrize("case", list(MUSICBRAINZ_CASES))
@FUZZ
@given(data=st.data())
def test_musicbrainz_client_returns_its_record_or_raises_malformed_response(
    case, data, mb_server, mb_client
):
    seeds, call, expected = MUSICBRAINZ_CASES[case]
    mb_server.body = data.draw(xml_bodies(seeds), label="body")
    outcome(lambda: call(mb_client), expected, musicbrainz.MalformedResponse)


@pytest.mark.parametrize(
    "body",
    [
        # shrunk: a <relation-list> without its target-type attribute (mbxml: KeyError)
        _documented_xml(
            '<recording id="b9ad642e-b012-41c7-b72a-42cf4911f9ff"><title>Hello</title>'
            '<relation-list><relation type="performance"/></relation-list></recording>'
        ),
        # shrunk: one byte of the declared encoding changed, "UTF-8" -> "TF-8" (LookupError)
        b'<?xml version="1.0" encoding="TF-8"?><metadata/>',
        MB_DEEP,  # RecursionError
    ],
    ids=["relation-list-without-target-type", "unknown-encoding", "nested-400-deep"],
)
def test_musicbrainzngs_reading_errors_are_malformed_responses(body, mb_server, mb_client):
    mb_server.body = body
    with pytest.raises(musicbrainz.MalformedResponse):
        mb_client.recording("b9ad642e-b012-41c7-b72a-42cf4911f9ff")


def test_the_unmutated_seeds_parse(mb_server, mb_client):
    """The property is only worth its examples if the seeds themselves take the happy path."""
    for case, (seeds, read, expected) in SPOTIFY_API_CASES.items():
        for seed in seeds:
            check_result(read(seed.text.encode(), "extended"), expected, case)
    for case, (seeds, read, expected) in SPOTIFY_WEB_CASES.items():
        assert all(fields_read(read, seed) for seed in seeds), f"{case}: no field read"
        for seed in seeds:
            assert read(seed.text.encode()) is not None, case
            check_result(read(seed.text.encode()), expected, case)
    # real bodies of other endpoints
    foreign = {seed.name for seed in (*MLC_PORTAL, CHARTMETRIC_WHERE_PEOPLE_LISTEN)}
    for cases, malformed in (
        (CHARTMETRIC_CASES, chartmetric.MalformedResponse),
        (MLC_CASES, mlc.MalformedResponse),
    ):
        for case, (seeds, read, expected) in cases.items():
            assert any(fields_read(read, seed) for seed in seeds), f"{case}: no field read"
            for seed in seeds:
                if seed.name in foreign:
                    with pytest.raises(malformed):
                        read(seed.text.encode())
                else:
                    check_result(read(seed.text.encode()), expected, case)
    for case, (seeds, call, expected) in MUSICBRAINZ_CASES.items():
        for seed in seeds:
            mb_server.body = seed
            result = call(mb_client)
            check_result(result, expected, case)
            assert result or case == "work title count", case
