"""Playlists whose contents are hard, in a small generated sandbox catalog; one sandbox per
Spotify tier serving it, started on first use; and what a run changed in a database.

The playlists are written here by hand (`build_hard_catalog`): what each holds is the input a
test states its expectation about. Everything else in the catalog is the generator's.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from track_assets.db.tables import metadata
from track_assets.sandbox.catalog import Catalog, generate_catalog, load_catalog
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.database import connection

# Names no careful system changes: SQL text, emoji, a right-to-left script, combining accents
# (NFD: "e" + U+0301, not the precomposed "é"), CJK, a zero-width joiner inside an emoji, quotes.
SQL_TEXT = "'; DROP TABLE tracks; --"
UNUSUAL_PLAYLIST_NAME = "Summer '; DROP TABLE playlists; -- 🎧🔥 夏"
UNUSUAL_TRACK_NAMES = (
    f"{SQL_TEXT} (Remix)",
    "Cafe\u0301 del Mar 🌊 \u0645\u0631\u062d\u0628\u0627",
    'She said "hi" 👩\u200d🎤 \u97f3\u697d',
)
UNUSUAL_ARTIST_NAME = "Sigur R\u00f3s & \u0411\u0458\u043e\u0440\u043a \U0001f3b8 Robert'); --"

BIG_PLAYLIST_ITEMS = 10_000
BIG_PLAYLIST_TRACK_POSITIONS = (0, 2_500, 5_000, 7_500, 9_999)


def playlist_id(name: str) -> str:
    """A well-formed, readable Spotify id: `BadInput<name>` padded with zeros to 22."""
    value = f"BadInput{name}".ljust(22, "0")
    assert len(value) == 22 and value.isalnum(), value
    return value


PRIVATE = playlist_id("Private")
EMPTY = playlist_id("Empty")
ONLY_LOCAL = playlist_id("OnlyLocal")
ONLY_EPISODES = playlist_id("OnlyEpisodes")
MIXED = playlist_id("Mixed")
BIG = playlist_id("TenThousand")
UNUSUAL_NAMES = playlist_id("UnusualNames")
CHARTED = playlist_id("Charted")  # also in Chartmetric, whose copy is current
CHARTED_CHARTMETRIC_ID = 4_400_001


@dataclass(frozen=True)
class HardCatalog:
    """The catalog, and what the hand-made playlists hold: for each, its tracks in playlist
    order, each at the position of its first entry."""

    catalog: Catalog
    tracks: Mapping[str, tuple[tuple[int, str], ...]]  # playlist -> ((position, track id), ...)
    isrc: Mapping[str, str | None]  # track id -> the catalog's ISRC
    unusual_artist: str  # the Spotify artist id renamed to UNUSUAL_ARTIST_NAME

    def track_ids(self, playlist: str) -> list[str]:
        return [track_id for _, track_id in self.tracks.get(playlist, ())]


def build_hard_catalog() -> HardCatalog:
    """A 3-playlist, 20-track generated catalog, and the hard playlists added to it."""
    data = generate_catalog(seed=15, playlists=3, tracks=20)
    base = next(
        p for p in data["playlists"] if not p["id"].startswith("37i9") and _untracked(data, p)
    )
    charted = list(
        dict.fromkeys(t for cm in data["chartmetric"]["tracks"] for t in cm["spotify_track_ids"])
    )[:4]
    pool = [t["id"] for t in data["tracks"] if t["id"] not in charted]
    added_at = "2026-09-01T12:00:00Z"
    owner = base["owner"]["id"]

    def track(track_id: str) -> dict[str, Any]:
        return {"kind": "track", "added_at": added_at, "added_by": owner, "track_id": track_id}

    def local(n: int) -> dict[str, Any]:
        return {
            "kind": "local",
            "added_at": added_at,
            "added_by": owner,
            "local": {
                "name": f"Voice memo {n} (demo) 🎙",
                "artist": "Léa Dupont",
                "album": "",
                "duration_ms": 180_000 + n,
            },
        }

    def unavailable() -> dict[str, Any]:
        return {"kind": "unavailable", "added_at": added_at, "added_by": None}

    [first_episode] = data["episodes"][:1]
    episodes = [first_episode]
    for n in (1, 2):
        extra = copy.deepcopy(first_episode)
        extra["id"] = f"BadInputEpisode{n}".ljust(22, "0")
        extra["name"] = f"{first_episode['name']} (part {n + 1})"
        episodes.append(extra)
    data["episodes"] += episodes[1:]

    def episode(episode_id: str) -> dict[str, Any]:
        return {
            "kind": "episode",
            "added_at": added_at,
            "added_by": owner,
            "episode_id": episode_id,
        }

    mixed = [
        track(pool[0]),
        local(1),
        track(pool[1]),
        episode(episodes[0]["id"]),
        unavailable(),
        track(pool[2]),
        track(pool[0]),  # listed twice: kept once, at its first position
    ]
    big = [local(n) if n % 2 else unavailable() for n in range(BIG_PLAYLIST_ITEMS)]
    for n, position in enumerate(BIG_PLAYLIST_TRACK_POSITIONS):
        big[position] = track(pool[3 + n])
    unusual_tracks = pool[8:11]
    for track_data in data["tracks"]:
        if track_data["id"] in unusual_tracks:
            track_data["name"] = UNUSUAL_TRACK_NAMES[unusual_tracks.index(track_data["id"])]
    renamed = next(t for t in data["tracks"] if t["id"] == unusual_tracks[0])["artist_ids"][0]
    for artist in data["artists"]:
        if artist["id"] == renamed:
            artist["name"] = UNUSUAL_ARTIST_NAME

    hand_made = {
        PRIVATE: dict(items=[track(t) for t in pool[:3]], public=False),
        EMPTY: dict(items=[]),
        ONLY_LOCAL: dict(items=[local(n) for n in range(3)]),
        ONLY_EPISODES: dict(items=[episode(e["id"]) for e in episodes]),
        MIXED: dict(items=mixed),
        BIG: dict(items=big),
        UNUSUAL_NAMES: dict(items=[track(t) for t in unusual_tracks], name=UNUSUAL_PLAYLIST_NAME),
        CHARTED: dict(items=[track(t) for t in charted]),
    }
    data["chartmetric"]["playlists"].append(
        {
            "id": CHARTED_CHARTMETRIC_ID,
            "spotify_playlist_id": CHARTED,
            "track_ids": charted,
            "past_track_ids": [],
        }
    )
    tracks: dict[str, tuple[tuple[int, str], ...]] = {}
    for pid, fields in hand_made.items():
        playlist = copy.deepcopy(base)
        playlist.update(
            id=pid, name=f"Bad input: {pid}", snapshot_id=f"snapshot-{pid}", followers=3
        )
        playlist.update(fields)
        data["playlists"].append(playlist)
        first: dict[str, int] = {}
        for position, item in enumerate(playlist["items"]):
            if item["kind"] == "track":
                first.setdefault(item["track_id"], position)
        tracks[pid] = tuple((position, t) for t, position in first.items())
    catalog = load_catalog(data)  # the hand-made parts checked like any catalog file
    return HardCatalog(
        catalog=catalog,
        tracks=tracks,
        isrc={t["id"]: t["isrc"] for t in data["tracks"]},
        unusual_artist=renamed,
    )


def _untracked(data: dict[str, Any], playlist: dict[str, Any]) -> bool:
    return all(p["spotify_playlist_id"] != playlist["id"] for p in data["chartmetric"]["playlists"])


class TierSandboxes:
    """One full sandbox per Spotify tier on the same catalog, each announced in its own
    DAGSTER_HOME, started on first use and stopped by `close()`."""

    def __init__(self, catalog: Catalog, folder: Path) -> None:
        self.catalog = catalog
        self._folder = folder
        self._servers: dict[str, SandboxServer] = {}
        self._stack = ExitStack()

    def server(self, tier: str) -> SandboxServer:
        if tier not in self._servers:
            home = self.home(tier)
            home.mkdir(parents=True, exist_ok=True)
            options = SandboxOptions(
                seed=1, tier=tier, rate_limits="off", date=self.catalog.reference_date
            )
            self._servers[tier] = self._stack.enter_context(
                SandboxServer(all_emulators(), self.catalog, options, runtime_dir=home)
            )
        return self._servers[tier]

    def home(self, tier: str) -> Path:
        return self._folder / f"sandbox_{tier}"

    def close(self) -> None:
        self._stack.close()


# --- what a run changed in a database ------------------------------------------------------------


Rows = dict[str, frozenset[tuple[tuple[str, Any], ...]]]


def table_rows(url: str) -> Rows:
    """Every row of every track_assets table, as (column, value) pairs (a JSON value as its
    canonical text)."""
    with connection(url) as conn:
        return {
            table.name: frozenset(
                tuple((column, _hashable(value)) for column, value in row._mapping.items())
                for row in conn.execute(select(table))
            )
            for table in metadata.sorted_tables
        }


def _hashable(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, default=str)
    return value


@dataclass(frozen=True)
class Changes:
    """What a run did to the rows that were there (`changed`: gone or rewritten) and which rows
    it added, by table."""

    changed: dict[str, frozenset]
    added: dict[str, list[dict[str, Any]]]

    def added_values(self, table: str, column: str) -> list[Any]:
        return [row[column] for row in self.added.get(table, [])]

    def tracks_referenced(self) -> set[str]:
        """The tracks every added row names (its `track_id` or `spotify_track_id`)."""
        return {
            row.get("track_id", row.get("spotify_track_id"))
            for rows in self.added.values()
            for row in rows
            if row.get("track_id", row.get("spotify_track_id")) is not None
        }


def changes(before: Rows, after: Rows) -> Changes:
    changed = {name: rows - after[name] for name, rows in before.items() if rows - after[name]}
    added = {
        name: [dict(row) for row in after[name] - before.get(name, frozenset())]
        for name in after
        if after[name] - before.get(name, frozenset())
    }
    return Changes(changed, added)


def requests_to(requests: Mapping[str, Mapping[str, int]], endpoint: str) -> int:
    """How many requests a sandbox counted for `endpoint`, whatever their status."""
    return sum(requests.get(endpoint, {}).values())


def rows_of(rows: Rows, table: str, key: str) -> dict[Any, dict[str, Any]]:
    """A table's rows by the value of their `key` column."""
    return {dict(row)[key]: dict(row) for row in rows[table]}


@contextmanager
def hard_sandboxes(folder: Path) -> Iterator[tuple[HardCatalog, TierSandboxes]]:
    """The catalog and its sandboxes (each started on first use, all stopped at the end)."""
    hard = build_hard_catalog()
    sandboxes = TierSandboxes(hard.catalog, folder)
    try:
        yield hard, sandboxes
    finally:
        sandboxes.close()
