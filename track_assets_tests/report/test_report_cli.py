"""`track-assets report`: the path written on stdout, the export folder by default, and one
clear line (exit 1, nothing created) when there is no database to report on."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from track_assets.cli import main
from track_assets.report.render import REPORT_FILE
from track_assets_tests.report.conftest import EXPECTED_ORDER
from track_assets_tests.support.html_tree import parse_html


def run(env: dict[str, str], *args: str):
    return CliRunner().invoke(main, ["report", *args], env=env)


def test_it_writes_the_report_into_the_folder_given_and_prints_its_path(leads_database, tmp_path):
    out = tmp_path / "out"
    result = run({"TRACK_ASSETS_DATABASE_URL": leads_database}, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == f"{out / REPORT_FILE}\n"
    page = parse_html((out / REPORT_FILE).read_text(encoding="utf-8"))
    assert [h2.text() for h2 in page.find_all("h2", class_="writer")] == EXPECTED_ORDER


def test_by_default_it_writes_into_the_export_folder(leads_database, tmp_path):
    exports = tmp_path / "exports"
    env = {"TRACK_ASSETS_DATABASE_URL": leads_database, "TRACK_ASSETS_EXPORT_DIR": str(exports)}
    result = run(env)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == str(exports / REPORT_FILE)
    assert (exports / REPORT_FILE).is_file()


def test_the_console_script_prints_only_the_path(leads_database, tmp_path):
    """A real process, stderr not a terminal: no progress bar, stdout is the path alone."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("track-assets")), "report", "--out", str(tmp_path)],
        env={"TRACK_ASSETS_DATABASE_URL": leads_database, "PATH": "/usr/bin:/bin"}
        | {name: os.environ[name] for name in ("PYTHONPATH",) if name in os.environ},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{tmp_path / REPORT_FILE}\n"
    assert result.stderr == ""


def test_a_missing_database_is_one_line_and_creates_nothing(tmp_path):
    url = f"sqlite:///{tmp_path / 'typo' / 'track_assets.sqlite'}"
    result = run({"TRACK_ASSETS_DATABASE_URL": url}, "--out", str(tmp_path / "out"))
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: no report: ") and "does not exist" in line, line
    assert not (tmp_path / "typo").exists() and not (tmp_path / "out").exists()


def test_a_database_without_the_schema_is_one_line(tmp_path):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    result = run({"TRACK_ASSETS_DATABASE_URL": f"sqlite:///{empty}"}, "--out", str(tmp_path))
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert "has no track_assets schema" in line and "db upgrade" in line, line
    assert not (tmp_path / REPORT_FILE).exists()


def test_a_folder_that_cannot_be_written_is_one_line(leads_database, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = run({"TRACK_ASSETS_DATABASE_URL": leads_database}, "--out", str(blocked / "sub"))
    assert result.exit_code == 1
    [line] = result.output.splitlines()
    assert line.startswith("Error: cannot write the report: "), line
