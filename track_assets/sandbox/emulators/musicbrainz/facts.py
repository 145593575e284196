"""MusicBrainz identifiers and texts the emulator repeats, each with where it was seen.

Sources: track_assets_tests/fixtures/reference/musicbrainz/ (xml/, json/; origins in
track_assets_tests/fixtures/SOURCES.md), docs/services.md#musicbrainz-ws2, and
musicbrainz-server's own WS/2 tests (t/lib/t/MusicBrainz/Server/Controller/WS/2/*.pm,
t/lib/t/MusicBrainz/Server/WebService/Format.pm) for error texts, 406 and inc validation.
"""

from __future__ import annotations

from types import MappingProxyType

MMD_NS = "http://musicbrainz.org/ns/mmd-2.0#"
EXT_NS = "http://musicbrainz.org/ns/ext#-2.0"  # the search score; today's server prefixes ns2

USAGE_TEXT = "For usage, please see: https://musicbrainz.org/development/mmd"
NOT_FOUND = "Not Found"
INVALID_MBID = "Invalid mbid."
INVALID_ISRC = "Invalid isrc."
BAD_FORMAT = (
    "Invalid format. Either set an Accept header (recognized mime types are application/json "
    "and application/xml), or include a fmt= argument in the query string (valid values for fmt "
    "are json and xml)."
)
MULTIPLE_INC = "Inc arguments must be combined with a space"
SEARCH_FAILED = "Search server could not complete query: Bad request"  # beets #277 (2013)
RATE_LIMITED = (
    "Your requests are exceeding the allowable rate limit. Please see "
    "http://wiki.musicbrainz.org/XMLWebService for more information."
)
BUSY = "The MusicBrainz web server is currently busy. Please try again later."
# Not documented today; a 2011 revision of the rate-limit page said 403
# (docs/services.md#musicbrainz-rate-limit-and-user-agent).
NO_USER_AGENT = (
    "A meaningful User-Agent header is required (application name, version and contact); "
    "see https://musicbrainz.org/doc/MusicBrainz_API/Rate_Limiting"
)

ARTIST_TYPE_IDS = MappingProxyType(
    {
        "Person": "b6e035f4-3ce9-331c-97df-83397230b0df",
        "Group": "e431f5f6-b5d2-343d-8b36-72607fffb74b",
    }
)
# Gender gids (musicbrainz-server's gender table). Others are answered with a null id.
GENDER_IDS = MappingProxyType(
    {
        "Male": "36d3d30a-839d-3eda-8cb3-29be4384e4a9",
        "Female": "93452b5a-a947-30c8-934f-6a4056b151c2",
    }
)
ALIAS_TYPE_IDS = MappingProxyType(
    {
        "Artist name": "894afba6-2816-3c24-8072-eadb66bd04bc",
        "Legal name": "d4dcd0c0-b341-3612-a332-c0ce797b25cf",
        "Search hint": "1937e404-b981-3cb7-8151-4c86ebfc8d8e",
    }
)
# Work -> artist and recording -> work link types (gids seen in several independent clients).
WORK_ARTIST_LINK_TYPE_IDS = MappingProxyType(
    {
        "composer": "d59d99ea-23d4-4a80-b066-edca32ee158f",
        "lyricist": "3e48faba-ec01-47fd-8e89-30e81161661c",
        "writer": "a255bca1-b157-4518-9108-7b147dc3fc68",
        "librettist": "7474ab81-486f-40b5-8685-3a4f8ea624cb",
    }
)
PERFORMANCE = "performance"
PERFORMANCE_TYPE_ID = "a3005666-a872-32c3-ad06-98af558e99b0"
# The "cover" link attribute a performance relationship carries for a cover version (its gid in
# musicbrainz-server's relationship-editor data and in independent clients).
COVER = "cover"
COVER_ATTRIBUTE_ID = "1e8536bd-6eda-3822-8e78-1c0f4d3d2113"

COUNTRY_AREA_TYPE_ID = "06dd0ae4-8c74-30bb-b43d-95dcedf961de"


# Country areas whose MBIDs appear in recorded responses or the server's tests. A catalog
# country outside this table is served with <country> and no <area> (a known gap).
COUNTRY_AREAS = MappingProxyType(
    {
        "GB": ("8a754a16-0027-3a29-b6d7-2b40ea0481ed", "United Kingdom"),
        "US": ("489ce91b-6658-3307-9877-795b68554c98", "United States"),
        "DE": ("85752fda-13c4-31a3-bee5-0e5cb1f51dad", "Germany"),
        "JP": ("2db42837-c832-3c27-b4a3-08198f75693c", "Japan"),
        "KR": ("b9f7d640-46e8-313e-b158-ded6d18593b3", "South Korea"),
    }
)

# inc values the server accepts per resource (musicbrainzngs VALID_INCLUDES mirrors them);
# anything else is a 400 "<inc> is not a valid inc parameter for the <resource> resource.".
_RELATABLE = (
    "area",
    "artist",
    "event",
    "genre",
    "instrument",
    "label",
    "place",
    "recording",
    "release",
    "release-group",
    "series",
    "url",
    "work",
)
_RELS = tuple(f"{entity}-rels" for entity in _RELATABLE)
_TAGS = ("tags", "user-tags", "genres", "user-genres")
_RATINGS = ("ratings", "user-ratings")
VALID_INCLUDES = MappingProxyType(
    {
        "artist": frozenset(
            (
                "recordings",
                "releases",
                "release-groups",
                "works",
                "various-artists",
                "discids",
                "media",
                "isrcs",
                "aliases",
                "annotation",
                *_RELS,
                *_TAGS,
                *_RATINGS,
            )
        ),
        "recording": frozenset(
            (
                "artists",
                "releases",
                "release-groups",
                "discids",
                "media",
                "artist-credits",
                "isrcs",
                "work-level-rels",
                "annotation",
                "aliases",
                *_RELS,
                *_TAGS,
                *_RATINGS,
            )
        ),
        "work": frozenset(("aliases", "annotation", *_RELS, *_TAGS, *_RATINGS)),
        "url": frozenset(_RELS),
        "isrc": frozenset(("artists", "releases", "isrcs")),
    }
)
# Includes that need a logged-in user (401 without credentials).
USER_INCLUDES = frozenset(("user-tags", "user-genres", "user-ratings"))
