"""Deterministic demo catalogs: realistic names, every real-world case, any size.

`generate_catalog(seed, playlists, tracks)` returns the catalog as JSON-ready data; the same
arguments always give byte-identical JSON (`catalog_json`). A fixed set of recipes puts each
case of docs/sandbox-catalog.md into every catalog; the other tracks are drawn at random, so
larger catalogs hold every case many times.

    python -m track_assets.sandbox.catalog --playlists 20 --tracks 2000 -o catalog.json
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import sys
import time
import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from typing import Any

from track_assets.progress import QUIET, Steps
from track_assets.sandbox.catalog import vocabulary as words
from track_assets.sandbox.catalog.model import (
    FORMAT_VERSION,
    ROLE_PERFORMERS,
    ROLE_PRODUCERS,
    ROLE_WRITERS,
    Catalog,
)

DEMO_SEED = 7
DEMO_PLAYLISTS = 6
DEMO_TRACKS = 120
DEMO_REFERENCE_DATE = date(2026, 11, 1)
MIN_PLAYLISTS = 3  # one editorial, one user playlist Chartmetric knows, one it does not

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_CODE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

# Cases no random draw can be trusted to produce in a small catalog: one track each.
_RECIPES = (
    "signed_evidence",  # signed work; writers found by ISRC evidence, one through an alias
    "signed_three_way",  # 3 x 33.33; writers found by Spotify URL, by name, and ambiguous
    "admin_share",  # like SB5VH7: publisher at 0, administrator 50, one writer unrepresented
    "partial_share",  # like MA0PFZ: one publisher at 30 for both writers
    "writer_without_publisher",  # shares add up to 100 but one writer has no publisher
    "no_publishers",
    "zero_known",  # a publisher with share 0 and no administrator
    "mlc_not_found",
    "mlc_not_linked",
    "several_works",  # the ISRC matches two works; the title and writers pick one
    "no_credits",
    "no_isrc",
    "relinked",
    "shared_isrc",  # this track and the next slot share one ISRC (single and album version)
    "shared_isrc_twin",
    "cm_not_found",  # only on playlists Chartmetric does not know, and no Chartmetric track
    "viral",
)
MIN_TRACKS = len(_RECIPES) + 3


def generate_catalog(
    seed: int = DEMO_SEED,
    playlists: int = DEMO_PLAYLISTS,
    tracks: int = DEMO_TRACKS,
    reference_date: date = DEMO_REFERENCE_DATE,
    steps: Steps | None = None,
) -> dict[str, Any]:
    """A catalog with `playlists` playlists and `tracks` distinct playlist tracks (albums and
    relinking add a few tracks that are on no playlist). `steps` is told of each playlist slot
    filled (progress for a large catalog); it changes nothing in the catalog."""
    if playlists < MIN_PLAYLISTS:
        raise ValueError(
            f"a demo catalog needs at least {MIN_PLAYLISTS} playlists, not {playlists}"
        )
    if tracks < MIN_TRACKS:
        raise ValueError(f"a demo catalog needs at least {MIN_TRACKS} tracks, not {tracks}")
    return _CatalogBuilder(seed, playlists, tracks, reference_date).build(steps or QUIET)


def generate(
    seed: int = DEMO_SEED,
    playlists: int = DEMO_PLAYLISTS,
    tracks: int = DEMO_TRACKS,
    reference_date: date = DEMO_REFERENCE_DATE,
) -> Catalog:
    """`generate_catalog` loaded into typed records. The JSON Schema pass is skipped (tests
    validate generated catalogs against it); the semantic rules still run."""
    from track_assets.sandbox.catalog.load import load_catalog

    data = generate_catalog(seed, playlists, tracks, reference_date)
    return load_catalog(data, check_schema=False)


def catalog_json(data: dict[str, Any]) -> str:
    """The canonical text of a catalog: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


# --- generator-only records -------------------------------------------------------------------


@dataclass(eq=False)
class _Person:
    """Someone who performs or writes. `credit_name` is what Spotify shows; the legal name is
    what the MLC registers; MusicBrainz may know them under either."""

    credit_name: str
    first_name: str
    last_name: str
    spotify_artist_id: str | None
    ipi: str | None
    mlc_writer_id: str
    publisher: str | None
    cm_songwriter_id: int | None
    mb_mbid: str | None = None
    is_group: bool = False
    genres: tuple[str, ...] = ()
    country: str = "NG"


@dataclass
class _Slot:
    index: int
    playlists: list[int]
    recipe: str = "ordinary"
    track_id: str = ""


@dataclass
class _TrackInfo:
    """What the later steps (MLC, MusicBrainz, playlists, Chartmetric) need about a track."""

    track: dict
    performers: list[_Person]
    writers: list[_Person]
    album: dict
    label: str
    chartmetric: str = "auto"  # "auto" | "none" | "twin"
    also_spotify_ids: list[str] = field(default_factory=list)
    mb_work: dict | None = None

    @property
    def released(self) -> date:
        return self.album["_released"]


class _CatalogBuilder:
    def __init__(self, seed: int, playlists: int, tracks: int, reference_date: date) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.playlist_count = playlists
        self.track_count = tracks
        self.today = reference_date
        self.used_ids: set[str] = set()
        self.used_names: set[str] = set()
        self.used_isrcs: set[str] = set()
        self.used_codes: set[str] = set()
        self.listed_stage_names_spent = False
        self.counters = {
            "cm_track": self.rng.randint(20_000_000, 60_000_000),
            "cm_artist": self.rng.randint(200_000, 900_000),
            "cm_songwriter": self.rng.randint(10_000, 90_000),
            "cm_playlist": self.rng.randint(800_000, 4_000_000),
            "mlc_writer": self.rng.randint(10_000_000, 19_000_000),
            "mlc_recording": self.rng.randint(400_000_000, 700_000_000),
            "isrc": self.rng.randint(10_000, 60_000),
        }
        self.tracks: list[dict] = []
        self.track_index: dict[str, dict] = {}
        self.albums: list[dict] = []
        self.artists: list[dict] = []
        self.episodes: list[dict] = []
        self.mlc_works: list[dict] = []
        self.mlc_recordings: list[dict] = []
        self.mb_artists: list[dict] = []
        self.mb_recordings: list[dict] = []
        self.mb_works: list[dict] = []
        self.cm_tracks: list[dict] = []
        self.cm_artist_ids: dict[str, int] = {}
        self.publishers: dict[str, dict] = {}
        self.registrants: dict[str, str] = {}
        self.infos: dict[str, _TrackInfo] = {}
        self.open_albums: dict[int, dict] = {}  # performer index -> album still taking tracks
        self.performers: list[_Person] = []
        self.performer_ranks: dict[int, int] = {}
        self.performer_cum_weights: list[float] = []
        self.songwriters: list[_Person] = []

    # --- entry point ---

    def build(self, steps: Steps) -> dict[str, Any]:
        plans = self._plan_playlists()
        slots = self._plan_slots(plans)
        steps.total(len(slots))
        self._assign_recipes(slots, plans)
        self.performers = [self._performer() for _ in range(max(6, self.track_count // 4))]
        self.performer_ranks = {id(person): rank for rank, person in enumerate(self.performers)}
        # Popularity by rank, summed once: choices() with these draws exactly as with weights.
        self.performer_cum_weights = list(
            accumulate(1.0 / (rank + 1) ** 0.6 for rank in range(len(self.performers)))
        )
        self.songwriters = [self._songwriter() for _ in range(max(10, self.track_count // 2))]
        for slot in slots:
            self._playlist_track(slot)
            steps.advance()
        self._album_siblings()
        playlists = [self._playlist(plan, slots) for plan in plans]
        self._chartmetric_tracks(slots, plans)
        cm_playlists = self._chartmetric_playlists(plans, playlists)
        for album in self.albums:
            del album["_released"]
        return {
            "format_version": FORMAT_VERSION,
            "seed": self.seed,
            "reference_date": self.today.isoformat(),
            "playlists": playlists,
            "tracks": self.tracks,
            "albums": self.albums,
            "artists": self.artists,
            "episodes": self.episodes,
            "mlc": {"works": self.mlc_works, "recordings": self.mlc_recordings},
            "musicbrainz": {
                "artists": self.mb_artists,
                "recordings": self.mb_recordings,
                "works": self.mb_works,
            },
            "chartmetric": {"tracks": self.cm_tracks, "playlists": cm_playlists},
        }

    # --- identifiers ---

    def _spotify_id(self, prefix: str = "") -> str:
        while True:
            body = "".join(self.rng.choice(_BASE62) for _ in range(22 - len(prefix)))
            candidate = prefix + body
            if candidate not in self.used_ids and (prefix or not candidate.startswith("37i9")):
                self.used_ids.add(candidate)
                return candidate

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _next(self, counter: str, low: int = 1, high: int = 1) -> int:
        self.counters[counter] += self.rng.randint(low, high)
        return self.counters[counter]

    def _hex(self, length: int) -> str:
        return f"{self.rng.getrandbits(length * 4):0{length}x}"

    def _ipi(self) -> str:
        return f"{self.rng.randrange(10**8, 10**11):011d}"

    def _song_code(self) -> str:
        while True:
            code = self.rng.choice(_CODE_CHARS[:26]) + "".join(
                self.rng.choice(_CODE_CHARS) for _ in range(5)
            )
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code

    def _iswc(self) -> str:
        digits = [self.rng.randrange(10) for _ in range(9)]
        check = (10 - (1 + sum(i * d for i, d in enumerate(digits, 1))) % 10) % 10
        return "T" + "".join(map(str, digits)) + str(check)

    def _isni(self) -> str:
        digits = "0000000" + f"{self.rng.randrange(10**8):08d}"
        total = 0
        for d in digits:
            total = (total + int(d)) * 2
        check = (12 - total % 11) % 11
        return digits + ("X" if check == 10 else str(check))

    def _isrc(self, country: str, label: str, year: int) -> str:
        registrant = self.registrants.setdefault(
            label, "".join(self.rng.choice(_CODE_CHARS) for _ in range(3))
        )
        while True:
            isrc = f"{country}{registrant}{year % 100:02d}{self._next('isrc', 1, 40) % 100000:05d}"
            if isrc not in self.used_isrcs:
                self.used_isrcs.add(isrc)
                return isrc

    # --- names ---

    def _claim(self, name: str) -> bool:
        key = unicodedata.normalize("NFKD", name).casefold()
        if key in self.used_names:
            return False
        self.used_names.add(key)
        return True

    def _legal_name(self) -> tuple[str, str]:
        for attempt in range(200):
            first, last = self.rng.choice(words.FIRST_NAMES), self.rng.choice(words.LAST_NAMES)
            if attempt > 50:
                first = f"{first} {self.rng.choice('ABCDEFGHJKLMNOPRSTW')}."
            if self._claim(f"{first} {last}"):
                return first, last
        raise RuntimeError("ran out of person names")

    def _stage_name(self) -> str:
        if not self.listed_stage_names_spent:
            for attempt in range(400):
                if attempt < 40:
                    name = self.rng.choice(words.STAGE_NAMES)
                else:
                    first = self.rng.choice(words.FIRST_NAMES)
                    pattern = self.rng.choice(
                        ("Lil {}", "{} Sol", "DJ {}", "{} Blaze", "{} Wav", "Yung {}")
                    )
                    name = pattern.format(first)
                if self._claim(name):
                    return name
            # Spent past about 5,000 tracks. Composed names only start here, so every catalog
            # small enough to have been generated before keeps its bytes.
            self.listed_stage_names_spent = True
        return self._composed_stage_name()

    def _composed_stage_name(self) -> str:
        """A composed stage name: "Lil Amara" or "Amara Onyx" (5,200 of them), then "Lil Amara
        Onyx" once most of those are taken."""
        for attempt in range(600):
            first = self.rng.choice(words.FIRST_NAMES)
            prefix = self.rng.choice(words.STAGE_PREFIXES)
            surname = self.rng.choice(words.STAGE_SURNAMES)
            if attempt >= 200:
                name = f"{prefix} {first} {surname}"
            elif self.rng.random() < 0.25:
                name = f"{prefix} {first}"
            else:
                name = f"{first} {surname}"
            if self._claim(name):
                return name
        raise RuntimeError("ran out of stage names")

    def _title(self) -> str:
        roll = self.rng.random()
        if roll < 0.4:
            return self.rng.choice(words.TITLE_PHRASES)
        if roll < 0.8:
            return f"{self.rng.choice(words.TITLE_ADJECTIVES)} {self.rng.choice(words.TITLE_NOUNS)}"
        return self.rng.choice(words.TITLE_NOUNS)

    # --- people ---

    def _spotify_artist(self, name: str, genres: tuple[str, ...], fame: float) -> str:
        artist_id = self._spotify_id()
        image = self._hex(24)
        followers = int(10 ** (2 + fame * 5.5) * self.rng.uniform(0.6, 1.4))
        self.artists.append(
            {
                "id": artist_id,
                "name": name,
                "genres": list(genres),
                "popularity": max(1, min(100, round(fame * 85 + self.rng.uniform(-5, 10)))),
                "followers": followers,
                "monthly_listeners": int(followers * self.rng.uniform(0.8, 6.0)),
                "images": [
                    {
                        "url": f"https://i.scdn.co/image/ab6761610000e5eb{image}",
                        "width": 640,
                        "height": 640,
                    },
                    {
                        "url": f"https://i.scdn.co/image/ab67616100005174{image}",
                        "width": 320,
                        "height": 320,
                    },
                    {
                        "url": f"https://i.scdn.co/image/ab6761610000f178{image}",
                        "width": 160,
                        "height": 160,
                    },
                ],
            }
        )
        return artist_id

    def _new_person(
        self,
        *,
        uri: bool,
        mb: str,
        ipi: bool = True,
        stage: bool = False,
        spotify_url: bool = False,
        ended_link: bool = False,
        fame: float = 0.15,
        publisher: str | None = None,
    ) -> _Person:
        """mb: "none" (unknown to MusicBrainz), "unique", "alias" (MusicBrainz knows them under
        a stage name, the credit shows the legal name), "namesake" (another MusicBrainz artist
        has the same name)."""
        first, last = self._legal_name()
        credit = self._stage_name() if stage else f"{first} {last}"
        genres = tuple(self.rng.sample(words.GENRES, self.rng.randint(1, 3)))
        person = _Person(
            credit_name=credit,
            first_name=first,
            last_name=last,
            spotify_artist_id=self._spotify_artist(credit, genres if fame > 0.3 else (), fame)
            if uri
            else None,
            ipi=self._ipi() if ipi else None,
            mlc_writer_id=str(self._next("mlc_writer", 1, 900)),
            publisher=publisher,
            cm_songwriter_id=self._next("cm_songwriter", 1, 500)
            if self.rng.random() < 0.7
            else None,
            genres=genres,
            country=self.rng.choice(words.COUNTRIES),
        )
        if mb != "none":
            self._mb_artist(person, mb, spotify_url=spotify_url, ended_link=ended_link)
        return person

    def _random_mb_kind(self) -> str:
        return self.rng.choices(("unique", "alias", "namesake", "none"), (45, 10, 10, 35))[0]

    def _random_publisher(self) -> str | None:
        if self.rng.random() < 0.15:
            return None
        return self.rng.choice(words.PUBLISHERS)[0]

    def _performer(self) -> _Person:
        fame = self.rng.random() ** 1.5
        if self.rng.random() < 0.15:
            name = self.rng.choice(words.GROUP_NAMES)
            if not self._claim(name):
                name = f"{name} {self.rng.choice(('Collective', 'Band', 'Crew', 'Society'))}"
                self._claim(name)
            genres = tuple(self.rng.sample(words.GENRES, 2))
            return _Person(
                credit_name=name,
                first_name="",
                last_name="",
                spotify_artist_id=self._spotify_artist(name, genres, fame),
                ipi=None,
                mlc_writer_id="",
                publisher=None,
                cm_songwriter_id=None,
                is_group=True,
                genres=genres,
            )
        kind = self._random_mb_kind()
        return self._new_person(
            uri=True,
            mb="unique" if kind == "alias" else kind,
            stage=self.rng.random() < 0.4,
            ipi=self.rng.random() < 0.85,
            spotify_url=self.rng.random() < 0.6,
            ended_link=self.rng.random() < 0.25,
            fame=max(fame, 0.35),
            publisher=self._random_publisher(),
        )

    def _songwriter(self) -> _Person:
        uri = self.rng.random() < 0.45
        kind = self._random_mb_kind()
        return self._new_person(
            uri=uri,
            mb=kind,
            ipi=self.rng.random() < 0.85,
            spotify_url=uri and self.rng.random() < 0.5,
            ended_link=self.rng.random() < 0.2,
            fame=self.rng.uniform(0.0, 0.3),
            publisher=self._random_publisher(),
        )

    # --- MusicBrainz artists ---

    def _mb_urls(self, handle: str, person: _Person, spotify_url: bool, ended_link: bool) -> list:
        rng = self.rng
        choices = [
            ("social network", f"https://www.instagram.com/{handle}/"),
            ("social network", f"https://{'x' if rng.random() < 0.3 else 'twitter'}.com/{handle}"),
            ("social network", f"https://www.tiktok.com/@{handle}"),
            ("social network", f"https://www.facebook.com/{handle}"),
            ("youtube", f"https://www.youtube.com/@{handle}"),
            ("soundcloud", f"https://soundcloud.com/{handle}"),
            ("bandcamp", f"https://{handle}.bandcamp.com/"),
            ("official homepage", f"https://www.{handle}music.com/"),
            ("wikidata", f"https://www.wikidata.org/wiki/Q{rng.randint(10**6, 10**8)}"),
            (
                "wikipedia",
                f"https://en.wikipedia.org/wiki/{person.first_name}_{person.last_name}".replace(
                    " ", "_"
                ),
            ),
            ("discogs", f"https://www.discogs.com/artist/{rng.randint(10**5, 10**7)}"),
            ("youtube music", f"https://music.youtube.com/channel/UC{self._hex(22)}"),
        ]
        picked = rng.sample(choices, rng.randint(2, 7))
        urls = [self._mb_url(t, r) for t, r in picked]
        if spotify_url and person.spotify_artist_id:
            resource = f"https://open.spotify.com/artist/{person.spotify_artist_id}"
            urls.append(self._mb_url("free streaming", resource))
        if ended_link:
            old = rng.choice(
                (
                    ("social network", f"https://twitter.com/{handle}_old"),
                    ("youtube", f"https://www.youtube.com/channel/UC{self._hex(22)}"),
                    ("myspace", f"https://myspace.com/{handle}"),
                )
            )
            year = rng.randint(2012, 2022)
            urls.append(
                self._mb_url(
                    *old,
                    begin=str(year - rng.randint(2, 6)),
                    end=f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
                )
            )
        return urls

    def _mb_url(
        self, kind: str, resource: str, begin: str | None = None, end: str | None = None
    ) -> dict:
        return {
            "url_id": self._uuid(),
            "resource": resource,
            "type": kind,
            "begin": begin,
            "end": end,
            "ended": end is not None,
        }

    def _mb_artist(
        self, person: _Person, kind: str, *, spotify_url: bool, ended_link: bool
    ) -> None:
        rng = self.rng
        legal = f"{person.first_name} {person.last_name}"
        name = self._stage_name() if kind == "alias" else person.credit_name
        aliases = []
        if name != legal:
            aliases.append(
                {
                    "name": legal,
                    "sort_name": f"{person.last_name}, {person.first_name}",
                    "type": "Legal name",
                    "locale": None,
                    "primary": False,
                }
            )
        if rng.random() < 0.2:
            hint = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
            aliases.append(
                {
                    "name": hint,
                    "sort_name": hint,
                    "type": "Search hint",
                    "locale": None,
                    "primary": False,
                }
            )
        ascii_name = unicodedata.normalize("NFKD", name.lower()).encode("ascii", "ignore").decode()
        handle = "".join(c for c in ascii_name if c.isalnum())
        person.mb_mbid = self._uuid()
        country = person.country
        self.mb_artists.append(
            {
                "mbid": person.mb_mbid,
                "name": name,
                "sort_name": name if name != legal else f"{person.last_name}, {person.first_name}",
                "type": "Person",
                "disambiguation": rng.choice(
                    ("", "songwriter", "songwriter and producer", f"{country} singer-songwriter")
                )
                if kind != "namesake"
                else f"{country} songwriter and producer",
                "country": country,
                "gender": rng.choice(("Male", "Female", "Female", "Male", "Non-binary")),
                "begin_date": f"{rng.randint(1975, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "ipis": [person.ipi] if person.ipi and rng.random() < 0.5 else [],
                "isnis": [self._isni()] if rng.random() < 0.3 else [],
                "aliases": aliases,
                "urls": self._mb_urls(handle, person, spotify_url, ended_link),
            }
        )
        if kind == "namesake":
            for disambiguation in rng.sample(words.NAMESAKE_DISAMBIGUATIONS, rng.randint(1, 2)):
                group = "band" in disambiguation
                other_handle = handle + rng.choice(("official", "band", "music", "hq"))
                self.mb_artists.append(
                    {
                        "mbid": self._uuid(),
                        "name": name,
                        "sort_name": name if group else f"{person.last_name}, {person.first_name}",
                        "type": "Group" if group else "Person",
                        "disambiguation": disambiguation,
                        "country": rng.choice(words.COUNTRIES),
                        "gender": None,
                        "begin_date": str(rng.randint(1960, 2010)),
                        "ipis": [],
                        "isnis": [],
                        "aliases": [],
                        "urls": [
                            self._mb_url(
                                "social network", f"https://www.instagram.com/{other_handle}/"
                            )
                        ],
                    }
                )

    # --- playlists and slots ---

    def _plan_playlists(self) -> list[dict]:
        kinds = ("editorial", "user_cm", "user_plain")
        plans = []
        editorial = list(words.EDITORIAL_PLAYLISTS)
        user = list(words.USER_PLAYLISTS)
        self.rng.shuffle(editorial)
        self.rng.shuffle(user)
        for i in range(self.playlist_count):
            kind = kinds[i % 3]
            if kind == "editorial":
                names, number = editorial, i // 3
                playlist_id = self._spotify_id("37i9dQZF1DX")
            else:
                names, number = user, i // 3 * 2 + (kind == "user_plain")
                playlist_id = self._spotify_id()
            name, description = names[number % len(names)]
            if number >= len(names):
                name = f"{name} vol. {number // len(names) + 1}"
            plans.append(
                {
                    "kind": kind,
                    "id": playlist_id,
                    "name": name,
                    "description": description,
                    "index": i,
                }
            )
        return plans

    def _plan_slots(self, plans: list[dict]) -> list[_Slot]:
        homes = [i % self.playlist_count for i in range(self.track_count)]
        self.rng.shuffle(homes)
        slots = []
        for index, home in enumerate(homes):
            members = [home]
            if self.rng.random() < 0.15:
                other = self.rng.randrange(self.playlist_count)
                if other != home:
                    members.append(other)
            slots.append(_Slot(index, members))
        if not any(len(s.playlists) > 1 for s in slots):
            first = slots[0]
            first.playlists.append((first.playlists[0] + 1) % self.playlist_count)
        return slots

    def _assign_recipes(self, slots: list[_Slot], plans: list[dict]) -> None:
        plain = {p["index"] for p in plans if p["kind"] == "user_plain"}
        free = list(range(len(slots)))
        for recipe in _RECIPES:
            if recipe == "shared_isrc_twin":
                continue
            if recipe == "cm_not_found":
                eligible = [i for i in free if set(slots[i].playlists) <= plain]
                if not eligible:  # make one: a track that is only on a plain playlist
                    eligible = [free[0]]
                    slots[free[0]].playlists = [min(plain)]
            else:
                eligible = free
            chosen = self.rng.choice(eligible)
            free.remove(chosen)
            slots[chosen].recipe = recipe
            if recipe == "shared_isrc":
                twin = self.rng.choice(free)
                free.remove(twin)
                slots[twin].recipe = "shared_isrc_twin"
        # The twin copies its original, so the original must come first.
        pair = [s for s in slots if s.recipe in ("shared_isrc", "shared_isrc_twin")]
        pair[0].recipe, pair[1].recipe = "shared_isrc", "shared_isrc_twin"

    # --- tracks ---

    def _pick_performers(self) -> list[_Person]:
        primary = self.rng.choices(self.performers, cum_weights=self.performer_cum_weights)[0]
        performers = [primary]
        if self.rng.random() < 0.15:
            featured = self.rng.choice(self.performers)
            if featured is not primary:
                performers.append(featured)
        return performers

    def _release_date(self) -> date:
        if self.rng.random() < 0.7:
            return self.today - timedelta(days=self.rng.randint(3, 720))
        return self.today - timedelta(days=self.rng.randint(721, 4500))

    def _album(
        self, performers: list[_Person], title: str, single: bool, name: str | None = None
    ) -> dict:
        released = self._release_date()
        label = self.rng.choice(words.LABELS)
        precision = "day"
        if released.year < 2018 and self.rng.random() < 0.35:
            precision = self.rng.choice(("year", "month"))
        shown = {
            "day": released.isoformat(),
            "month": released.isoformat()[:7],
            "year": str(released.year),
        }
        image = self._hex(24)
        album = {
            "id": self._spotify_id(),
            "name": title
            if single
            else (
                name
                or f"{self.rng.choice(words.TITLE_ADJECTIVES)} {self.rng.choice(words.TITLE_NOUNS)}"
            ),
            "album_type": "single" if single else "album",
            "release_date": shown[precision],
            "release_date_precision": precision,
            "label": label,
            "copyrights": [
                {"text": f"{released.year} {label}", "type": "C"},
                {"text": f"(P) {released.year} {label}", "type": "P"},
            ],
            "upc": f"{self.rng.randrange(10**11, 10**12):012d}",
            "images": [
                {
                    "url": f"https://i.scdn.co/image/ab67616d0000b273{image}",
                    "width": 640,
                    "height": 640,
                },
                {
                    "url": f"https://i.scdn.co/image/ab67616d00001e02{image}",
                    "width": 300,
                    "height": 300,
                },
                {
                    "url": f"https://i.scdn.co/image/ab67616d00004851{image}",
                    "width": 64,
                    "height": 64,
                },
            ],
            "artist_ids": [performers[0].spotify_artist_id],
            "track_ids": [],
            "popularity": self.rng.randint(5, 80),
            "available_markets": sorted(
                self.rng.sample(words.MARKETS, self.rng.randint(8, len(words.MARKETS)))
            ),
            "_released": released,
        }
        self.albums.append(album)
        return album

    def _album_for(self, performers: list[_Person], title: str) -> dict:
        primary = self.performer_ranks.get(id(performers[0]), -1)
        if self.rng.random() < 0.55 or primary < 0:
            return self._album(performers, title, single=True)
        album = self.open_albums.get(primary)
        if album is None or len(album["track_ids"]) >= 6 or self.rng.random() < 0.3:
            album = self._album(performers, title, single=False)
            self.open_albums[primary] = album
        return album

    def _growth(self, popularity: int, viral: bool, released: date) -> tuple[dict, dict]:
        rng = self.rng
        if viral:
            start = max(released, self.today - timedelta(days=rng.randint(3, 30)))
            plays = {
                "start_count": int(10 ** rng.uniform(4.0, 5.6)),
                "daily_growth_rate": round(rng.uniform(0.03, 0.07), 4),
                "daily_increment": rng.randint(50, 2000),
                "compounding_days": rng.randint(30, 90),
            }
            change = round(rng.uniform(0.2, 0.6), 3)
        else:
            start = max(released, self.today - timedelta(days=rng.randint(20, 300)))
            count = int(10 ** (3.5 + popularity / 100 * 5.3 + rng.uniform(-0.3, 0.3)))
            plays = {
                "start_count": count,
                "daily_growth_rate": round(rng.uniform(0.0, 0.004), 4),
                "daily_increment": max(1, int(count * rng.uniform(0.0005, 0.006))),
                "compounding_days": rng.randint(90, 365),
            }
            change = round(rng.uniform(-0.03, 0.03), 3)
        plays["start_date"] = start.isoformat()
        popularity_model = {
            "start_date": self.today.isoformat(),
            "start_value": popularity,
            "daily_change": change,
        }
        return plays, popularity_model

    def _credits(
        self,
        performers: list[_Person],
        writers: list[_Person],
        label: str,
        no_credits: bool = False,
    ) -> dict:
        rng = self.rng
        groups = [
            {
                "title": ROLE_PERFORMERS,
                "contributors": [
                    {
                        "name": p.credit_name,
                        "artist_id": p.spotify_artist_id,
                        "subroles": ["main artist" if i == 0 else "featured artist"],
                    }
                    for i, p in enumerate(performers)
                ],
            }
        ]
        if no_credits:
            return {"role_groups": groups, "source_names": []}
        groups.append(
            {
                "title": ROLE_WRITERS,
                "contributors": [
                    {
                        "name": w.credit_name,
                        "artist_id": w.spotify_artist_id,
                        "subroles": rng.choices(
                            (["composer", "lyricist"], ["composer"], ["lyricist"]), (70, 15, 15)
                        )[0],
                    }
                    for w in writers
                ],
            }
        )
        producers = [w for w in writers if w.spotify_artist_id and rng.random() < 0.4]
        if not producers or rng.random() < 0.3:
            producers.append(rng.choice(self.songwriters))
        groups.append(
            {
                "title": ROLE_PRODUCERS,
                "contributors": [
                    {
                        "name": p.credit_name,
                        "artist_id": p.spotify_artist_id,
                        "subroles": ["producer"],
                    }
                    for p in dict.fromkeys(producers)
                ],
            }
        )
        source = rng.choices(
            (
                [label],
                [rng.choice(words.DISTRIBUTORS)],
                [f"{performers[0].credit_name} PS"],
                [label, rng.choice(words.DISTRIBUTORS)],
            ),
            (50, 30, 10, 10),
        )[0]
        return {"role_groups": groups, "source_names": source}

    def _ordinary_writers(self, performers: list[_Person]) -> list[_Person]:
        writers = []
        primary = performers[0]
        if not primary.is_group and self.rng.random() < 0.55:
            writers.append(primary)
        for person in self.rng.sample(self.songwriters, self.rng.randint(1, 3)):
            if person not in writers:
                writers.append(person)
        return writers

    def _recipe_writers(self, recipe: str) -> tuple[list[_Person], dict]:
        """Fresh writers with the MusicBrainz facts a recipe needs, plus how MusicBrainz and
        the MLC should know the track."""
        new = self._new_person

        def pub() -> str:
            return self.rng.choice(words.PUBLISHERS[:12])[0]

        if recipe == "signed_evidence":
            writers = [
                new(uri=True, mb="unique", spotify_url=True, ended_link=True, publisher=pub()),
                new(uri=False, mb="alias", publisher=pub()),
            ]
            return writers, {"mb": "recording", "mb_writers": writers, "mlc": "signed"}
        if recipe == "signed_three_way":
            writers = [
                new(uri=True, mb="unique", spotify_url=True, publisher=pub()),
                new(uri=False, mb="unique", publisher=pub()),
                new(uri=False, mb="namesake", publisher=pub()),
            ]
            return writers, {"mb": "work_only", "mb_writers": [writers[1]], "mlc": "signed"}
        if recipe == "admin_share":
            writers = [new(uri=True, mb="none", ipi=False), new(uri=False, mb="none")]
            return writers, {"mb": "none", "mlc": "admin_share"}
        if recipe == "partial_share":
            writers = [new(uri=False, mb="unique"), new(uri=False, mb="none", ipi=False)]
            plan = {"mb": "recording", "mb_writers": writers[:1], "mlc": "partial_share"}
            return writers, plan | {"share": 30.0}
        return [], {}

    def _playlist_track(self, slot: _Slot) -> None:
        rng = self.rng
        recipe = slot.recipe
        if recipe == "shared_isrc_twin":
            self._twin_track(slot)
            return
        performers = self._pick_performers()
        title = self._title()
        name = title
        if len(performers) > 1:
            name = f"{title} (feat. {performers[1].credit_name})"
        album = self._album_for(performers, title)
        writers, plan = self._recipe_writers(recipe)
        if not writers:
            writers = self._ordinary_writers(performers)
        while recipe == "writer_without_publisher" and len(writers) < 2:
            extra = self.rng.choice(self.songwriters)
            if extra not in writers:
                writers.append(extra)
        viral = recipe == "viral" or (recipe == "ordinary" and rng.random() < 0.08)
        popularity = rng.randint(45, 80) if viral else min(95, int(rng.betavariate(2.2, 3.0) * 100))
        plays, popularity_model = self._growth(popularity, viral, album["_released"])
        label = album["label"]
        isrc = None
        if recipe != "no_isrc":
            country = (
                performers[0].country if not performers[0].is_group else rng.choice(words.COUNTRIES)
            )
            isrc = self._isrc(country, label, album["_released"].year)
        track = {
            "id": self._spotify_id(),
            "name": name,
            "isrc": isrc,
            "album_id": album["id"],
            "artist_ids": [p.spotify_artist_id for p in performers],
            "disc_number": 1,
            "track_number": 1,
            "duration_ms": rng.randint(118_000, 305_000),
            "explicit": rng.random() < 0.25,
            "relinked_to": None,
            "popularity": popularity_model,
            "plays": plays,
            "credits": self._credits(performers, writers, label, no_credits=recipe == "no_credits"),
        }
        self._add_track(track, album)
        slot.track_id = track["id"]
        info = _TrackInfo(
            track, performers, [] if recipe == "no_credits" else writers, album, label
        )
        if recipe == "cm_not_found":
            info.chartmetric = "none"
        if recipe == "shared_isrc":
            info.chartmetric = "twin"
        self.infos[track["id"]] = info
        if recipe == "relinked":
            self._relink_target(info, title)
        if recipe == "no_credits" or not isrc:
            return
        self._musicbrainz(info, title, plan)
        scenario = plan.get("mlc") or self._mlc_scenario(recipe, writers)
        self._mlc(info, title, scenario, plan.get("share"))

    def _twin_track(self, slot: _Slot) -> None:
        """The album version of the `shared_isrc` track: another Spotify id, the same ISRC."""
        original = next(i for i in self.infos.values() if i.chartmetric == "twin")
        source = original.track
        album = self._album(original.performers, source["name"], single=False)
        track = json.loads(json.dumps(source))
        track["id"] = self._spotify_id()
        track["album_id"] = album["id"]
        track["plays"]["start_count"] = max(
            1, track["plays"]["start_count"] // self.rng.randint(2, 6)
        )
        self._add_track(track, album)
        slot.track_id = track["id"]
        info = _TrackInfo(track, original.performers, original.writers, album, album["label"])
        info.chartmetric = "twin"
        self.infos[track["id"]] = info

    def _relink_target(self, info: _TrackInfo, title: str) -> None:
        """The same recording on a deluxe edition; requests with a market get relinked to it."""
        album = self._album(
            info.performers, title, single=False, name=f"{info.album['name']} (Deluxe)"
        )
        target = json.loads(json.dumps(info.track))
        target["id"] = self._spotify_id()
        target["album_id"] = album["id"]
        target["plays"]["start_count"] = max(1, target["plays"]["start_count"] // 20)
        self._add_track(target, album)
        info.track["relinked_to"] = target["id"]
        info.also_spotify_ids.append(target["id"])

    def _album_siblings(self) -> None:
        """Albums get a few more tracks that are on no playlist (getAlbum lists them)."""
        for album in list(self.albums):
            if album["album_type"] != "album" or self.rng.random() < 0.6:
                continue
            first = self.track_index[album["track_ids"][0]]
            for _ in range(self.rng.randint(1, 2)):
                sibling = json.loads(json.dumps(first))
                sibling["id"] = self._spotify_id()
                sibling["name"] = self._title()
                sibling["isrc"] = self._isrc(
                    first["isrc"][:2] if first["isrc"] else "US",
                    album["label"],
                    album["_released"].year,
                )
                sibling["relinked_to"] = None
                sibling["plays"]["start_count"] = max(
                    1, first["plays"]["start_count"] // self.rng.randint(3, 40)
                )
                sibling["duration_ms"] = self.rng.randint(118_000, 305_000)
                self._add_track(sibling, album)
        for album in self.albums:
            for number, track_id in enumerate(album["track_ids"], 1):
                self.track_index[track_id]["track_number"] = number

    def _add_track(self, track: dict, album: dict) -> None:
        album["track_ids"].append(track["id"])
        self.tracks.append(track)
        self.track_index[track["id"]] = track

    # --- MusicBrainz recordings and works ---

    def _musicbrainz(self, info: _TrackInfo, title: str, plan: dict) -> None:
        rng = self.rng
        mode = plan.get("mb") or rng.choices(("recording", "work_only", "none"), (50, 20, 30))[0]
        if mode == "none":
            return
        listed = plan.get("mb_writers")
        if listed is None:
            listed = [w for w in info.writers if w.mb_mbid and rng.random() < 0.85]
        work = {
            "mbid": self._uuid(),
            "title": title,
            "iswcs": [],
            "writers": [
                {"artist_mbid": w.mb_mbid, "type": relation}
                for w in listed
                for relation in (("composer", "lyricist") if rng.random() < 0.6 else ("writer",))
            ],
        }
        info.mb_work = work
        self.mb_works.append(work)
        if mode == "recording":
            self.mb_recordings.append(
                {
                    "mbid": self._uuid(),
                    "title": info.track["name"],
                    "length_ms": info.track["duration_ms"] + rng.randint(-800, 800),
                    "isrcs": [info.track["isrc"]],
                    "artist_credit": [
                        {"name": p.credit_name, "artist_mbid": p.mb_mbid} for p in info.performers
                    ],
                    "work_mbids": [work["mbid"]],
                }
            )

    # --- The MLC ---

    def _mlc_scenario(self, recipe: str, writers: list[_Person]) -> str:
        if recipe in {
            "writer_without_publisher",
            "no_publishers",
            "zero_known",
            "mlc_not_found",
            "mlc_not_linked",
            "several_works",
        }:
            return recipe
        scenarios = (
            "signed",
            "partial_share",
            "admin_share",
            "writer_without_publisher",
            "no_publishers",
            "zero_known",
            "mlc_not_found",
            "mlc_not_linked",
            "several_works",
        )
        weights = (40, 8, 5, 10, 8, 2, 18, 4, 5)
        scenario = self.rng.choices(scenarios, weights)[0]
        if scenario in {"admin_share", "writer_without_publisher"} and len(writers) < 2:
            return "signed"
        return scenario

    def _publisher(
        self, name: str, share: float, writers: list[_Person], on_admin: bool = False
    ) -> dict:
        registry = self.publishers.setdefault(
            name,
            {
                "publisher_id": str(self.rng.randint(7_000_000, 7_400_000)),
                "ipi": self._ipi(),
                "number": f"P{self.rng.randint(1000, 9999)}{self.rng.choice(_CODE_CHARS[:26])}",
            },
        )
        admin_name = dict(words.PUBLISHERS).get(name)
        administrators = []
        if admin_name or on_admin:
            admin_name = admin_name or "SONY MUSIC PUBLISHING (US) LLC"
            admin = self._publisher(admin_name, 0, [])
            administrators.append(
                {key: admin[key] for key in ("publisher_id", "name", "ipi", "mlc_publisher_number")}
                | {"collection_share": share}
            )
            share = 0
        return {
            "publisher_id": registry["publisher_id"],
            "name": name,
            "ipi": registry["ipi"],
            "mlc_publisher_number": registry["number"],
            "role_code": "E",
            "collection_share": share,
            "administrators": administrators,
            "writer_ids": [w.mlc_writer_id for w in writers],
        }

    def _publishers(self, writers: list[_Person], total: float) -> list[dict]:
        """One publisher entry per publisher, sharing `total` equally among the writers."""
        each = round(total / len(writers), 2)
        by_name: dict[str, list[_Person]] = {}
        for writer in writers:
            name = writer.publisher or self.rng.choice(words.PUBLISHERS)[0]
            by_name.setdefault(name, []).append(writer)
        return [
            self._publisher(name, round(each * len(group), 2), group)
            for name, group in by_name.items()
        ]

    def _mlc_work(
        self, title: str, writers: list[_Person], publishers: list[dict], artists: str
    ) -> dict:
        work = {
            "song_code": self._song_code(),
            "title": title.upper(),
            "iswc": self._iswc() if self.rng.random() < 0.7 else None,
            "alternative_titles": [],
            "artists": artists,
            "writers": [
                {
                    "writer_id": w.mlc_writer_id,
                    "first_name": w.first_name.upper(),
                    "last_name": w.last_name.upper(),
                    "ipi": w.ipi,
                    "role_code": "CA",
                }
                for w in writers
            ],
            "publishers": publishers,
        }
        self.mlc_works.append(work)
        return work

    def _mlc_recordings(self, info: _TrackInfo, song_code: str | None, count: int) -> None:
        for _ in range(count):
            self.mlc_recordings.append(
                {
                    "id": str(self._next("mlc_recording", 1000, 90_000_000)),
                    "isrc": info.track["isrc"],
                    "title": info.track["name"].upper(),
                    "artist": " & ".join(p.credit_name.upper() for p in info.performers),
                    "labels": info.label.upper(),
                    "song_code": song_code,
                }
            )

    def _mlc(self, info: _TrackInfo, title: str, scenario: str, share: float | None) -> None:
        rng = self.rng
        writers = [w for w in info.writers if not w.is_group]
        artists = ", ".join(p.credit_name.upper() for p in info.performers)
        if scenario == "mlc_not_found":
            return
        if scenario == "mlc_not_linked":
            self._mlc_recordings(info, None, rng.randint(1, 2))
            return
        if scenario == "signed":
            publishers = self._publishers(writers, 100.0)
        elif scenario == "admin_share":
            # Like SB5VH7: the first writer's publisher is at 0 with 50 on its administrator;
            # the other writers have no publisher at all.
            name = rng.choice([n for n, admin in words.PUBLISHERS if admin])
            publishers = [self._publisher(name, 50.0, writers[:1], on_admin=True)]
        elif scenario == "partial_share":
            share = share or rng.choice((30.0, 25.0, 45.0, 62.5))
            publishers = [self._publisher(rng.choice(words.PUBLISHERS[:12])[0], share, writers)]
        elif scenario == "writer_without_publisher":
            publishers = self._publishers(writers[:-1], 100.0)
        elif scenario == "zero_known":
            publishers = [self._publisher(rng.choice(words.PUBLISHERS[:12])[0], 0, writers[:1])]
        else:  # no_publishers, and the work the several_works track really is
            publishers = [] if scenario == "no_publishers" else self._publishers(writers, 100.0)
        work = self._mlc_work(title, writers, publishers, artists)
        if info.mb_work is not None and work["iswc"]:
            info.mb_work["iswcs"] = [work["iswc"]]
        self._mlc_recordings(info, work["song_code"], rng.randint(1, 3))
        if scenario == "several_works":
            # Another work claims the same ISRC (a sample or a mismatch): other title, other writers.
            others = rng.sample(self.songwriters, 2)
            decoy_title = self._title()
            while decoy_title == title:
                decoy_title = self._title()
            decoy = self._mlc_work(decoy_title, others, self._publishers(others[:1], 50.0), artists)
            self._mlc_recordings(info, decoy["song_code"], 1)

    # --- playlists ---

    def _playlist(self, plan: dict, slots: list[_Slot]) -> dict:
        rng = self.rng
        members = [s.track_id for s in slots if plan["index"] in s.playlists]
        rng.shuffle(members)
        editorial = plan["kind"] == "editorial"
        owner = (
            {"id": "spotify", "display_name": "Spotify"}
            if editorial
            else dict(zip(("id", "display_name"), rng.choice(words.USERS), strict=True))
        )
        # Added after release, within the last 4 weeks (editorial) or 400 days, oldest first.
        midnight = datetime.combine(self.today, datetime.min.time(), UTC)
        window = timedelta(days=28 if editorial else 400)
        added = []
        for track_id in members:
            released = datetime.combine(self.infos[track_id].released, datetime.min.time(), UTC)
            earliest = max(midnight - window, released + timedelta(hours=6))
            span = max(3600, int((midnight - earliest).total_seconds()) - 3600)
            added.append((earliest + timedelta(seconds=rng.randint(0, span)), track_id))
        added.sort()
        moments = [moment for moment, _ in added]
        items: list[dict] = [
            {
                "kind": "track",
                "added_at": _iso(moment),
                "added_by": None if editorial else owner["id"],
                "track_id": track_id,
            }
            for moment, track_id in added
        ]
        if not editorial:
            first_plain = plan["kind"] == "user_plain" and plan["index"] == 2
            extras = []
            if first_plain or rng.random() < 0.5:
                extras.append(self._local_item(owner["id"]))
            if first_plain or rng.random() < 0.3:
                extras.append(self._episode_item(owner["id"]))
            if first_plain or rng.random() < 0.4:
                extras.append(
                    {
                        "kind": "unavailable",
                        "added_at": _iso(
                            moments[0] if moments else datetime(2019, 5, 4, tzinfo=UTC)
                        ),
                        "added_by": None,
                    }
                )
            for extra in extras:
                items.insert(rng.randint(0, len(items)), extra)
        image = self._hex(24)
        return {
            "id": plan["id"],
            "name": plan["name"],
            "description": plan["description"],
            "owner": owner,
            "followers": rng.randint(400_000, 9_000_000) if editorial else rng.randint(0, 4_000),
            "public": True,
            "collaborative": False,
            "snapshot_id": base64.b64encode(
                f"{rng.randint(2, 900)},{self._hex(40)}".encode()
            ).decode(),
            "images": [
                {
                    "url": f"https://i.scdn.co/image/ab67706f00000002{image}",
                    "width": None,
                    "height": None,
                }
            ],
            "editorial": editorial,
            "items": items,
        }

    def _local_item(self, owner: str) -> dict:
        first, last = self.rng.choice(words.FIRST_NAMES), self.rng.choice(words.LAST_NAMES)
        return {
            "kind": "local",
            "added_at": _iso(
                datetime.combine(
                    self.today - timedelta(days=self.rng.randint(30, 900)), datetime.min.time(), UTC
                )
            ),
            "added_by": owner,
            "local": {
                "name": f"{self._title()} (demo v{self.rng.randint(2, 7)})",
                "artist": f"{first} {last}",
                "album": "",
                "duration_ms": self.rng.randint(90, 330) * 1000,
            },
        }

    def _episode_item(self, owner: str) -> dict:
        show_name, publisher = self.rng.choice(words.SHOWS)
        number = self.rng.randint(40, 260)
        released = self.today - timedelta(days=self.rng.randint(5, 400))
        episode = {
            "id": self._spotify_id(),
            "name": f"Ep. {number}: {self.rng.choice(words.EPISODE_TITLES)}",
            "description": "Conversations with the people who write the songs.",
            "show": {"id": self._spotify_id(), "name": show_name, "publisher": publisher},
            "duration_ms": self.rng.randint(18, 75) * 60_000,
            "release_date": released.isoformat(),
            "explicit": False,
        }
        self.episodes.append(episode)
        return {
            "kind": "episode",
            "added_at": _iso(
                datetime.combine(released, datetime.min.time(), UTC) + timedelta(hours=9)
            ),
            "added_by": owner,
            "episode_id": episode["id"],
        }

    # --- Chartmetric ---

    def _chartmetric_tracks(self, slots: list[_Slot], plans: list[dict]) -> None:
        rng = self.rng
        known = {p["index"] for p in plans if p["kind"] != "user_plain"}
        editorial = {p["index"] for p in plans if p["kind"] == "editorial"}
        for slot in slots:
            info = self.infos[slot.track_id]
            if info.chartmetric == "none":
                continue
            ordinary = info.chartmetric == "auto" and info.track["isrc"]
            if ordinary and not set(slot.playlists) & known and rng.random() < 0.35:
                continue  # Chartmetric covers the tracks of playlists it does not track only partly
            spotify_ids = [info.track["id"], *info.also_spotify_ids]
            self._cm_track(info, spotify_ids, len(set(slot.playlists) & editorial))
            if ordinary and rng.random() < 0.03:
                self._cm_track(info, [], 0)  # a stray second id for the ISRC, listing no Spotify id

    def _cm_artist(self, person: _Person) -> dict:
        key = person.spotify_artist_id
        if key not in self.cm_artist_ids:
            self.cm_artist_ids[key] = self._next("cm_artist", 1, 3000)
        return {"id": self.cm_artist_ids[key], "name": person.credit_name}

    def _cm_track(self, info: _TrackInfo, spotify_ids: list[str], editorial_count: int) -> dict:
        rng = self.rng
        track = info.track
        album = info.album
        released = (
            album["release_date"]
            + {"day": "", "month": "-01", "year": "-01-01"}[album["release_date_precision"]]
        )
        plays = track["plays"]
        stats_since = max(date.fromisoformat(released), self.today - timedelta(days=720))
        youtube = None
        if rng.random() < 0.8:
            youtube = dict(plays)
            youtube["start_count"] = int(plays["start_count"] * rng.uniform(0.05, 0.6))
            youtube["daily_increment"] = int(plays["daily_increment"] * rng.uniform(0.05, 0.5))
        moods = rng.sample(range(len(words.MOODS)), rng.randint(1, 3))
        activities = rng.sample(range(len(words.ACTIVITIES)), rng.randint(0, 3))
        writers = info.writers
        cm = {
            "id": self._next("cm_track", 1, 5000),
            "name": track["name"],
            "isrc": track["isrc"],
            "spotify_track_ids": spotify_ids,
            "artists": [self._cm_artist(p) for p in info.performers],
            "album_label": info.label,
            "release_date": released,
            "explicit": track["explicit"],
            "duration_ms": track["duration_ms"],
            "tempo": round(rng.uniform(70, 172), 1),
            "composer_name": ", ".join(w.credit_name for w in writers) or None,
            "songwriters": [
                {"id": w.cm_songwriter_id, "name": w.credit_name}
                for w in writers
                if w.cm_songwriter_id
            ],
            "moods": [{"id": i + 1, "name": words.MOODS[i]} for i in sorted(moods)],
            "activities": [{"id": i + 1, "name": words.ACTIVITIES[i]} for i in sorted(activities)],
            "tags": list(info.performers[0].genres),
            "score": round(rng.uniform(5, 95), 2),
            "playlist_reach": rng.randint(1_000, 40_000_000) if spotify_ids else 0,
            "spotify_playlist_count": rng.randint(1, 900) if spotify_ids else 0,
            "spotify_editorial_playlist_count": editorial_count + rng.randint(0, 6)
            if spotify_ids
            else 0,
            "spotify_popularity_rank": rng.randint(1, 250_000) if rng.random() < 0.9 else None,
            "stats_since": stats_since.isoformat(),
            "youtube_views": youtube,
        }
        self.cm_tracks.append(cm)
        return cm

    def _chartmetric_playlists(self, plans: list[dict], playlists: list[dict]) -> list[dict]:
        listed = {s for cm in self.cm_tracks for s in cm["spotify_track_ids"]}
        result = []
        for plan, playlist in zip(plans, playlists, strict=True):
            if plan["kind"] == "user_plain":
                continue
            current = [i["track_id"] for i in playlist["items"] if i["kind"] == "track"]
            others = sorted(listed - set(current))
            past = self.rng.sample(others, min(len(others), self.rng.randint(0, 3)))
            result.append(
                {
                    "id": self._next("cm_playlist", 1, 90_000),
                    "spotify_playlist_id": playlist["id"],
                    "track_ids": current,
                    "past_track_ids": past,
                }
            )
        return result


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write a deterministic sandbox catalog (JSON).")
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--playlists", type=int, default=DEMO_PLAYLISTS)
    parser.add_argument("--tracks", type=int, default=DEMO_TRACKS)
    parser.add_argument("--reference-date", type=date.fromisoformat, default=DEMO_REFERENCE_DATE)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = generate_catalog(args.seed, args.playlists, args.tracks, args.reference_date)
    text = catalog_json(data)
    elapsed = time.perf_counter() - started
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(
            f"{args.output}: {len(data['playlists'])} playlists, {len(data['tracks'])} tracks, "
            f"{len(text) // 1024} KiB in {elapsed:.2f} s",
            file=sys.stderr,
        )
    else:
        sys.stdout.write(text)
    return 0
