"""Generated hard cases: deterministic bytes, every class, a catalog the sandbox loads, answers
that follow from construction, and the pipeline meeting the accuracy bar on them."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache

import pytest
from click.testing import CliRunner

from track_assets.accuracy import evaluate_hard_cases
from track_assets.cli import main
from track_assets.sandbox.catalog import load_catalog
from track_assets.sandbox.catalog.generate_hard_cases import (
    CLASSES,
    generate_hard_cases,
    hard_cases_json,
)
from track_assets.sandbox.catalog.hard_cases import build_hard_cases
from track_assets_tests.support.pipeline import OUTSIDE_VARIABLES


@cache
def generated(seed: int = 5, cases: int = 26) -> dict:
    return generate_hard_cases(seed, cases)


def cases_of(data: dict, variant: str) -> list[dict]:
    return [c for c in data["cases"] if c["id"].startswith(variant.replace("_", "-") + "-")]


def test_same_seed_and_count_give_the_same_bytes_and_another_seed_another_file():
    first = hard_cases_json(generate_hard_cases(11, 30))
    generate_hard_cases(12, 50)  # no state leaks between runs
    assert hard_cases_json(generate_hard_cases(11, 30)) == first
    assert hard_cases_json(generate_hard_cases(12, 30)) != first
    assert "generate-hard-cases --seed 11 --cases 30" in json.loads(first)["about"][0]


def test_every_class_is_in_a_26_case_file_twice():
    counts = Counter(case["class"] for case in generated()["cases"])
    assert counts == {kind: 2 for kind, _ in CLASSES}


def test_the_file_builds_into_a_catalog_the_sandbox_loads():
    data = generated()
    hard = build_hard_cases(json.loads(hard_cases_json(data)))
    catalog = load_catalog(hard.catalog)
    assert len(hard.cases) == 26
    assert len(catalog.tracks) == 26
    assert {c.status for c in hard.cases} >= {"signed", "split", "unsigned", "not_found"}


def test_a_thousand_cases_keep_names_and_identifiers_unique():
    data = generate_hard_cases(3, 1000)
    hard = build_hard_cases(data)
    load_catalog(hard.catalog)
    cases = data["cases"]
    credits = [w["credit"] for c in cases for w in c["writers"]]
    assert len(credits) == len(set(credits))
    assert max(len(c["writers"]) for c in cases) <= 3
    isrcs = [c["isrc"] for c in cases]
    assert len(isrcs) == len(set(isrcs))
    mlc_writers = [
        w for c in cases for work in c.get("mlc", {}).get("works", []) for w in work["writers"]
    ]
    ipis = [w["ipi"] for w in mlc_writers if w["ipi"]]
    assert len(ipis) == len(set(ipis))
    names = [f"{w['first_name'] or ''} {w['last_name']}".split() for w in mlc_writers]
    assert len({tuple(sorted(n)) for n in names}) == len(names)
    mbids = [m for c in hard.cases for m in c.mbids.values()]
    assert len(mbids) == len(set(mbids))
    assert len(hard.catalog["mlc"]["works"]) == len(
        {w["song_code"] for w in hard.catalog["mlc"]["works"]}
    )


def test_a_native_script_credit_without_an_alias_expects_no_mlc_writer():
    data = generate_hard_cases(9, 13 * 6)
    without, with_alias = (
        cases_of(data, v) for v in ("native_script_no_alias", "native_script_evidence")
    )
    assert without and with_alias
    for case in without:
        (artist,) = case["musicbrainz"]["artists"]
        assert "aliases" not in artist
        assert not case["writers"][0]["credit"].isascii()
        assert case["expected"]["writers"]["w1"]["mlc"] is None
        assert case["expected"]["writers"]["w1"]["musicbrainz"] == artist["key"]
    for case in with_alias:
        (alias,) = case["musicbrainz"]["artists"][0]["aliases"]
        assert (alias["type"], alias["locale"]) == ("Legal name", "en")
        assert case["expected"]["writers"]["w1"]["mlc"] == "m1"


def test_expected_answers_follow_the_construction_on_hand_checked_spots():
    data = generate_hard_cases(9, 13 * 4)
    no_bridge = cases_of(data, "stage_name_no_bridge")[0]
    assert "aliases" not in no_bridge["musicbrainz"]["artists"][0]
    assert "ipis" not in no_bridge["musicbrainz"]["artists"][0]
    assert no_bridge["expected"]["writers"]["w1"]["mlc"] is None

    alias = cases_of(data, "stage_name_evidence")[0]
    artist = alias["musicbrainz"]["artists"][0]
    legal = artist["aliases"][0]
    m1 = alias["mlc"]["works"][0]["writers"][0]
    assert legal["type"] == "Legal name"
    assert legal["name"].upper().split() == f"{m1['first_name']} {m1['last_name']}".split()
    assert alias["expected"]["writers"]["w1"] == {**alias["expected"]["writers"]["w1"],
                                                   "mlc": "m1", "musicbrainz": "a1"}  # fmt: skip

    generic = cases_of(data, "namesake_generic_title")[0]
    assert generic["musicbrainz"]["other_works_titled"][0]["count"] >= 5
    assert generic["expected"]["writers"]["w1"]["musicbrainz"] is None

    cover = cases_of(data, "covers_nothing_decides")[0]
    assert len(cover["mlc"]["works"]) == 2
    assert cover["expected"] == {
        "work": None,
        "status": "ambiguous",
        "writers": {"w1": {"mlc": None, "musicbrainz": None, "lead": None}},
    }

    absent = cases_of(data, "mlc_no_recording")[0]
    assert "mlc" not in absent and absent["expected"]["status"] == "not_found"

    admin = cases_of(data, "represented_by_administrator")[0]
    publisher = admin["mlc"]["works"][0]["publishers"][0]
    assert publisher["share"] == 0 and publisher["administrators"][0]["share"] > 0
    assert admin["expected"]["writers"]["w1"]["lead"] is None


def test_the_command_writes_the_same_bytes_to_stdout_and_to_a_file(tmp_path):
    runner = CliRunner()
    printed = runner.invoke(
        main, ["sandbox", "generate-hard-cases", "--seed", "4", "--cases", "15"]
    )
    assert printed.exit_code == 0, printed.output
    assert printed.stdout == hard_cases_json(generate_hard_cases(4, 15))
    target = tmp_path / "hard.json"
    written = runner.invoke(
        main, ["sandbox", "generate-hard-cases", "--seed", "4", "--cases", "15", "-o", str(target)]
    )
    assert written.exit_code == 0, written.output
    assert target.read_text(encoding="utf-8") == printed.stdout
    refused = runner.invoke(main, ["sandbox", "generate-hard-cases", "--cases", "0"])
    assert refused.exit_code == 2


@pytest.fixture(scope="module")
def report():
    """The pipeline run once on a 40-case generated file (two sandbox days: about 90 s)."""
    with pytest.MonkeyPatch.context() as patch:
        for name in OUTSIDE_VARIABLES:
            patch.delenv(name, raising=False)
        return evaluate_hard_cases(build_hard_cases(generate_hard_cases(2, 40)))


@pytest.mark.slow
def test_the_pipeline_meets_the_bar_on_generated_cases(report):
    errors = "\n".join(
        f"{a.category} {a.case_id} [{a.subject}]: expected {a.expected}, pipeline {a.made} "
        f"({a.why})"
        for a in report.errors
    )
    for category in ("mlc_writers", "musicbrainz_links", "works"):
        assert report.score(category).wrong == 0, errors
    assert report.unsigned_instead_of_not_found == (), errors
    for score in report.scores:
        assert score.recall is None or score.recall >= 0.95, errors
