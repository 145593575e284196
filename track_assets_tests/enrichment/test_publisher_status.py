"""Phase 3's decisions and writes: known share and status per work (the real SB5VH7 and MA0PFZ
situations), the choice among several works, credited writers matched to the work's writers;
for every track of generated catalogs, client + decisions against the emulator reach exactly the
ground truth; and store_track_mlc on SQLite and PostgreSQL, idempotently."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import cache

import pytest

from track_assets.db.records import Track, TrackCredit
from track_assets.db.repository import (
    field_provenance_for,
    get_mlc_work,
    get_phase_status,
    get_track,
    list_track_credits,
    track_mlc_candidates,
    upsert_track,
    upsert_track_credit,
)
from track_assets.db.tables import mlc_work_publishers, mlc_work_writers, mlc_works, track_mlc_works
from track_assets.enrichment.mlc_records import work_facts
from track_assets.enrichment.mlc_store import store_track_mlc
from track_assets.enrichment.publisher_status import (
    PHASE,
    CreditedWriter,
    NoStatusReason,
    PublisherStatus,
    TrackPublisherStatus,
    WorkFacts,
    WorkPublisher,
    WorkWriter,
    known_share,
    match_credited_writers,
    publisher_status_for_track,
    publisher_status_for_work,
)
from track_assets.sandbox.catalog import Case, catalog_cases, generate_catalog, ground_truth
from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.truth import (
    ExpectedMlc,
    ExpectedMlcPublisher,
    ExpectedMlcWriter,
    ExpectedTrack,
    MlcReason,
    MlcStatus,
)
from track_assets_tests.db.rows import count_rows
from track_assets_tests.services.mlc.conftest import build_client, start_mlc_sandbox

NOW = datetime(2026, 11, 2, 4, 0, tzinfo=UTC)
MLC_CASES = {case for case in Case if case.value.startswith("mlc_")}


# --- works like the real portal files ---------------------------------------------------------


def speedometer() -> WorkFacts:
    """SB5VH7 (track_assets_tests/fixtures/reference/mlc/portal-api/): publisher at 0, its administrator at 50, CROWN
    UZAMAH (no IPI) represented, SAHEEB HAHEEB (IPI 01219346165) not."""
    return WorkFacts(
        song_code="SB5VH7",
        title="SPEEDOMETER",
        iswc="T3246856991",
        writers=(
            WorkWriter("SAHEEB HAHEEB", "01219346165", "CA", chain_id=None),
            WorkWriter("CROWN UZAMAH", None, "CA", chain_id="1"),
        ),
        publishers=(
            WorkPublisher(
                "SM PUBLISHING UK LIMITED",
                "00584082436",
                "E",
                Decimal(0),
                administrators=(
                    WorkPublisher("SONY/ATV TUNES LLC", "00338164558", "AM", Decimal(50), (), "1"),
                ),
                chain_id="1",
            ),
        ),
    )


def muchuzi() -> WorkFacts:
    """MA0PFZ: one publisher at 30 representing both writers, one writer without IPI."""
    return WorkFacts(
        song_code="MA0PFZ",
        title="MUCHUZI",
        writers=(
            WorkWriter("DIVINE IKUBOR", None, chain_id="1"),
            WorkWriter("ODE", "00860617237", chain_id="1"),
        ),
        publishers=(WorkPublisher("SONGTRUST AVE", "00000000001", "E", Decimal(30), chain_id="1"),),
    )


def three_way(shares=("33.33", "33.33", "33.33"), represented=(True, True, True)) -> WorkFacts:
    writers = tuple(
        WorkWriter(name, f"0000000000{n}", chain_id=str(n) if rep else None)
        for n, (name, rep) in enumerate(
            zip(("ANA LIMA", "BO KIM", "CY DUE"), represented, strict=True), start=1
        )
    )
    publishers = tuple(
        WorkPublisher(f"PUB {n}", None, "E", Decimal(share), chain_id=str(n))
        for n, share in enumerate(shares, start=1)
    )
    return WorkFacts(song_code="TW0001", title="THREE WAY", writers=writers, publishers=publishers)


def status_of(work: WorkFacts, title: str = "Speedometer", *names: str) -> TrackPublisherStatus:
    return publisher_status_for_track(
        isrc="NGA3B2400101",
        track_title=title,
        credited=[CreditedWriter(n) for n in names or ("Crown Uzamah",)],
        recording_song_codes=[work.song_code],
        works={work.song_code: work},
    )


# --- the rules for one work -------------------------------------------------------------------


def test_a_share_held_by_the_administrator_counts_as_in_sb5vh7():
    work = speedometer()
    assert known_share(work) == 50
    assert publisher_status_for_work(work) is PublisherStatus.SPLIT
    result = status_of(work)
    assert [(w.name, w.ipi, w.represented) for w in result.writers] == [
        ("SAHEEB HAHEEB", "01219346165", False),
        ("CROWN UZAMAH", None, True),
    ]
    [publisher] = result.publishers
    assert (publisher.collection_share, publisher.known_share) == (0, 50)
    assert publisher.administrators == ("SONY/ATV TUNES LLC",)
    assert result.ipi == "01219346165"  # the one known IPI; CROWN UZAMAH has none


def test_thirty_percent_known_with_every_writer_represented_is_split_as_in_ma0pfz():
    assert known_share(muchuzi()) == 30
    assert publisher_status_for_work(muchuzi()) is PublisherStatus.SPLIT


@pytest.mark.parametrize(
    ("work", "known", "status"),
    [
        (three_way(), Decimal("99.99"), PublisherStatus.SIGNED),  # 3 x 33.33 rounds to signed
        (three_way(("33.33", "33.33", "33.0")), Decimal("99.66"), PublisherStatus.SIGNED),
        (three_way(("33.33", "33.33", "32.5")), Decimal("99.16"), PublisherStatus.SPLIT),
        (three_way(represented=(True, True, False)), Decimal("99.99"), PublisherStatus.SPLIT),
        (three_way(("0", "0", "0")), Decimal(0), PublisherStatus.UNSIGNED),
        (WorkFacts("NP0001", "NO PUB", writers=(WorkWriter("ANA LIMA"),)), 0, "unsigned"),
    ],
)
def test_status_per_work(work, known, status):
    assert known_share(work) == known
    assert publisher_status_for_work(work) == status


def test_no_recording_or_no_song_code_is_an_answer_never_unsigned():
    def result(codes, isrc="NGA3B2400101", names=("Ana Lima",)):
        return publisher_status_for_track(
            isrc=isrc,
            track_title="X",
            credited=[CreditedWriter(n) for n in names],
            recording_song_codes=codes,
            works={},
        )

    assert (result([]).status, result([]).reason) == (None, NoStatusReason.NOT_FOUND)
    assert result([None, None]).reason is NoStatusReason.NOT_LINKED
    assert result(["ZZ0001"]).reason is NoStatusReason.WORK_NOT_RETURNED
    assert result([], isrc=None).reason is NoStatusReason.NO_ISRC
    assert result([], names=()).reason is NoStatusReason.NO_WRITERS
    assert not NoStatusReason.NO_ISRC.applicable and NoStatusReason.NOT_FOUND.applicable


# --- matching writers and choosing works ------------------------------------------------------


def test_credited_writers_are_matched_by_name_words_or_ipi_with_representation():
    credited = [
        CreditedWriter("Haheeb Saheeb"),  # words in another order and case
        CreditedWriter("Crówn  Uzamah"),  # accents and spacing
        CreditedWriter("Nobody Known"),
    ]
    matches = match_credited_writers(credited, speedometer())
    assert [(m.matched_by, m.work_writer, m.represented) for m in matches] == [
        ("name", "SAHEEB HAHEEB", False),
        ("name", "CROWN UZAMAH", True),
        (None, None, None),
    ]
    assert matches[0].ipi == "01219346165"
    assert "other order" in matches[0].evidence and matches[0].confidence == 0.85
    assert matches[2].evidence == "no writer of the work agrees"

    [by_ipi] = match_credited_writers(
        [CreditedWriter("Somebody Else", ipi="1219346165")], speedometer()
    )  # the IPI without its leading zero
    assert (by_ipi.matched_by, by_ipi.work_writer, by_ipi.confidence) == (
        "identifier",
        "SAHEEB HAHEEB",
        1.0,
    )
    [namesake] = match_credited_writers(
        [CreditedWriter("Saheeb Haheeb", ipi="00999999999")], speedometer()
    )  # same name, another person's IPI
    assert namesake.work_writer is None


def test_one_work_writer_is_never_given_to_two_credits():
    both = [CreditedWriter("Saheeb Haheeb"), CreditedWriter("Somebody Else", ipi="1219346165")]
    by_name, by_ipi = match_credited_writers(both, speedometer())
    assert by_ipi.work_writer == "SAHEEB HAHEEB" and by_name.work_writer is None


def _decoy(code: str, title: str, *writers: str) -> WorkFacts:
    return WorkFacts(
        song_code=code,
        title=title,
        writers=tuple(WorkWriter(w, chain_id="1") for w in writers),
        publishers=(WorkPublisher("DECOY PUB", None, "E", Decimal(100), chain_id="1"),),
    )


def _several(track_title: str, credited: tuple[str, ...], *works: WorkFacts):
    return publisher_status_for_track(
        isrc="NGA3B2400101",
        track_title=track_title,
        credited=[CreditedWriter(n) for n in credited],
        recording_song_codes=[w.song_code for w in works] + [works[0].song_code],
        works={w.song_code: w for w in works},
    )


def test_of_several_works_the_title_decides_first_then_the_writers():
    decoy = _decoy("DC0001", "OTHER SONG", "CROWN UZAMAH", "SAHEEB HAHEEB")
    result = _several("Speedometer (feat. Someone)", ("Crown Uzamah",), decoy, speedometer())
    assert result.song_code == "SB5VH7" and result.status is PublisherStatus.SPLIT
    assert result.candidate_song_codes == ("DC0001", "SB5VH7")  # each code once, in order
    chosen, other = result.candidates[1], result.candidates[0]
    assert (chosen.chosen, chosen.title_agrees, chosen.writers_agreeing) == (True, True, 1)
    assert (other.chosen, other.title_agrees, other.writers_agreeing) == (False, False, 1)
    assert result.confidence == chosen.confidence == 1.0 > other.confidence == 0.5

    same_title = _decoy("DC0002", "SPEEDOMETER", "ANA LIMA")
    by_writers = _several(
        "Speedometer", ("Saheeb Haheeb", "Crown Uzamah"), same_title, speedometer()
    )
    assert by_writers.song_code == "SB5VH7"
    assert [c.confidence for c in by_writers.candidates] == [0.5, 1.0]


def test_a_tie_or_no_agreement_is_ambiguous_with_every_candidate_kept():
    twin = _decoy("DC0003", "SPEEDOMETER", "CROWN UZAMAH")
    tie = _several("Speedometer", ("Crown Uzamah",), speedometer(), twin)
    assert (tie.status, tie.reason, tie.song_code) == (None, NoStatusReason.AMBIGUOUS, None)
    assert tie.candidate_song_codes == ("SB5VH7", "DC0003")
    assert not any(c.chosen for c in tie.candidates) and tie.confidence is None
    nothing = _several("Unrelated", ("Ana Lima",), speedometer(), muchuzi())
    assert nothing.reason is NoStatusReason.AMBIGUOUS


def test_one_work_is_taken_whatever_it_agrees_with():
    result = status_of(muchuzi(), "Another Title", "Nobody")
    assert (result.song_code, result.confidence) == ("MA0PFZ", 1.0)
    assert [m.work_writer for m in result.credited_writers] == [None]


# --- every track of generated catalogs against the emulator -----------------------------------


def catalog_with_an_ambiguous_track(seed: int) -> Catalog:
    """A generated catalog plus one track whose ISRC also leads to a twin of its work (same
    title, same writers): the generator makes no tie, the truth calls it ambiguous."""
    data = generate_catalog(seed=seed, playlists=3, tracks=30)
    catalog = load_catalog(copy.deepcopy(data), check_schema=False)
    truth = ground_truth(catalog)
    single = next(
        e
        for e in truth.values()
        if e.mlc.status is not None and len(e.mlc.candidate_song_codes) == 1
    )
    work = next(w for w in data["mlc"]["works"] if w["song_code"] == single.mlc.song_code)
    twin = {**copy.deepcopy(work), "song_code": "TWIN01"}
    data["mlc"]["works"].append(twin)
    data["mlc"]["recordings"].append(
        {
            "id": "99999999",
            "isrc": single.isrc,
            "title": work["title"],
            "artist": "",
            "labels": "",
            "song_code": "TWIN01",
        }
    )
    return load_catalog(data, check_schema=False)


@dataclass(frozen=True)
class PhaseRun:
    catalog: Catalog
    truth: dict[str, ExpectedTrack]
    results: dict[str, TrackPublisherStatus]
    works: dict[str, WorkFacts]
    mlc_requests: int


@cache
def run_phase(seed: int) -> PhaseRun:
    """Phase 3 for every playlist track, as the asset runs it: recordings once per ISRC, then
    all works in batches, then the decisions."""
    catalog = catalog_with_an_ambiguous_track(seed)
    truth = ground_truth(catalog)
    server = start_mlc_sandbox(catalog, rate_limits="off")
    try:
        with build_client(server) as client:
            tracks = [catalog.tracks_by_id[track_id] for track_id in truth]
            applicable = [t for t in tracks if t.isrc and t.credits.writers]
            isrcs = dict.fromkeys(t.isrc for t in applicable)
            codes = {i: [h.song_code for h in client.recordings_by_isrc(i)] for i in isrcs}
            records = client.works(c for found in codes.values() for c in found if c)
            requests = client.counters.total("mlc")
    finally:
        server.stop()
    works = {code: work_facts(record) for code, record in records.items() if record is not None}
    results = {
        t.id: publisher_status_for_track(
            isrc=t.isrc,
            track_title=t.name,
            credited=[CreditedWriter(p.name) for p in t.credits.writers],
            recording_song_codes=codes.get(t.isrc, []),
            works=works,
        )
        for t in tracks
    }
    return PhaseRun(catalog, truth, results, works, requests)


@pytest.fixture(scope="module", params=[4, 21], ids=lambda seed: f"seed{seed}")
def phase_run(request) -> PhaseRun:
    return run_phase(request.param)


def _as_expected(result: TrackPublisherStatus) -> ExpectedMlc:
    """The result in the ground truth's terms, to compare field by field."""
    return ExpectedMlc(
        status=MlcStatus(result.status.value) if result.status else None,
        reason=MlcReason(result.reason.value) if result.reason else None,
        song_code=result.song_code,
        iswc=result.iswc,
        work_title=result.work_title,
        known_share=result.known_share,
        writers=tuple(ExpectedMlcWriter(w.name, w.ipi, w.represented) for w in result.writers),
        publishers=tuple(
            ExpectedMlcPublisher(p.name, p.ipi, p.collection_share, p.administrators, p.known_share)
            for p in result.publishers
        ),
        candidate_song_codes=result.candidate_song_codes,
    )


def test_the_catalog_holds_every_mlc_case_and_an_ambiguous_track(phase_run: PhaseRun):
    counts = catalog_cases(phase_run.catalog, phase_run.truth)
    assert {case for case in MLC_CASES if counts[case] < 1} == set()
    reasons = {e.mlc.reason for e in phase_run.truth.values()}
    assert {MlcReason.NO_ISRC, MlcReason.NO_WRITERS, MlcReason.AMBIGUOUS} <= reasons


def test_every_track_gets_exactly_what_the_truth_says(phase_run: PhaseRun):
    wrong = {
        track_id: (_as_expected(phase_run.results[track_id]), expected.mlc)
        for track_id, expected in phase_run.truth.items()
        if _as_expected(phase_run.results[track_id]) != expected.mlc
    }
    assert wrong == {}
    assert len(phase_run.results) == len(phase_run.truth) >= 30


def test_the_phase_asks_once_per_isrc_and_batches_the_works(phase_run: PhaseRun):
    isrcs = {
        t.isrc
        for t in phase_run.truth.values()
        if t.isrc and t.mlc.reason is not MlcReason.NO_WRITERS
    }
    # one login, one search per ISRC (tracks can share one), one POST /works (< 50 song codes)
    assert phase_run.mlc_requests == 1 + len(isrcs) + 1
    ambiguous = next(r for r in phase_run.results.values() if r.reason is NoStatusReason.AMBIGUOUS)
    assert "TWIN01" in ambiguous.candidate_song_codes and len(ambiguous.candidates) == 2


def test_credited_writers_are_matched_where_the_names_agree(phase_run: PhaseRun):
    for track_id, result in phase_run.results.items():
        if result.status is None:
            continue
        names = {tuple(sorted(w.name.casefold().split())): w for w in result.writers}
        for match in result.credited_writers:
            writer = names.get(tuple(sorted(match.credited_name.casefold().split())))
            assert match.work_writer == (writer.name if writer else None), track_id
            assert match.represented == (writer.represented if writer else None), track_id
    matched = [m for r in phase_run.results.values() for m in r.credited_writers if m.work_writer]
    assert matched and any(m.represented is False for m in matched)


# --- storing ----------------------------------------------------------------------------------


def _track_row(conn, track_id: str, isrc: str | None) -> None:
    upsert_track(conn, Track(spotify_track_id=track_id, isrc=isrc, name="X"), now=NOW)


def _row_counts(conn) -> tuple[int, ...]:
    return tuple(
        count_rows(conn, table)
        for table in (mlc_works, mlc_work_writers, mlc_work_publishers, track_mlc_works)
    )


def test_store_writes_works_links_columns_provenance_and_phase_idempotently(conn):
    decoy = _decoy("DC0001", "OTHER SONG", "ANA LIMA")
    result = _several("Speedometer", ("Crown Uzamah",), decoy, speedometer())
    works = {"SB5VH7": speedometer(), "DC0001": decoy, "MA0PFZ": muchuzi()}
    _track_row(conn, "t" * 22, "NGA3B2400101")
    upsert_track_credit(
        conn,
        TrackCredit(track_id="t" * 22, role="writer", name="Crown Uzamah", source="web_player"),
        now=NOW,
    )
    store_track_mlc(conn, "t" * 22, result, works, NOW)
    counts = _row_counts(conn)
    store_track_mlc(conn, "t" * 22, result, works, NOW + timedelta(hours=1))
    assert _row_counts(conn) == counts == (2, 3, 3, 2)  # MA0PFZ is no candidate: not stored

    stored = get_mlc_work(conn, "SB5VH7")
    assert (stored.known_share, stored.status, stored.iswc) == (Decimal(50), "split", "T3246856991")
    assert [(w.name, w.ipi, w.represented) for w in stored.writers] == [
        ("SAHEEB HAHEEB", "01219346165", False),
        ("CROWN UZAMAH", None, True),
    ]
    [credit] = list_track_credits(conn, "t" * 22)
    assert (credit.mlc_ipi, credit.mlc_represented) == (None, True)
    [publisher] = stored.publishers
    assert publisher.collection_share == 0
    assert [(a.name, a.collection_share) for a in publisher.administrators] == [
        ("SONY/ATV TUNES LLC", Decimal(50))
    ]
    chosen, other = track_mlc_candidates(conn, "t" * 22)
    assert (chosen.mlc_song_code, chosen.is_chosen, chosen.confidence) == ("SB5VH7", True, 1.0)
    assert (other.mlc_song_code, other.is_chosen, other.matched_isrc) == (
        "DC0001",
        False,
        "NGA3B2400101",
    )

    track = get_track(conn, "t" * 22)
    assert (track.publisher_status, track.ipi, track.iswc, track.mlc_song_code) == (
        "split",
        "01219346165",
        "T3246856991",
        "SB5VH7",
    )
    assert track.publisher == "SM PUBLISHING UK LIMITED"
    provenance = field_provenance_for(conn, "track", "t" * 22)
    assert {f: (p.source, p.reason) for f, p in provenance.items()} == {
        field: ("mlc", None)
        for field in ("publisher_status", "ipi", "iswc", "mlc_song_code", "publisher")
    }
    phase = get_phase_status(conn, "t" * 22, PHASE)
    assert (phase.status, phase.reason) == ("done", None)


def test_a_track_no_longer_found_is_cleared_with_the_reason_and_unlinked(conn):
    track_id = "u" * 22
    _track_row(conn, track_id, "NGA3B2400101")
    store_track_mlc(conn, track_id, status_of(speedometer()), {"SB5VH7": speedometer()}, NOW)
    gone = publisher_status_for_track(
        isrc="NGA3B2400101",
        track_title="Speedometer",
        credited=[CreditedWriter("Crown Uzamah")],
        recording_song_codes=[],
        works={},
    )
    store_track_mlc(conn, track_id, gone, {}, NOW + timedelta(days=30))
    track = get_track(conn, track_id)
    assert (
        track.publisher_status,
        track.ipi,
        track.iswc,
        track.mlc_song_code,
        track.publisher,
    ) == ((None,) * 5)
    reasons = {f: p.reason for f, p in field_provenance_for(conn, "track", track_id).items()}
    assert set(reasons.values()) == {"not_found"}
    phase = get_phase_status(conn, track_id, PHASE)
    assert (phase.status, phase.reason) == ("done", "not_found")  # an answer, not a failure
    [earlier] = track_mlc_candidates(conn, track_id)
    assert (earlier.mlc_song_code, earlier.is_chosen) == ("SB5VH7", False)


def test_no_isrc_makes_the_phase_not_applicable(conn):
    track_id = "v" * 22
    _track_row(conn, track_id, None)
    result = publisher_status_for_track(
        isrc=None,
        track_title="X",
        credited=[CreditedWriter("A B")],
        recording_song_codes=[],
        works={},
    )
    store_track_mlc(conn, track_id, result, {}, NOW)
    phase = get_phase_status(conn, track_id, PHASE)
    assert (phase.status, phase.reason) == ("not_applicable", "no_isrc")


def test_every_track_of_a_catalog_is_stored_as_the_truth_says_twice_over(conn):
    run = run_phase(4)
    for track_id, expected in run.truth.items():
        _track_row(conn, track_id, expected.isrc)
    for attempt in range(2):
        for track_id, result in run.results.items():
            store_track_mlc(conn, track_id, result, run.works, NOW + timedelta(minutes=attempt))
        if attempt == 0:
            counts = _row_counts(conn)
    assert _row_counts(conn) == counts
    for track_id, expected in run.truth.items():
        track = get_track(conn, track_id)
        mlc = expected.mlc
        assert track.publisher_status == (mlc.status.value if mlc.status else None), track_id
        assert track.mlc_song_code == mlc.song_code and track.iswc == mlc.iswc, track_id
        ipis = ", ".join(dict.fromkeys(w.ipi for w in mlc.writers if w.ipi)) or None
        assert track.ipi == ipis, track_id
        phase = get_phase_status(conn, track_id, PHASE)
        applicable = mlc.reason not in (MlcReason.NO_ISRC, MlcReason.NO_WRITERS)
        assert phase.status == ("done" if applicable else "not_applicable"), track_id
        assert phase.reason == (mlc.reason.value if mlc.reason else None), track_id
        links = track_mlc_candidates(conn, track_id)
        assert {link.mlc_song_code for link in links} == set(mlc.candidate_song_codes), track_id
        assert [link.mlc_song_code for link in links if link.is_chosen] == (
            [mlc.song_code] if mlc.song_code else []
        ), track_id
        if mlc.song_code:
            assert get_mlc_work(conn, mlc.song_code).known_share == mlc.known_share
