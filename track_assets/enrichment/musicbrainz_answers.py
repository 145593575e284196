"""MusicBrainz answers kept between phases, so what one phase asked another does not ask again.

The recordings phase asks, by ISRC, for the works of the track's recordings and their writers
while the credits and The MLC are being fetched; phase 4 starts from those answers (within the
static TTL) and asks MusicBrainz only what they do not hold. An ISRC's answer is kept as the
works with their writers' MBIDs ([] when MusicBrainz knows no recording of it), each writer as
an artist answer; `isrc_musicbrainz_works` keeps the same works as facts for identity.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from track_assets.db.records import IsrcMusicBrainzWork
from track_assets.db.repository import (
    musicbrainz_answers_since,
    replace_isrc_musicbrainz_works,
    store_musicbrainz_answers,
)
from track_assets.enrichment.songwriter_links import ArtistFacts, RecordingWork
from track_assets.services.musicbrainz.models import MbAlias, MbArtistRecord, MbUrlLink

ISRC_WORKS = "isrc_works"
ARTIST = "artist"


def store_recording_works(
    conn: Connection, works_by_isrc: Mapping[str, Sequence[RecordingWork]], *, now: datetime
) -> None:
    """Each ISRC's works as just looked up: the facts, and the answer with its writers."""
    for isrc, works in works_by_isrc.items():
        replace_isrc_musicbrainz_works(conn, isrc, isrc_work_rows(isrc, works, now), now=now)
    answers = {isrc: [_work_answer(w) for w in works] for isrc, works in works_by_isrc.items()}
    store_musicbrainz_answers(conn, ISRC_WORKS, answers, now=now)
    writers = {a.mbid: a for works in works_by_isrc.values() for w in works for a in w.writers}
    artists = {mbid: artist_answer(artist) for mbid, artist in writers.items()}
    store_musicbrainz_answers(conn, ARTIST, artists, now=now)


def recording_works_since(
    conn: Connection, isrcs: Iterable[str], *, since: datetime
) -> dict[str, tuple[RecordingWork, ...]]:
    """The kept works of each ISRC's recordings fetched after `since`, writers included; an ISRC
    whose answer or one of whose writers is not kept (or older) is left out."""
    answers = musicbrainz_answers_since(conn, ISRC_WORKS, isrcs, since=since)
    mbids = {m for works in answers.values() for w in works for m in w["writers"]}
    artists = {
        mbid: artist_from_answer(answer)
        for mbid, answer in musicbrainz_answers_since(conn, ARTIST, mbids, since=since).items()
    }
    found = {}
    for isrc, works in answers.items():
        if all(m in artists for w in works for m in w["writers"]):
            found[isrc] = tuple(_work_from_answer(w, artists) for w in works)
    return found


def isrc_work_rows(
    isrc: str, works: Iterable[RecordingWork], now: datetime
) -> list[IsrcMusicBrainzWork]:
    return [
        IsrcMusicBrainzWork(
            isrc=isrc,
            work_mbid=w.mbid,
            fetched_at=now,
            title=w.title,
            iswcs=list(w.iswcs),
            cover=w.cover,
        )
        for w in works
    ]


def artist_answer(artist: MbArtistRecord) -> dict:
    """The client's artist record as JSON, every field of it."""
    return dataclasses.asdict(artist)


def artist_from_answer(answer: Mapping) -> MbArtistRecord:
    fields = dict(answer)
    fields["ipis"] = tuple(fields["ipis"])
    fields["isnis"] = tuple(fields["isnis"])
    fields["aliases"] = tuple(MbAlias(**alias) for alias in fields["aliases"])
    fields["urls"] = tuple(MbUrlLink(**url) for url in fields["urls"])
    return MbArtistRecord(**fields)


def _work_answer(work: RecordingWork) -> dict:
    return {
        "mbid": work.mbid,
        "title": work.title,
        "iswcs": list(work.iswcs),
        "cover": work.cover,
        "writers": [a.mbid for a in work.writers],
    }


def _work_from_answer(answer: Mapping, artists: Mapping[str, ArtistFacts]) -> RecordingWork:
    return RecordingWork(
        mbid=answer["mbid"],
        title=answer["title"],
        iswcs=tuple(answer["iswcs"]),
        cover=answer["cover"],
        writers=tuple(artists[m] for m in answer["writers"]),
    )
