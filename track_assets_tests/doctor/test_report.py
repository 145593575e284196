"""The report's pure logic: a line per check and the totals, the JSON document's keys, the exit
status, and the scrubbing of secret values from every detail and fact."""

from __future__ import annotations

import json

from track_assets.doctor.report import Check, Report, Status, scrub

SECRET = "s3cret-refresh-token-value"


def test_lines_align_names_and_end_with_the_totals():
    report = Report(
        (
            Check("configuration", Status.PASS, "DAGSTER_HOME /x"),
            Check("chartmetric", Status.FAIL, "refused", "sandbox"),
            Check("dagster_daemon", Status.WARN, "not running"),
        )
    )
    assert report.lines() == [
        "PASS  configuration   -         DAGSTER_HOME /x",
        "FAIL  chartmetric     sandbox   refused",
        "WARN  dagster_daemon  -         not running",
        "FAILED: 1 pass, 1 fail, 1 warn",
    ]
    assert report.failed


def test_warnings_and_skips_do_not_fail_the_report():
    report = Report((Check("a", Status.WARN, ""), Check("b", Status.SKIP, "")))
    assert not report.failed
    assert report.lines()[-1] == "OK: 1 warn, 1 skip"


def test_the_json_document_has_stable_keys():
    report = Report((Check("mlc", Status.PASS, "logged in", "real", {"recordings": 2}),))
    document = json.loads(report.to_json())
    assert document == {
        "format": 1,
        "ok": True,
        "counts": {"pass": 1, "fail": 0, "warn": 0, "skip": 0},
        "checks": [
            {
                "name": "mlc",
                "status": "pass",
                "target": "real",
                "detail": "logged in",
                "facts": {"recordings": 2},
            }
        ],
    }


def test_scrub_masks_secrets_in_the_detail_and_nested_facts():
    check = Check(
        "chartmetric",
        Status.FAIL,
        f"token {SECRET} refused",
        facts={"sent": SECRET, "nested": {"list": [f"x{SECRET}y", 3]}, "count": 1},
    )
    cleaned = scrub(check, [SECRET, ""])
    assert cleaned.detail == "token *** refused"
    assert cleaned.facts == {"sent": "***", "nested": {"list": ["x***y", 3]}, "count": 1}
    assert SECRET not in json.dumps(cleaned.as_json())


def test_scrub_masks_the_longer_of_two_overlapping_secrets_whole():
    check = Check("mlc", Status.FAIL, "user name-and-password")
    assert scrub(check, ["name", "name-and-password"]).detail == "user ***"


def test_values_too_short_to_be_credentials_are_left_alone():
    check = Check("mlc", Status.PASS, "abc in the abcdef")
    assert scrub(check, ["abc"]).detail == "abc in the abcdef"
