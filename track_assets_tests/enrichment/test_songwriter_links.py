"""Phase 4 matching and storage: every track of a generated catalog resolved against the real
MusicBrainz emulator equals the ground truth; lookups are not repeated; the store is
idempotent on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import pytest

from track_assets.db.records import TrackCredit
from track_assets.db.repository import (
    field_provenance_for,
    get_musicbrainz_artist,
    list_artist_external_links,
    songwriter_artist_ids,
    upsert_songwriter,
)
from track_assets.db.tables import artist_external_links, artist_songwriters, artists
from track_assets.enrichment.musicbrainz_store import (
    songwriter_is_resolved,
    songwriters_to_resolve,
    store_songwriter_resolution,
    stored_songwriter_resolution,
)
from track_assets.enrichment.songwriter_links import (
    CONFIDENCE,
    MUSICBRAINZ_WRITERS_PER_TRACK,
    CachedMusicBrainzLookups,
    ClassifiedLink,
    LinkPlatform,
    MatchMethod,
    MlcEvidence,
    RecordingWork,
    TrackForLinks,
    WriterCredit,
    WriterResolution,
    WrittenWork,
    classify_link,
    resolve_songwriter,
    resolve_track_writers,
    writers_to_resolve,
)
from track_assets.sandbox.catalog.generate import generate
from track_assets.sandbox.catalog.model import Catalog, Track
from track_assets.sandbox.catalog.names import name_tokens
from track_assets.sandbox.catalog.truth import (
    Case,
    ExpectedTrack,
    catalog_cases,
    credited_writers,
    ground_truth,
)
from track_assets.sandbox.emulators.musicbrainz import musicbrainz_emulator
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import RequestCounters
from track_assets.services.musicbrainz import MusicBrainzClient
from track_assets_tests.db.rows import count_rows

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
MB_CASES = [case for case in Case if case.value.startswith("mb_")]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return generate(seed=5, playlists=3, tracks=40)


@pytest.fixture(scope="module")
def truth(catalog: Catalog) -> dict[str, ExpectedTrack]:
    return ground_truth(catalog)


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    """Limits off: these tests are about matching; the client's limiter test enforces 1/s."""
    options = SandboxOptions(seed=5, rate_limits="off")
    with SandboxServer([musicbrainz_emulator()], catalog=catalog, options=options) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> MusicBrainzClient:
    return MusicBrainzClient(
        sandbox.base_url("musicbrainz"), "tests@track-assets.invalid", counters=RequestCounters()
    )


@pytest.fixture(scope="module")
def resolved(sandbox, catalog, truth) -> dict[str, list[WriterResolution]]:
    """Every playlist track resolved once, through one cache, as phase 4 would."""
    client = MusicBrainzClient(sandbox.base_url("musicbrainz"), "tests@track-assets.invalid")
    lookups = CachedMusicBrainzLookups(client)
    return {tid: resolve_track_writers(track_for(catalog, tid, truth), lookups) for tid in truth}


def track_for(catalog: Catalog, track_id: str, truth=None) -> TrackForLinks:
    """The track as phase 4 sees it; with `truth`, also what phase 3 found at The MLC (the
    IPIs of the ISRC's works' writers, each credit's matched IPI, the chosen work's ISWC)."""
    track: Track = catalog.tracks_by_id[track_id]
    writers = tuple(
        WriterCredit(p.name, f"spotify:artist:{p.artist_id}" if p.artist_id else None)
        for p in track.credits.writers
    )
    mlc = MlcEvidence()
    if truth is not None:
        expected = truth[track_id].mlc
        codes = {r.song_code for r in catalog.mlc_recordings_by_isrc.get(track.isrc or "", ())}
        works = [catalog.mlc_works_by_song_code[c] for c in codes if c]
        matched = {
            p.name: w.ipi
            for p in track.credits.writers
            for w in expected.writers
            if name_tokens(w.name) == name_tokens(p.name)
        }
        mlc = MlcEvidence.of(
            [w.ipi for work in works for w in work.writers], matched, [expected.iswc]
        )
    return TrackForLinks(track.id, track.name, track.isrc, writers, mlc)


def requests(client: MusicBrainzClient) -> int:
    return client.counters.total("musicbrainz")


# --- against the emulator and the ground truth ------------------------------------------------


def test_the_catalog_holds_every_musicbrainz_case(catalog, truth):
    counts = catalog_cases(catalog, truth)
    assert {case: counts[case] for case in MB_CASES if counts[case] == 0} == {}


def test_every_track_resolves_as_the_ground_truth_says(resolved, truth):
    compared = 0
    for track_id, expected in truth.items():
        got = resolved[track_id]
        assert [r.writer.name for r in got] == [e.writer_name for e in expected.musicbrainz]
        for result, want in zip(got, expected.musicbrainz, strict=True):
            where = f"{track_id} {want.writer_name}"
            assert result.method.value == want.match.value, where
            assert result.mbid == want.mbid, where
            assert result.via_alias == want.via_alias, where
            assert sorted(result.candidate_mbids) == sorted(want.candidate_mbids), where
            got_links = {p.value: sorted(urls) for p, urls in result.links_by_platform().items()}
            assert got_links == {p.value: sorted(urls) for p, urls in want.links.items()}, where
            assert sorted(result.ended_links) == sorted(want.ended_links), where
            assert result.confidence == CONFIDENCE.get(result.method), where
            compared += 1
    assert compared >= 60


def test_namesakes_are_never_linked_to_the_wrong_artist(resolved, truth):
    namesake_tracks = [tid for tid, e in truth.items() if Case.MB_NAMESAKES in e.cases]
    assert namesake_tracks
    for track_id in namesake_tracks:
        for result, want in zip(resolved[track_id], truth[track_id].musicbrainz, strict=True):
            if result.linked:
                assert result.mbid == want.mbid
            else:
                assert (result.mbid, result.artist, result.links) == (None, None, ())


def test_ended_links_are_left_out(resolved, truth):
    ended = [
        r
        for tid, e in truth.items()
        if Case.MB_ENDED_LINK in e.cases
        for r in resolved[tid]
        if r.ended_links
    ]
    assert ended
    for result in ended:
        current = {link.url for link in result.links}
        assert current and not current & set(result.ended_links)


def test_a_songwriter_met_again_on_another_track_costs_no_request(client, catalog, truth):
    """The writer's own lookups (search, Spotify URL, works, artist) are made once; a new
    track only costs its own ISRC evidence, shared by all its writers."""
    tracks_by_writer: dict[str, list[str]] = {}
    for track_id in truth:
        for person in credited_writers(catalog.tracks_by_id[track_id]):
            tracks_by_writer.setdefault(person.name, []).append(track_id)
    name, (first, second, *_) = next(
        (n, t) for n, t in tracks_by_writer.items() if len(t) > 1 and len(set(t)) > 1
    )
    lookups = CachedMusicBrainzLookups(client)
    writer = next(w for w in track_for(catalog, first).writers if w.name == name)
    resolve_songwriter(writer, track_for(catalog, first), lookups)

    other = track_for(catalog, second)
    if other.isrc:
        lookups.recording_works(other.isrc)  # the track's evidence, not the writer's
    before = requests(client)
    again = resolve_songwriter(writer, other, lookups)
    assert requests(client) == before
    assert again.mbid == next(e.mbid for e in truth[second].musicbrainz if e.writer_name == name)

    # And a second pass over the whole catalog costs nothing at all.
    for track_id in truth:
        resolve_track_writers(track_for(catalog, track_id), lookups)
    before = requests(client)
    for track_id in truth:
        resolve_track_writers(track_for(catalog, track_id), lookups)
    assert requests(client) == before


# --- pure rules -------------------------------------------------------------------------------


def test_writers_to_resolve_takes_the_first_three_distinct_writers(catalog, truth):
    for track_id in truth:
        chosen = writers_to_resolve(track_for(catalog, track_id).writers)
        expected = credited_writers(catalog.tracks_by_id[track_id])
        assert [w.name for w in chosen] == [p.name for p in expected]

    credits = [
        TrackCredit(track_id="t", role="performer", name="Ana Lima", source="web_player"),
        TrackCredit(track_id="t", role="writer", name="Ana Lima", source="web_player"),
        TrackCredit(track_id="t", role="writer", name="ANA LIMA", source="web_player"),
        TrackCredit(track_id="t", role="producer", name="Bo Berg", source="web_player"),
        TrackCredit(track_id="t", role="writer", name="Zoë Ray", source="web_player"),
        TrackCredit(track_id="t", role="writer", name="Ed Ito", source="web_player"),
        TrackCredit(track_id="t", role="writer", name="Fay Lu", source="web_player"),
    ]
    chosen = writers_to_resolve(credits)
    assert [w.name for w in chosen] == ["Ana Lima", "Zoë Ray", "Ed Ito"]
    assert len(chosen) == MUSICBRAINZ_WRITERS_PER_TRACK


@pytest.mark.parametrize(
    ("url", "relation_type", "platform"),
    [
        ("https://www.instagram.com/someone/", "social network", LinkPlatform.INSTAGRAM),
        ("https://x.com/someone", "social network", LinkPlatform.TWITTER),
        ("https://mobile.twitter.com/someone", "social network", LinkPlatform.TWITTER),
        ("https://www.tiktok.com/@someone", "social network", LinkPlatform.TIKTOK),
        ("https://m.facebook.com/someone", "social network", LinkPlatform.FACEBOOK),
        ("https://youtu.be/abc", "youtube", LinkPlatform.YOUTUBE),
        ("https://music.youtube.com/channel/x", "youtube music", LinkPlatform.OTHER),
        ("https://soundcloud.com/someone", "soundcloud", LinkPlatform.SOUNDCLOUD),
        ("https://someone.bandcamp.com/", "bandcamp", LinkPlatform.BANDCAMP),
        ("https://en.wikipedia.org/wiki/Someone", "wikipedia", LinkPlatform.WIKIPEDIA),
        ("https://www.wikidata.org/wiki/Q1", "wikidata", LinkPlatform.WIKIDATA),
        ("https://someone.example/", "official homepage", LinkPlatform.WEBSITE),
        ("https://www.instagram.com/someone/", "official homepage", LinkPlatform.INSTAGRAM),
        ("https://www.discogs.com/artist/1", "discogs", LinkPlatform.OTHER),
    ],
)
def test_links_are_classified_by_host_first(url, relation_type, platform):
    assert classify_link(url, relation_type) is platform


@dataclass(frozen=True)
class _Alias:
    name: str
    type: str | None = None
    sort_name: str | None = None
    locale: str | None = None
    primary: bool = False


@dataclass(frozen=True)
class _Url:
    url: str
    type: str = "social network"
    ended: bool = False


@dataclass(frozen=True)
class _Artist:
    mbid: str
    name: str
    aliases: tuple[_Alias, ...] = ()
    urls: tuple[_Url, ...] = ()
    sort_name: str | None = None
    disambiguation: str | None = None
    type: str | None = "Person"
    country: str | None = None
    ipis: tuple[str, ...] = ()
    isnis: tuple[str, ...] = ()


@dataclass
class _FakeLookups:
    evidence: dict[str, list[_Artist]] = field(default_factory=dict)
    linking: dict[str, list[str]] = field(default_factory=dict)
    named: list[_Artist] = field(default_factory=list)
    titles: dict[str, list[str]] = field(default_factory=dict)
    iswcs: dict[str, list[str]] = field(default_factory=dict)  # mbid -> ISWCs of its works
    generic: set[str] = field(default_factory=set)
    evidence_iswcs: tuple[str, ...] = ()

    def recording_works(self, isrc):
        writers = tuple(self.evidence.get(isrc, []))
        if not writers:
            return []
        return [RecordingWork("w0", "Blue Hour", self.evidence_iswcs, False, writers)]

    def artists_linking(self, spotify_url):
        return self.linking.get(spotify_url, [])

    def artists_named(self, name):
        return self.named

    def works_written(self, mbid):
        titled = [WrittenWork(t) for t in self.titles.get(mbid, [])]
        return titled + [WrittenWork(f"Work {i}", (i,)) for i in self.iswcs.get(mbid, [])]

    def title_is_generic(self, title):
        return title in self.generic

    def artist(self, mbid):
        everyone = [*self.named, *(a for found in self.evidence.values() for a in found)]
        return next(a for a in everyone if a.mbid == mbid)


ANA = _Artist(
    "a", "Ana Lima", urls=(_Url("https://x.com/ana"), _Url("https://ana.example/", ended=True))
)
ANA_BAND = _Artist("b", "Ana Lima", type="Group")
TRACK = TrackForLinks("t1", "Blue Hour (feat. Somebody)", "USAAA2600001")
WRITER = WriterCredit("Ana Lima", "spotify:artist:0123456789abcdefghijAB")


def test_evidence_needs_exactly_one_writer_of_that_name():
    one = _FakeLookups(evidence={TRACK.isrc: [ANA, _Artist("c", "Bo Berg")]})
    assert resolve_songwriter(WRITER, TRACK, one).method is MatchMethod.EVIDENCE

    two = _FakeLookups(evidence={TRACK.isrc: [ANA, ANA_BAND]}, named=[ANA, ANA_BAND])
    assert resolve_songwriter(WRITER, TRACK, two).method is MatchMethod.AMBIGUOUS


def test_a_spotify_url_linked_from_two_artists_identifies_none():
    url = WRITER.spotify_url
    unique = _FakeLookups(linking={url: ["a"]}, named=[ANA])
    assert resolve_songwriter(WRITER, TRACK, unique).method is MatchMethod.SPOTIFY_URL

    shared = _FakeLookups(linking={url: ["a", "b"]}, named=[ANA, ANA_BAND])
    assert resolve_songwriter(WRITER, TRACK, shared).method is MatchMethod.AMBIGUOUS


def test_a_name_alone_is_ambiguous_until_a_work_title_corroborates_it():
    uncorroborated = _FakeLookups(named=[ANA])
    result = resolve_songwriter(WRITER, TRACK, uncorroborated)
    assert (result.method, result.mbid, result.candidate_mbids) == (
        MatchMethod.AMBIGUOUS,
        None,
        ("a",),
    )

    corroborated = _FakeLookups(named=[ANA, ANA_BAND], titles={"a": ["BLUE HOUR"]})
    result = resolve_songwriter(WRITER, TRACK, corroborated)
    assert (result.method, result.mbid) == (MatchMethod.NAME_CORROBORATED, "a")
    assert result.links == (
        ClassifiedLink(LinkPlatform.TWITTER, "https://x.com/ana", "social network"),
    )
    assert result.ended_links == ("https://ana.example/",)

    both = _FakeLookups(named=[ANA, ANA_BAND], titles={"a": ["Blue Hour"], "b": ["Blue Hour"]})
    assert resolve_songwriter(WRITER, TRACK, both).method is MatchMethod.AMBIGUOUS
    assert resolve_songwriter(WRITER, TRACK, _FakeLookups()).method is MatchMethod.NOT_FOUND


def test_a_generic_title_corroborates_no_namesake():
    # Two people named Ana Lima; only one wrote a "Blue Hour", but "Blue Hour" is a title
    # hundreds of works carry: a stranger may have written one of them.
    generic = _FakeLookups(
        named=[ANA, ANA_BAND], titles={"a": ["Blue Hour"]}, generic={TRACK.title}
    )
    result = resolve_songwriter(WRITER, TRACK, generic)
    assert (result.method, result.mbid) == (MatchMethod.AMBIGUOUS, None)
    assert result.candidate_mbids == ("a", "b") and "too common" in result.evidence


def test_an_ipi_disagreeing_with_the_mlc_rules_a_candidate_out_whatever_the_names():
    track = replace(TRACK, mlc=MlcEvidence.of(credit_ipis={"Ana Lima": "00000000111"}))
    stranger = replace(ANA, ipis=("00000000999",))
    lookups = _FakeLookups(named=[stranger], titles={"a": ["Blue Hour"]})
    result = resolve_songwriter(WRITER, track, lookups)
    assert result.method is MatchMethod.AMBIGUOUS and "IPIs differ" in result.evidence
    # ... also on the evidence path and behind a Spotify link
    evidence = _FakeLookups(evidence={TRACK.isrc: [stranger]}, linking={WRITER.spotify_url: ["a"]})
    evidence.named = [stranger]
    assert resolve_songwriter(WRITER, track, evidence).method is MatchMethod.AMBIGUOUS


def test_an_ipi_on_the_mlc_work_links_a_namesake_a_title_could_not():
    track = replace(TRACK, mlc=MlcEvidence.of(writer_ipis=["00000000111", "222"]))
    ours = replace(ANA, ipis=("111",))
    lookups = _FakeLookups(named=[ours, ANA_BAND], generic={TRACK.title})
    result = resolve_songwriter(WRITER, track, lookups)
    assert (result.method, result.mbid, result.confidence) == (MatchMethod.IDENTIFIER, "a", 1.0)
    assert "IPI 00000000111" in result.evidence


def test_a_work_with_the_mlc_iswc_corroborates_and_a_disagreeing_iswc_does_not():
    track = replace(TRACK, mlc=MlcEvidence.of(iswcs=["T-345.246.800-1"]))
    lookups = _FakeLookups(named=[ANA, ANA_BAND], iswcs={"b": ["T3452468001"]})
    result = resolve_songwriter(WRITER, track, lookups)
    assert (result.method, result.mbid) == (MatchMethod.WORK_ISWC, "b")
    # The recording's work carries another ISWC: it is not this track's work, its writer no
    # evidence; a same-titled work with another ISWC corroborates nothing either.
    other = _FakeLookups(
        evidence={TRACK.isrc: [ANA]},
        evidence_iswcs=("T-000.000.001-0",),
        named=[ANA],
        titles={"a": []},
        iswcs={"a": ["T0000000010"]},
    )
    assert resolve_songwriter(WRITER, track, other).method is MatchMethod.AMBIGUOUS


def test_a_legal_name_alias_finds_the_writer_on_the_recordings_work():
    moore = _Artist("s", "Skrillex", aliases=(_Alias("Sonny John Moore", "Legal name"),))
    credit = WriterCredit("Sonny Moore")
    lookups = _FakeLookups(evidence={TRACK.isrc: [moore, _Artist("c", "Bo Berg")]})
    result = resolve_songwriter(credit, TRACK, lookups)
    assert (result.method, result.mbid) == (MatchMethod.EVIDENCE, "s")
    assert "Legal name" in result.evidence


@dataclass(frozen=True)
class _Ref:
    mbid: str
    name: str


@dataclass(frozen=True)
class _Relation:
    type: str
    artist: _Ref


@dataclass(frozen=True)
class _Work:
    mbid: str
    title: str
    writers: tuple[_Relation, ...]
    iswcs: tuple[str, ...] = ()
    cover: bool = False


@dataclass(frozen=True)
class _Recording:
    mbid: str
    works: tuple[_Work, ...] = ()


@dataclass(frozen=True)
class _UrlLink:
    artist: _Ref
    ended: bool


@dataclass
class _FakeSource:
    """A MusicBrainzSource that records every question asked."""

    asked: list[tuple[str, object]] = field(default_factory=list)

    def recordings_by_isrc(self, isrc):
        self.asked.append(("isrc", isrc))
        return [_Recording("r1")]

    def recording(self, mbid):
        self.asked.append(("recording", mbid))
        work = _Work(
            "w1",
            "Blue Hour",
            (_Relation("composer", _Ref("a", "Ana Lima")), _Relation("arranger", _Ref("c", "Cy"))),
        )
        return _Recording(mbid, (work,))

    def artist(self, mbid):
        self.asked.append(("artist", mbid))
        return _Artist(mbid, {"a": "Ana Lima", "b": "Ana Lima"}.get(mbid, "Cy"))

    def artists_by_spotify_url(self, url):
        self.asked.append(("url", url))
        return [
            _UrlLink(_Ref("a", "Ana Lima"), ended=False),
            _UrlLink(_Ref("b", "Ana"), ended=True),
        ]

    def search_artists(self, name):
        self.asked.append(("search", name))
        return [
            _Artist("a", "Ana Lima"),
            _Artist("d", "Ana Lima Band"),
            _Artist("b", "Annie", aliases=(_Alias("ANA LIMA"),)),
            _Artist("e", "Lima Ana"),
        ]

    def works_by_writers(self, mbids):
        self.asked.append(("works", tuple(mbids)))
        return [_Work("w2", "Blue Hour", (_Relation("lyricist", _Ref("b", "Annie")),))]

    def count_works_titled(self, title):
        self.asked.append(("count", title))
        return 1


def test_cached_lookups_gate_names_skip_ended_links_and_ask_once():
    source = _FakeSource()
    lookups = CachedMusicBrainzLookups(source)

    # "Lima Ana" is the same words in another order: a candidate, still to be corroborated
    assert [a.mbid for a in lookups.artists_named("Ana  Lima")] == ["a", "b", "e"]
    assert lookups.artists_linking(WRITER.spotify_url) == ("a",)
    [work] = lookups.recording_works(TRACK.isrc)
    assert [a.mbid for a in work.writers] == ["a"]  # not the arranger
    assert (lookups.works_written("a"), lookups.works_written("b")) == (
        (),
        (WrittenWork("Blue Hour"),),
    )
    assert not lookups.title_is_generic("Blue Hour (feat. X)")
    for _ in range(2):
        lookups.artists_named("ana lima")
        lookups.artists_linking(WRITER.spotify_url)
        lookups.recording_works(TRACK.isrc)
        lookups.works_written("b")
        lookups.title_is_generic("BLUE HOUR")
        lookups.artist("a")

    assert source.asked == [
        ("search", "Ana  Lima"),
        ("url", WRITER.spotify_url),
        ("isrc", TRACK.isrc),
        ("recording", "r1"),
        ("artist", "a"),
        ("works", ("a", "b", "e")),  # one work search for all candidates of a name
        ("count", "Blue Hour"),  # one count per title, without the featured artists
    ]


# --- storing ----------------------------------------------------------------------------------


def _pick(resolved, *methods: MatchMethod, with_ended: bool = False) -> WriterResolution:
    return next(
        r
        for results in resolved.values()
        for r in results
        if r.method in methods and (r.ended_links or not with_ended)
    )


def _songwriter(conn, resolution: WriterResolution) -> int:
    return upsert_songwriter(conn, resolution.writer.name, resolution.writer.spotify_artist_uri)


def test_a_linked_songwriter_is_stored_with_method_confidence_and_current_links(conn, resolved):
    resolution = _pick(resolved, MatchMethod.EVIDENCE, with_ended=True)
    songwriter = _songwriter(conn, resolution)

    for _ in range(2):
        stored = store_songwriter_resolution(conn, songwriter, resolution, now=NOW)

    artist = get_musicbrainz_artist(conn, resolution.mbid)
    assert (artist.name, artist.sort_name) == (resolution.artist.name, resolution.artist.sort_name)
    assert (stored.status, stored.artist_ids) == ("linked", (artist.id,))
    assert songwriter_artist_ids(conn, songwriter) == [artist.id]
    row = conn.execute(artist_songwriters.select()).one()
    assert (row.method, row.confidence) == ("evidence", 1.0)
    links = {
        (link.kind, link.url, link.ended) for link in list_artist_external_links(conn, artist.id)
    }
    assert links == {(link.platform.value, link.url, False) for link in resolution.links}
    assert not {url for _, url, _ in links} & set(resolution.ended_links)
    assert (count_rows(conn, artists), count_rows(conn, artist_songwriters)) == (1, 1)
    assert count_rows(conn, artist_external_links) == len(resolution.links)


def test_a_link_no_longer_current_is_kept_as_ended(conn, resolved):
    resolution = _pick(resolved, MatchMethod.SPOTIFY_URL)
    songwriter = _songwriter(conn, resolution)
    store_songwriter_resolution(conn, songwriter, resolution, now=NOW)
    dropped = resolution.links[0]

    later = replace(resolution, links=resolution.links[1:])
    store_songwriter_resolution(conn, songwriter, later, now=NOW + timedelta(days=1))

    artist_id = songwriter_artist_ids(conn, songwriter)[0]
    stored = {link.url: link for link in list_artist_external_links(conn, artist_id)}
    assert (stored[dropped.url].kind, stored[dropped.url].ended) == (dropped.platform.value, True)
    assert all(not stored[link.url].ended for link in later.links)


def test_unlinked_songwriters_keep_their_reason_and_no_artist(conn, resolved):
    ambiguous = _pick(resolved, MatchMethod.AMBIGUOUS)
    missing = _pick(resolved, MatchMethod.NOT_FOUND)
    ids = {r.method: _songwriter(conn, r) for r in (ambiguous, missing)}

    for resolution in (ambiguous, missing, ambiguous, missing):
        store_songwriter_resolution(conn, ids[resolution.method], resolution, now=NOW)

    first = stored_songwriter_resolution(conn, ids[MatchMethod.AMBIGUOUS])
    assert (first.status, first.artist_ids) == ("ambiguous", ())
    assert all(mbid in first.reason for mbid in ambiguous.candidate_mbids)
    second = stored_songwriter_resolution(conn, ids[MatchMethod.NOT_FOUND])
    assert (second.status, second.reason) == ("not_found", "not_found")
    assert count_rows(conn, artists) == count_rows(conn, artist_songwriters) == 0


def test_an_ambiguous_track_does_not_undo_a_link_found_on_another(conn, resolved):
    # a name candidate corroborated by the track: by its MLC work's IPI, or by its title
    linked = _pick(resolved, MatchMethod.IDENTIFIER, MatchMethod.NAME_CORROBORATED)
    songwriter = _songwriter(conn, linked)
    store_songwriter_resolution(conn, songwriter, linked, now=NOW)

    elsewhere = WriterResolution(linked.writer, MatchMethod.AMBIGUOUS, candidate_mbids=("x",))
    stored = store_songwriter_resolution(conn, songwriter, elsewhere, now=NOW + timedelta(days=1))

    assert stored.linked and stored.fetched_at == NOW
    provenance = field_provenance_for(conn, "songwriter", str(songwriter))["musicbrainz_artist"]
    assert provenance.reason is None


def test_resolved_songwriters_are_skipped_until_stale(conn, resolved):
    linked = _songwriter(conn, _pick(resolved, MatchMethod.EVIDENCE))
    unlinked = _songwriter(conn, _pick(resolved, MatchMethod.NOT_FOUND))
    fresh = upsert_songwriter(conn, "Never Looked Up")
    store_songwriter_resolution(conn, linked, _pick(resolved, MatchMethod.EVIDENCE), now=NOW)
    store_songwriter_resolution(conn, unlinked, _pick(resolved, MatchMethod.NOT_FOUND), now=NOW)
    later = NOW + timedelta(days=3)

    ids = [linked, unlinked, fresh, linked]
    assert songwriters_to_resolve(conn, ids, now=later, ttl=timedelta(days=30)) == [fresh]
    assert songwriters_to_resolve(
        conn, ids, now=later, ttl=timedelta(days=30), unlinked_ttl=timedelta(days=1)
    ) == [unlinked, fresh]
    assert songwriters_to_resolve(conn, ids, now=later, ttl=timedelta(days=2)) == ids[:3]
    assert songwriter_is_resolved(conn, linked, now=later, ttl=None)
