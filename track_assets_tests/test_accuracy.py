"""The accuracy report on the shipped hand-written hard cases: the real pipeline on a sandbox
serving them, scored against the analyst's answers (the bar of issue 13, item 8); the builder,
the scoring arithmetic and the command's refusal of a malformed file."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner

from track_assets.accuracy import Answer, compare, evaluate_hard_cases, score_answers
from track_assets.cli import main
from track_assets.sandbox.catalog import load_catalog
from track_assets.sandbox.catalog.hard_cases import (
    SHIPPED_HARD_CASES,
    HardCasesError,
    build_hard_cases,
    read_hard_cases,
)
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES


@pytest.fixture(scope="module")
def report():
    """The pipeline run once on the shipped hard cases (two sandbox days: about a minute)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in OUTSIDE_VARIABLES:
            patch.delenv(name, raising=False)
        return evaluate_hard_cases(read_hard_cases())


def _failures(report, category: str) -> str:
    return "\n".join(
        f"{a.case_id} [{a.subject}]: expected {a.expected}, pipeline {a.made} ({a.why})"
        for a in report.errors
        if a.category == category
    )


@pytest.mark.slow
def test_no_wrong_musicbrainz_link(report):
    assert report.score("musicbrainz_links").wrong == 0, (
        "the pipeline links writers to the wrong MusicBrainz artist (report to the lead):\n"
        + _failures(report, "musicbrainz_links")
    )


@pytest.mark.slow
def test_no_wrong_mlc_writer_match(report):
    assert report.score("mlc_writers").wrong == 0, (
        "the pipeline matches credits to the wrong MLC writer (report to the lead):\n"
        + _failures(report, "mlc_writers")
    )


@pytest.mark.slow
def test_no_wrong_work_choice(report):
    assert report.score("works").wrong == 0, (
        "the pipeline chooses the wrong MLC work (report to the lead):\n"
        + _failures(report, "works")
    )


@pytest.mark.slow
def test_never_unsigned_where_the_mlc_has_nothing(report):
    assert not report.unsigned_instead_of_not_found, [
        a.case_id for a in report.unsigned_instead_of_not_found
    ]
    assert report.score("publisher_statuses").expected >= 4


@pytest.mark.slow
@pytest.mark.parametrize("category", ["mlc_writers", "musicbrainz_links", "works"])
def test_recall_of_what_the_evidence_supports(report, category):
    score = report.score(category)
    assert score.expected > 0
    assert score.recall >= 0.95, (
        f"recall {score.recall:.1%} below 95% for {category} (report to the lead):\n"
        + _failures(report, category)
    )


@pytest.mark.slow
def test_every_case_is_answered_and_statuses_and_leads_are_reported(report):
    assert report.cases == len(read_hard_cases().cases)
    statuses, leads = report.score("publisher_statuses"), report.score("leads")
    assert statuses.made == statuses.expected, _failures(report, "publisher_statuses")
    assert leads.expected > 0 and leads.made > 0


# --- the builder ----------------------------------------------------------------------------------


def _shipped() -> dict:
    return json.loads(SHIPPED_HARD_CASES.read_text(encoding="utf-8"))


def test_shipped_file_has_forty_cases_across_every_class_each_with_a_why():
    hard = read_hard_cases()
    assert len(hard.cases) >= 40
    classes = {}
    for case in hard.cases:
        assert case.why.strip(), case.case_id
        classes[case.kind] = classes.get(case.kind, 0) + 1
    assert len(classes) >= 12 and min(classes.values()) >= 4, classes


def test_builder_catalog_loads_and_holds_the_mlc_writer_as_written():
    hard = read_hard_cases()
    catalog = load_catalog(hard.catalog)
    case = next(c for c in hard.cases if c.case_id == "order-last-first-middle")
    [work] = [w for w in catalog.mlc_works if w.song_code == case.work]
    [writer] = work.writers
    assert (writer.first_name, writer.last_name, writer.ipi) == (
        "",
        "OYELARAN ADEBAYO TUNDE",
        "00611223316",
    )
    track = catalog.tracks_by_id[case.track_id]
    [recording] = catalog.mlc_recordings_by_isrc[track.isrc]
    assert recording.song_code == case.work
    # Chartmetric's lagging copy lacks the tracks added last, which Spotify's playlist holds.
    late = next(c for c in hard.cases if c.case_id == "lagging-copy-missing-unsigned")
    [spotify] = [p for p in catalog.playlists if late.track_id in {i.track_id for i in p.items}]
    [copy_] = [p for p in catalog.cm_playlists if p.spotify_playlist_id == spotify.id]
    listed = [i.track_id for i in spotify.items]
    assert late.track_id not in copy_.track_ids
    assert list(copy_.track_ids) == listed[: len(copy_.track_ids)] and copy_.track_ids


def test_builder_is_deterministic():
    assert build_hard_cases(_shipped()).catalog == build_hard_cases(_shipped()).catalog


def test_builder_refuses_an_answer_naming_an_unknown_writer():
    data = copy.deepcopy(_shipped())
    data["cases"][0]["expected"]["writers"]["w1"]["mlc"] = "m9"
    with pytest.raises(HardCasesError, match=r"\$\.cases\[0\]\.expected\.writers\.w1\.mlc"):
        build_hard_cases(data)


# --- the scoring ------------------------------------------------------------------------------


def test_scoring_counts_precision_and_recall():
    answers = [
        Answer("works", "a", "track", "HC0001", "HC0001", ""),  # correct
        Answer("works", "b", "track", "HC0002", "HC0009", ""),  # wrong
        Answer("works", "c", "track", "HC0003", None, ""),  # missing
        Answer("works", "d", "track", None, "HC0004", ""),  # wrong: the analyst says none
        Answer("works", "e", "track", None, None, ""),  # rightly none: not counted
    ]
    score = score_answers("works", answers)
    assert (score.expected, score.made, score.correct, score.wrong, score.missing) == (
        3,
        3,
        1,
        2,
        1,
    )
    assert score.precision == pytest.approx(1 / 3)
    assert score.recall == pytest.approx(1 / 3)
    assert score_answers("works", []).precision is None


def test_compare_reads_a_matched_writer_by_ipi_and_a_missing_track_as_no_answer():
    from track_assets.accuracy import CreditAnswer, TrackAnswer

    hard = read_hard_cases()
    case = next(c for c in hard.cases if c.case_id == "stage-name-ipi-bridge")
    credit = CreditAnswer("Nova Sixx", 1, "512345678", "JENNIFER ANNE KOWALSKI", ())
    report = compare(hard, {case.track_id: TrackAnswer(case.work, "signed", (credit,))}, {})
    mine = {a.category: a for a in report.answers if a.case_id == case.case_id}
    assert mine["mlc_writers"].correct
    assert mine["works"].correct and mine["publisher_statuses"].correct
    assert mine["musicbrainz_links"].missing
    others = [a for a in report.answers if a.case_id != case.case_id and a.expected is not None]
    assert others and all(a.missing for a in others)


# --- the command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, says",
    [
        ("{not json", "not JSON"),
        (json.dumps({"format": "track-assets-hard-cases/1", "reference_date": "2026-11-01"}),
         "'playlists' is missing"),
    ],
)  # fmt: skip
def test_accuracy_command_refuses_a_malformed_file_in_one_line(tmp_path, content, says):
    path = tmp_path / "cases.json"
    path.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(main, ["accuracy", str(path)])
    assert result.exit_code == 2
    assert says in result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error")]
    assert str(path) in line and "Traceback" not in result.output
