"""Ground truth: what a perfect pipeline finds for each playlist track, and which cases it hits.

The rules are written out in docs/sandbox-catalog.md ("How ground truth is decided"). They are
computed from the catalog alone, so a hand-written catalog has a ground truth too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from urllib.parse import urlsplit

from track_assets.sandbox.catalog.model import (
    MB_WRITER_RELATION_TYPES,
    ROLE_PERFORMERS,
    Catalog,
    ChartmetricTrack,
    CmRef,
    Contributor,
    ItemKind,
    MbArtist,
    MlcWork,
    Track,
)
from track_assets.sandbox.catalog.names import name_tokens, normalise_name, normalise_title
from track_assets.sandbox.catalog.timeseries import (
    ChartmetricMetric,
    chartmetric_value_on,
    is_viral,
    play_count_on,
    popularity_on,
)

# Phase 4 looks up at most this many writers per track
# (docs/architecture.md#phase-4-musicbrainz-social-links).
MUSICBRAINZ_WRITERS_PER_TRACK = 3
SIGNED_MIN_KNOWN_SHARE = Decimal("99.5")


class Tier(StrEnum):
    """Spotify Web API access tier of the pipeline's app."""

    EXTENDED = "extended"
    DEVELOPMENT = "development"


class Source(StrEnum):
    SPOTIFY_API = "spotify_api"
    WEB_PLAYER = "web_player"


class MlcStatus(StrEnum):
    SIGNED = "signed"
    UNSIGNED = "unsigned"
    SPLIT = "split"


class MlcReason(StrEnum):
    """Why a track has no MLC status (never "unsigned": absence is often registration lag)."""

    NO_ISRC = "no_isrc"
    NO_WRITERS = "no_writers"  # phase 3 needs at least one credited writer
    NOT_FOUND = "not_found"  # no MLC recording for the ISRC
    NOT_LINKED = "not_linked"  # recordings, but none carries a song code
    AMBIGUOUS = "ambiguous"  # several works and none agrees best with the track


class MbMatch(StrEnum):
    EVIDENCE = "evidence"  # ISRC -> recording -> work -> writer relationship
    IDENTIFIER = "identifier"  # a name candidate whose IPI is a writer's of the ISRC's MLC work
    SPOTIFY_URL = "spotify_url"  # the one artist with a current URL to the writer's Spotify page
    WORK_ISWC = "work_iswc"  # a name candidate who wrote the work with the MLC work's ISWC
    NAME_CORROBORATED = "name_corroborated"  # name/alias match, writer of a work with this title
    AMBIGUOUS = "ambiguous"  # name/alias candidates, none (or several) confirmed: no links
    NOT_FOUND = "not_found"

    @property
    def linked(self) -> bool:
        return self not in (MbMatch.AMBIGUOUS, MbMatch.NOT_FOUND)


# A title this many MusicBrainz works carry (as the work search counts them: the title's words
# as a phrase) identifies no work, so it corroborates no namesake.
GENERIC_TITLE_MIN_WORKS = 5


class LinkPlatform(StrEnum):
    INSTAGRAM = "instagram"
    TWITTER = "twitter"
    TIKTOK = "tiktok"
    YOUTUBE = "youtube"
    FACEBOOK = "facebook"
    SOUNDCLOUD = "soundcloud"
    BANDCAMP = "bandcamp"
    WEBSITE = "website"
    WIKIPEDIA = "wikipedia"
    WIKIDATA = "wikidata"
    OTHER = "other"


class CmMethod(StrEnum):
    ISRC = "isrc"  # get-ids by ISRC
    SPOTIFY_ID = "spotify_id"  # get-ids by Spotify track id (no ISRC match)


class CmReason(StrEnum):
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"  # several ids for the ISRC, none (or several) listing our track


class Case(StrEnum):
    """Situations the demo catalog must contain; tests count them."""

    # playlists and their items
    EDITORIAL_PLAYLIST = "editorial_playlist"
    PLAYLIST_KNOWN_TO_CHARTMETRIC = "playlist_known_to_chartmetric"
    PLAYLIST_UNKNOWN_TO_CHARTMETRIC = "playlist_unknown_to_chartmetric"
    LOCAL_FILE_ITEM = "local_file_item"
    EPISODE_ITEM = "episode_item"
    UNAVAILABLE_ITEM = "unavailable_item"
    # Spotify tracks
    SHARED_BETWEEN_PLAYLISTS = "shared_between_playlists"
    IN_EDITORIAL_PLAYLIST = "in_editorial_playlist"
    RELINKED = "relinked"
    SHARED_ISRC = "shared_isrc"  # another Spotify id has the same ISRC
    NO_ISRC = "no_isrc"
    VIRAL = "viral"
    STEADY = "steady"
    # credits
    NO_CREDITS = "no_credits"  # no Writers group
    NAME_ONLY_WRITER = "name_only_writer"
    WRITER_WITH_SPOTIFY_URI = "writer_with_spotify_uri"
    # The MLC
    MLC_SIGNED = "mlc_signed"
    MLC_SIGNED_ROUNDED_SHARES = "mlc_signed_rounded_shares"  # e.g. 3 x 33.33
    MLC_SPLIT = "mlc_split"
    MLC_UNSIGNED = "mlc_unsigned"
    MLC_SHARE_ON_ADMINISTRATOR = "mlc_share_on_administrator"  # like SB5VH7
    MLC_PARTIAL_SHARE = "mlc_partial_share"  # all writers represented, known < 99.5 (MA0PFZ)
    MLC_WRITER_WITHOUT_PUBLISHER = "mlc_writer_without_publisher"
    MLC_NO_PUBLISHERS = "mlc_no_publishers"
    MLC_WRITER_WITHOUT_IPI = "mlc_writer_without_ipi"
    MLC_NOT_FOUND = "mlc_not_found"
    MLC_NOT_LINKED = "mlc_not_linked"
    MLC_SEVERAL_WORKS = "mlc_several_works"
    # MusicBrainz
    MB_EVIDENCE = "mb_evidence"
    MB_SPOTIFY_URL = "mb_spotify_url"
    MB_NAME_CORROBORATED = "mb_name_corroborated"
    MB_AMBIGUOUS = "mb_ambiguous"
    MB_NOT_FOUND = "mb_not_found"
    MB_ALIAS = "mb_alias"  # linked through an alias, not the artist's name
    MB_NAMESAKES = "mb_namesakes"  # several MusicBrainz artists share the writer's name
    MB_ENDED_LINK = "mb_ended_link"  # the linked artist has ended URL relationships
    # Chartmetric
    CM_FOUND = "cm_found"
    CM_NOT_FOUND = "cm_not_found"
    CM_SEVERAL_IDS = "cm_several_ids"  # the ISRC maps to several Chartmetric ids
    CM_BY_SPOTIFY_ID = "cm_by_spotify_id"


# --- expected records -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExpectedArtist:
    id: str
    name: str
    genres: tuple[str, ...] | None  # None: not available in this tier
    popularity: int | None
    followers: int
    monthly_listeners: int


@dataclass(frozen=True)
class ExpectedMetadata:
    """Spotify metadata of a track as a perfect pipeline of one tier finds it."""

    tier: Tier
    name: str
    isrc: str | None
    duration_ms: int
    explicit: bool
    track_number: int
    album_id: str
    album_name: str
    album_type: str
    release_date: str
    release_date_precision: str
    album_image_url: str | None  # the widest image
    label: str
    label_source: Source  # extended: Web API album; development: pathfinder getAlbum
    popularity: int | None  # None in development (removed from the Web API)
    artists: tuple[ExpectedArtist, ...]
    followers_source: Source  # extended: Web API; development: queryArtistOverview
    relinked_to: str | None  # what `linked_from` reveals with a market (extended only)


@dataclass(frozen=True)
class ExpectedCredit:
    name: str
    spotify_artist_id: str | None
    subroles: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedCredits:
    performers: tuple[ExpectedCredit, ...]
    writers: tuple[ExpectedCredit, ...]
    producers: tuple[ExpectedCredit, ...]
    composers: tuple[str, ...]
    lyricists: tuple[str, ...]
    source_names: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedMlcWriter:
    name: str
    ipi: str | None
    represented: bool  # some publisher of the work represents this writer


@dataclass(frozen=True)
class ExpectedMlcPublisher:
    name: str
    ipi: str | None
    collection_share: Decimal
    administrators: tuple[str, ...]
    known_share: Decimal  # its share, or its administrators' when its own is 0


@dataclass(frozen=True)
class ExpectedMlc:
    status: MlcStatus | None
    reason: MlcReason | None
    song_code: str | None = None
    iswc: str | None = None
    work_title: str | None = None
    known_share: Decimal | None = None
    writers: tuple[ExpectedMlcWriter, ...] = ()
    publishers: tuple[ExpectedMlcPublisher, ...] = ()
    candidate_song_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExpectedWriterLink:
    """MusicBrainz outcome for one credited writer; `links` only when linked, ended ones left out."""

    writer_name: str
    match: MbMatch
    mbid: str | None
    via_alias: bool
    candidate_mbids: tuple[str, ...]
    links: Mapping[LinkPlatform, tuple[str, ...]]
    ended_links: tuple[str, ...]


@dataclass(frozen=True)
class ExpectedChartmetric:
    chartmetric_id: int | None
    method: CmMethod | None
    reason: CmReason | None
    candidate_ids: tuple[int, ...] = ()
    moods: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()
    composer_name: str | None = None
    songwriters: tuple[CmRef, ...] = ()
    tags: tuple[str, ...] = ()
    album_label: str | None = None
    playlist_reach: int | None = None
    spotify_playlist_count: int | None = None
    spotify_editorial_playlist_count: int | None = None
    spotify_popularity_rank: int | None = None
    score: float | None = None
    spotify_popularity: int | None = None  # on the truth date
    spotify_streams: int | None = None  # on the truth date (plans without streams: not in plan)
    youtube_views: int | None = None  # on the truth date


@dataclass(frozen=True)
class ExpectedTrack:
    spotify_track_id: str
    on: date
    playlist_ids: tuple[str, ...]
    isrc: str | None
    metadata: Mapping[Tier, ExpectedMetadata]
    credits: ExpectedCredits
    play_count: int  # on `on`
    viral: bool
    mlc: ExpectedMlc
    musicbrainz: tuple[ExpectedWriterLink, ...]  # the first MUSICBRAINZ_WRITERS_PER_TRACK writers
    chartmetric: ExpectedChartmetric
    cases: frozenset[Case]


@dataclass(frozen=True)
class SkippedItem:
    """A playlist entry the pipeline must skip: no Spotify track id."""

    playlist_id: str
    position: int
    kind: ItemKind


# --- the ground truth -------------------------------------------------------------------------


def ground_truth(catalog: Catalog, on: date | None = None) -> dict[str, ExpectedTrack]:
    """Per Spotify track id on some playlist: what a perfect pipeline finds on date `on`
    (default: the catalog's reference date)."""
    day = on or catalog.reference_date
    truth = {}
    for track_id, playlist_ids in catalog.playlist_ids_by_track_id.items():
        track = catalog.tracks_by_id[track_id]
        credits = expected_credits(track)
        mlc = expected_mlc(catalog, track)
        links = expected_writer_links(catalog, track)
        chartmetric = expected_chartmetric(catalog, track, day)
        expected = ExpectedTrack(
            spotify_track_id=track_id,
            on=day,
            playlist_ids=playlist_ids,
            isrc=track.isrc,
            metadata={tier: expected_metadata(catalog, track, tier, day) for tier in Tier},
            credits=credits,
            play_count=play_count_on(track, day),
            viral=is_viral(track),
            mlc=mlc,
            musicbrainz=links,
            chartmetric=chartmetric,
            cases=frozenset(),
        )
        truth[track_id] = _with_cases(catalog, track, expected)
    return truth


def expected_metadata(catalog: Catalog, track: Track, tier: Tier, day: date) -> ExpectedMetadata:
    album = catalog.albums_by_id[track.album_id]
    extended = tier is Tier.EXTENDED
    widest = max(album.images, key=lambda i: i.width or 0, default=None)
    artists = tuple(
        ExpectedArtist(
            id=a.id,
            name=a.name,
            genres=a.genres if extended else None,
            popularity=a.popularity if extended else None,
            followers=a.followers,
            monthly_listeners=a.monthly_listeners,
        )
        for a in (catalog.artists_by_id[i] for i in track.artist_ids)
    )
    return ExpectedMetadata(
        tier=tier,
        name=track.name,
        isrc=track.isrc,
        duration_ms=track.duration_ms,
        explicit=track.explicit,
        track_number=track.track_number,
        album_id=album.id,
        album_name=album.name,
        album_type=album.album_type,
        release_date=album.release_date,
        release_date_precision=album.release_date_precision.value,
        album_image_url=widest.url if widest else None,
        label=album.label,
        label_source=Source.SPOTIFY_API if extended else Source.WEB_PLAYER,
        popularity=popularity_on(track, day) if extended else None,
        artists=artists,
        followers_source=Source.SPOTIFY_API if extended else Source.WEB_PLAYER,
        relinked_to=track.relinked_to if extended else None,
    )


def _credit(person: Contributor) -> ExpectedCredit:
    return ExpectedCredit(person.name, person.artist_id, person.subroles)


def expected_credits(track: Track) -> ExpectedCredits:
    credits = track.credits
    performers = credits.group(ROLE_PERFORMERS)
    writers = credits.writers
    producers = [*credits.producers]
    for group in credits.role_groups:
        for person in group.contributors:
            if "producer" in person.subroles and person not in producers:
                producers.append(person)
    return ExpectedCredits(
        performers=tuple(_credit(p) for p in (performers.contributors if performers else ())),
        writers=tuple(_credit(p) for p in writers),
        producers=tuple(_credit(p) for p in producers),
        composers=tuple(p.name for p in writers if "composer" in p.subroles),
        lyricists=tuple(p.name for p in writers if "lyricist" in p.subroles),
        source_names=credits.source_names,
    )


# --- The MLC ----------------------------------------------------------------------------------


def publisher_known_share(work: MlcWork) -> Decimal:
    """Sum of publishers' shares; a publisher at 0 counts its administrators' shares (SB5VH7)."""
    total = Decimal(0)
    for publisher in work.publishers:
        share = publisher.collection_share
        if share == 0:
            share = sum((a.collection_share for a in publisher.administrators), Decimal(0))
        total += share
    return total


def mlc_status_for_work(work: MlcWork) -> MlcStatus:
    """signed: known >= 99.5 and every writer represented; unsigned: no publisher or 0 known;
    split: anything in between."""
    known = publisher_known_share(work)
    if not work.publishers or known == 0:
        return MlcStatus.UNSIGNED
    represented = {w for p in work.publishers for w in p.writer_ids}
    if known >= SIGNED_MIN_KNOWN_SHARE and all(w.writer_id in represented for w in work.writers):
        return MlcStatus.SIGNED
    return MlcStatus.SPLIT


def _work_agreement(work: MlcWork, track: Track) -> tuple[int, int]:
    """(title agrees, number of credited writers found among the work's writers)."""
    titles = {normalise_title(t) for t in (work.title, *work.alternative_titles)}
    title_agrees = int(normalise_title(track.name) in titles)
    work_writers = {name_tokens(w.full_name) for w in work.writers}
    writer_matches = sum(name_tokens(p.name) in work_writers for p in track.credits.writers)
    return title_agrees, writer_matches


def choose_mlc_work(works: list[MlcWork], track: Track) -> MlcWork | None:
    """Of several works for one ISRC, the one whose title and writers agree best with the
    track; None when none agrees at all or two agree equally."""
    ranked = sorted(
        ((_work_agreement(w, track), w) for w in works), key=lambda x: x[0], reverse=True
    )
    best_score, best = ranked[0]
    if best_score == (0, 0) or (len(ranked) > 1 and ranked[1][0] == best_score):
        return None
    return best


def expected_mlc(catalog: Catalog, track: Track) -> ExpectedMlc:
    if not track.isrc:
        return ExpectedMlc(None, MlcReason.NO_ISRC)
    if not track.credits.writers:
        return ExpectedMlc(None, MlcReason.NO_WRITERS)
    recordings = catalog.mlc_recordings_by_isrc.get(track.isrc, ())
    if not recordings:
        return ExpectedMlc(None, MlcReason.NOT_FOUND)
    codes = list(dict.fromkeys(r.song_code for r in recordings if r.song_code))
    if not codes:
        return ExpectedMlc(None, MlcReason.NOT_LINKED)
    works = [catalog.mlc_works_by_song_code[c] for c in codes]
    work = works[0] if len(works) == 1 else choose_mlc_work(works, track)
    if work is None:
        return ExpectedMlc(None, MlcReason.AMBIGUOUS, candidate_song_codes=tuple(codes))
    represented = {w for p in work.publishers for w in p.writer_ids}
    publishers = []
    for p in work.publishers:
        admin_share = sum((a.collection_share for a in p.administrators), Decimal(0))
        publishers.append(
            ExpectedMlcPublisher(
                name=p.name,
                ipi=p.ipi,
                collection_share=p.collection_share,
                administrators=tuple(a.name for a in p.administrators),
                known_share=p.collection_share if p.collection_share else admin_share,
            )
        )
    return ExpectedMlc(
        status=mlc_status_for_work(work),
        reason=None,
        song_code=work.song_code,
        iswc=work.iswc,
        work_title=work.title,
        known_share=publisher_known_share(work),
        writers=tuple(
            ExpectedMlcWriter(w.full_name, w.ipi, w.writer_id in represented) for w in work.writers
        ),
        publishers=tuple(publishers),
        candidate_song_codes=tuple(codes),
    )


# --- MusicBrainz ------------------------------------------------------------------------------


def classify_link(resource: str, relation_type: str) -> LinkPlatform:
    """The platform of an artist URL: by host first (all social networks share one type),
    then "official homepage" -> website; everything else is other."""
    host = (urlsplit(resource).hostname or "").lower()
    for prefix in ("www.", "m.", "mobile."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
    by_host = {
        "instagram.com": LinkPlatform.INSTAGRAM,
        "twitter.com": LinkPlatform.TWITTER,
        "x.com": LinkPlatform.TWITTER,
        "tiktok.com": LinkPlatform.TIKTOK,
        "youtube.com": LinkPlatform.YOUTUBE,
        "youtu.be": LinkPlatform.YOUTUBE,
        "facebook.com": LinkPlatform.FACEBOOK,
        "fb.com": LinkPlatform.FACEBOOK,
        "soundcloud.com": LinkPlatform.SOUNDCLOUD,
        "wikidata.org": LinkPlatform.WIKIDATA,
    }
    if host in by_host:
        return by_host[host]
    if host == "bandcamp.com" or host.endswith(".bandcamp.com"):
        return LinkPlatform.BANDCAMP
    if host.endswith("wikipedia.org"):
        return LinkPlatform.WIKIPEDIA
    if relation_type == "official homepage":
        return LinkPlatform.WEBSITE
    return LinkPlatform.OTHER


def artist_links(artist: MbArtist) -> dict[LinkPlatform, tuple[str, ...]]:
    """Current (not ended) URL relationships by platform, in catalog order."""
    links: dict[LinkPlatform, list[str]] = {}
    for url in artist.urls:
        if not url.ended:
            links.setdefault(classify_link(url.resource, url.type), []).append(url.resource)
    return {platform: tuple(urls) for platform, urls in links.items()}


def _names(artist: MbArtist) -> set[str]:
    return {normalise_name(artist.name), *(normalise_name(a.name) for a in artist.aliases)}


def spotify_artist_url(artist_id: str) -> str:
    """The canonical form MusicBrainz stores for a Spotify artist page."""
    return f"https://open.spotify.com/artist/{artist_id}"


def _mlc_writer_ipis(catalog: Catalog, track: Track) -> set[str]:
    """IPIs of the writers of every MLC work a recording of the track's ISRC is linked to."""
    codes = {r.song_code for r in catalog.mlc_recordings_by_isrc.get(track.isrc or "", ())}
    return {
        _digits(w.ipi)
        for code in codes
        if code and code in catalog.mlc_works_by_song_code
        for w in catalog.mlc_works_by_song_code[code].writers
        if w.ipi
    }


def _digits(code: str) -> str:
    return "".join(c for c in code if c.isdigit()).zfill(11)


def _iswc(code: str | None) -> str | None:
    return "".join(c for c in (code or "").upper() if c.isalnum()) or None


def _works_titled(catalog: Catalog, title: str) -> int:
    """How many MusicBrainz works the work search finds for this title: its words in a row."""
    words = name_tokens(normalise_title(title))
    count = 0
    for have in catalog.mb_work_title_tokens:
        if words and words[0] not in have:  # cheap and common: no match can start anywhere
            continue
        if any(have[i : i + len(words)] == words for i in range(len(have) - len(words) + 1)):
            count += 1
    return count


def _writer_match(
    catalog: Catalog, track: Track, person: Contributor
) -> tuple[MbMatch, MbArtist | None, tuple[MbArtist, ...]]:
    key = normalise_name(person.name)
    mlc = expected_mlc(catalog, track)
    mlc_iswc = _iswc(mlc.iswc)
    matched = next(
        (w for w in mlc.writers if name_tokens(w.name) == name_tokens(person.name)), None
    )
    credit_ipi = _digits(matched.ipi) if matched and matched.ipi else None

    def contradicted(artist: MbArtist) -> bool:
        ipis = {_digits(i) for i in artist.ipis}
        return bool(credit_ipi and ipis and credit_ipi not in ipis)

    def other_work(iswcs: tuple[str, ...]) -> bool:
        known = {_iswc(i) for i in iswcs} - {None}
        return bool(known and mlc_iswc and mlc_iswc not in known)

    # 1. Evidence: ISRC -> recording -> work -> composer/lyricist/writer relationship (a work
    #    whose ISWC is not the MLC work's is another work).
    if track.isrc:
        writers: dict[str, MbArtist] = {}
        for recording in catalog.mb_recordings_by_isrc.get(track.isrc, ()):
            for work_mbid in recording.work_mbids:
                work = catalog.mb_works_by_mbid[work_mbid]
                if other_work(work.iswcs):
                    continue
                for relation in work.writers:
                    if relation.type in MB_WRITER_RELATION_TYPES:
                        artist = catalog.mb_artists_by_mbid[relation.artist_mbid]
                        writers.setdefault(artist.mbid, artist)
        matches = [a for a in writers.values() if key in _names(a) and not contradicted(a)]
        if len(matches) == 1:
            return MbMatch.EVIDENCE, matches[0], tuple(matches)
    # 2. The writer's Spotify page, linked from exactly one artist by a current relationship.
    if person.artist_id:
        url = spotify_artist_url(person.artist_id)
        linked = [
            a
            for a in catalog.mb_artists_by_url.get(url, ())
            if any(u.resource == url and not u.ended for u in a.urls)
        ]
        if len(linked) == 1 and not contradicted(linked[0]):
            return MbMatch.SPOTIFY_URL, linked[0], tuple(linked)
    # 3. Name or alias, corroborated by (strongest first) an IPI on the ISRC's MLC works, a work
    #    with the MLC work's ISWC, or a work with the track's title when that title is rare.
    candidates = catalog.mb_artists_named(person.name)
    if not candidates:
        return MbMatch.NOT_FOUND, None, ()
    usable = [a for a in candidates if not contradicted(a)]
    work_ipis = _mlc_writer_ipis(catalog, track)
    title = normalise_title(track.name)
    generic = _works_titled(catalog, track.name) >= GENERIC_TITLE_MIN_WORKS
    levels = (
        (MbMatch.IDENTIFIER, lambda a: bool({_digits(i) for i in a.ipis} & work_ipis)),
        (
            MbMatch.WORK_ISWC,
            lambda a: (
                bool(mlc_iswc)
                and any(
                    mlc_iswc in {_iswc(i) for i in w.iswcs}
                    for w in catalog.mb_works_by_writer.get(a.mbid, ())
                )
            ),
        ),
        (
            MbMatch.NAME_CORROBORATED,
            lambda a: (
                not generic
                and any(
                    normalise_title(w.title) == title and not other_work(w.iswcs)
                    for w in catalog.mb_works_by_writer.get(a.mbid, ())
                )
            ),
        ),
    )
    left = list(usable)
    for match, corroborates in levels:
        confirmed = [a for a in left if corroborates(a)]
        if len(confirmed) == 1:
            return match, confirmed[0], candidates
        if confirmed:
            break
    return MbMatch.AMBIGUOUS, None, candidates


def credited_writers(track: Track) -> tuple[Contributor, ...]:
    """The distinct writers phase 4 looks up: the first few names of the Writers group."""
    seen: dict[str, Contributor] = {}
    for person in track.credits.writers:
        seen.setdefault(normalise_name(person.name), person)
    return tuple(seen.values())[:MUSICBRAINZ_WRITERS_PER_TRACK]


def expected_writer_links(catalog: Catalog, track: Track) -> tuple[ExpectedWriterLink, ...]:
    results = []
    for person in credited_writers(track):
        match, artist, candidates = _writer_match(catalog, track, person)
        key = normalise_name(person.name)
        results.append(
            ExpectedWriterLink(
                writer_name=person.name,
                match=match,
                mbid=artist.mbid if artist else None,
                via_alias=bool(artist)
                and key != normalise_name(artist.name)
                and key in _names(artist),
                candidate_mbids=tuple(a.mbid for a in candidates),
                links=artist_links(artist) if artist else {},
                ended_links=tuple(u.resource for u in artist.urls if u.ended) if artist else (),
            )
        )
    return tuple(results)


# --- Chartmetric ------------------------------------------------------------------------------


def choose_chartmetric_track(
    catalog: Catalog, track: Track
) -> tuple[ChartmetricTrack | None, CmMethod | None, CmReason | None, tuple[int, ...]]:
    """ISRC first (several ids: the one whose Spotify ids include ours), else the Spotify id."""
    candidates = catalog.chartmetric_ids_by_isrc.get(track.isrc, ()) if track.isrc else ()
    if candidates:
        if len(candidates) == 1:
            return catalog.cm_tracks_by_id[candidates[0]], CmMethod.ISRC, None, candidates
        listing = [
            c for c in candidates if track.id in catalog.cm_tracks_by_id[c].spotify_track_ids
        ]
        if len(listing) == 1:
            return catalog.cm_tracks_by_id[listing[0]], CmMethod.ISRC, None, candidates
        return None, None, CmReason.AMBIGUOUS, candidates
    by_spotify = catalog.chartmetric_ids_by_spotify_id.get(track.id, ())
    if len(by_spotify) == 1:
        return catalog.cm_tracks_by_id[by_spotify[0]], CmMethod.SPOTIFY_ID, None, by_spotify
    if by_spotify:
        return None, None, CmReason.AMBIGUOUS, by_spotify
    return None, None, CmReason.NOT_FOUND, ()


def expected_chartmetric(catalog: Catalog, track: Track, day: date) -> ExpectedChartmetric:
    cm_track, method, reason, candidates = choose_chartmetric_track(catalog, track)
    if cm_track is None:
        return ExpectedChartmetric(None, None, reason, candidate_ids=candidates)

    def value(metric: ChartmetricMetric) -> int | None:
        return chartmetric_value_on(catalog, cm_track, metric, day)

    return ExpectedChartmetric(
        chartmetric_id=cm_track.id,
        method=method,
        reason=None,
        candidate_ids=candidates,
        moods=tuple(m.name for m in cm_track.moods),
        activities=tuple(a.name for a in cm_track.activities),
        composer_name=cm_track.composer_name,
        songwriters=cm_track.songwriters,
        tags=cm_track.tags,
        album_label=cm_track.album_label,
        playlist_reach=cm_track.playlist_reach,
        spotify_playlist_count=cm_track.spotify_playlist_count,
        spotify_editorial_playlist_count=cm_track.spotify_editorial_playlist_count,
        spotify_popularity_rank=cm_track.spotify_popularity_rank,
        score=cm_track.score,
        spotify_popularity=value(ChartmetricMetric.SPOTIFY_POPULARITY),
        spotify_streams=value(ChartmetricMetric.SPOTIFY_STREAMS),
        youtube_views=value(ChartmetricMetric.YOUTUBE_VIEWS),
    )


# --- cases ------------------------------------------------------------------------------------


def _mlc_cases(catalog: Catalog, track: Track, mlc: ExpectedMlc) -> set[Case]:
    cases: set[Case] = set()
    reasons = {
        MlcReason.NOT_FOUND: Case.MLC_NOT_FOUND,
        MlcReason.NOT_LINKED: Case.MLC_NOT_LINKED,
    }
    if mlc.reason in reasons:
        cases.add(reasons[mlc.reason])
    if len(mlc.candidate_song_codes) > 1:
        cases.add(Case.MLC_SEVERAL_WORKS)
    if mlc.status is None:
        return cases
    cases.add(
        {MlcStatus.SIGNED: Case.MLC_SIGNED, MlcStatus.SPLIT: Case.MLC_SPLIT}.get(
            mlc.status, Case.MLC_UNSIGNED
        )
    )
    work = catalog.mlc_works_by_song_code[mlc.song_code]
    known = mlc.known_share or Decimal(0)
    if mlc.status is MlcStatus.SIGNED and known < 100:
        cases.add(Case.MLC_SIGNED_ROUNDED_SHARES)
    if not work.publishers:
        cases.add(Case.MLC_NO_PUBLISHERS)
    if any(p.collection_share == 0 and p.known_share > 0 for p in mlc.publishers):
        cases.add(Case.MLC_SHARE_ON_ADMINISTRATOR)
    all_represented = all(w.represented for w in mlc.writers)
    if work.publishers and 0 < known < SIGNED_MIN_KNOWN_SHARE and all_represented:
        cases.add(Case.MLC_PARTIAL_SHARE)
    if work.publishers and known > 0 and not all_represented:
        cases.add(Case.MLC_WRITER_WITHOUT_PUBLISHER)
    if any(w.ipi is None for w in mlc.writers):
        cases.add(Case.MLC_WRITER_WITHOUT_IPI)
    return cases


def _with_cases(catalog: Catalog, track: Track, expected: ExpectedTrack) -> ExpectedTrack:
    cases: set[Case] = set()
    playlists = [catalog.playlists_by_id[p] for p in expected.playlist_ids]
    if len(playlists) > 1:
        cases.add(Case.SHARED_BETWEEN_PLAYLISTS)
    if any(p.editorial for p in playlists):
        cases.add(Case.IN_EDITORIAL_PLAYLIST)
    if track.relinked_to:
        cases.add(Case.RELINKED)
    if not track.isrc:
        cases.add(Case.NO_ISRC)
    elif len(catalog.tracks_by_isrc[track.isrc]) > 1:
        cases.add(Case.SHARED_ISRC)
    cases.add(Case.VIRAL if expected.viral else Case.STEADY)
    writers = track.credits.writers
    if not writers:
        cases.add(Case.NO_CREDITS)
    if any(p.artist_id is None for p in writers):
        cases.add(Case.NAME_ONLY_WRITER)
    if any(p.artist_id for p in writers):
        cases.add(Case.WRITER_WITH_SPOTIFY_URI)
    cases |= _mlc_cases(catalog, track, expected.mlc)
    by_match = {
        MbMatch.EVIDENCE: Case.MB_EVIDENCE,
        MbMatch.SPOTIFY_URL: Case.MB_SPOTIFY_URL,
        # A name candidate corroborated by the track's MLC work (IPI, ISWC) or by its title.
        MbMatch.IDENTIFIER: Case.MB_NAME_CORROBORATED,
        MbMatch.WORK_ISWC: Case.MB_NAME_CORROBORATED,
        MbMatch.NAME_CORROBORATED: Case.MB_NAME_CORROBORATED,
        MbMatch.AMBIGUOUS: Case.MB_AMBIGUOUS,
        MbMatch.NOT_FOUND: Case.MB_NOT_FOUND,
    }
    for link in expected.musicbrainz:
        cases.add(by_match[link.match])
        if link.via_alias:
            cases.add(Case.MB_ALIAS)
        if link.match.linked and link.ended_links:
            cases.add(Case.MB_ENDED_LINK)
        if len(catalog.mb_artists_named(link.writer_name)) > 1:
            cases.add(Case.MB_NAMESAKES)
    chartmetric = expected.chartmetric
    if chartmetric.chartmetric_id is not None:
        cases.add(Case.CM_FOUND)
        if chartmetric.method is CmMethod.SPOTIFY_ID:
            cases.add(Case.CM_BY_SPOTIFY_ID)
    elif chartmetric.reason is CmReason.NOT_FOUND:
        cases.add(Case.CM_NOT_FOUND)
    if track.isrc and len(catalog.chartmetric_ids_by_isrc.get(track.isrc, ())) > 1:
        cases.add(Case.CM_SEVERAL_IDS)
    return replace(expected, cases=frozenset(cases))


def skipped_items(catalog: Catalog) -> tuple[SkippedItem, ...]:
    """Local files, podcast episodes and unavailable (null) entries, per playlist and position."""
    return tuple(
        SkippedItem(playlist.id, position, item.kind)
        for playlist in catalog.playlists
        for position, item in enumerate(playlist.items)
        if item.kind is not ItemKind.TRACK
    )


def catalog_cases(
    catalog: Catalog, truth: Mapping[str, ExpectedTrack] | None = None
) -> Counter[Case]:
    """How many times each case occurs: tracks per track case, playlists and items otherwise."""
    truth = ground_truth(catalog) if truth is None else truth
    counts: Counter[Case] = Counter()
    for expected in truth.values():
        counts.update(expected.cases)
    for playlist in catalog.playlists:
        if playlist.editorial:
            counts[Case.EDITORIAL_PLAYLIST] += 1
        if playlist.id in catalog.cm_playlists_by_spotify_id:
            counts[Case.PLAYLIST_KNOWN_TO_CHARTMETRIC] += 1
        else:
            counts[Case.PLAYLIST_UNKNOWN_TO_CHARTMETRIC] += 1
    by_kind = {
        ItemKind.LOCAL: Case.LOCAL_FILE_ITEM,
        ItemKind.EPISODE: Case.EPISODE_ITEM,
        ItemKind.UNAVAILABLE: Case.UNAVAILABLE_ITEM,
    }
    for item in skipped_items(catalog):
        counts[by_kind[item.kind]] += 1
    return counts
