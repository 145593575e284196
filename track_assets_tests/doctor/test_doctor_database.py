"""The database line on real SQLite and PostgreSQL databases: which one (no password shown),
whether it opens, and its schema revision against this version's head; it never creates or
migrates anything."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from track_assets.db import migrate
from track_assets.db.engine import make_engine
from track_assets.db.migrate import current_revision, head_revision
from track_assets.doctor.context import DoctorContext
from track_assets.doctor.database import check_database
from track_assets.doctor.report import Status
from track_assets.settings import load_settings
from track_assets_tests.support.postgres import free_port

PASSWORD = "doctor-db-password-51c3"


def line(tmp_path, url: str):
    env = {"DAGSTER_HOME": str(tmp_path), "TRACK_ASSETS_DATABASE_URL": url}
    return check_database(DoctorContext(load_settings(env), timeout=3))


def test_a_database_at_head_passes(tmp_path, database_url, engine_at_head):
    engine_at_head(database_url).dispose()
    check = line(tmp_path, database_url)
    assert check.status is Status.PASS, check.detail
    assert check.facts["revision"] == check.facts["head"] == head_revision()
    assert check.target == make_url(database_url).get_backend_name()


def test_an_older_schema_warns_with_the_upgrade_command(tmp_path, database_url, engine_at_head):
    engine = engine_at_head(database_url)
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "-1")
    older = current_revision(engine)
    engine.dispose()
    check = line(tmp_path, database_url)
    assert check.status is Status.WARN
    assert f"is at schema revision {older}, not this version's {head_revision()}" in check.detail
    assert "`track-assets db upgrade`" in check.detail
    assert current_revision(make_engine(database_url)) == older  # not migrated by the doctor


def test_an_empty_database_warns_that_it_has_no_schema(tmp_path, database_url):
    engine = make_engine(database_url)
    with engine.connect():  # the SQLite file exists, with no table
        pass
    engine.dispose()
    check = line(tmp_path, database_url)
    assert check.status is Status.WARN
    assert "has no track_assets schema yet" in check.detail
    assert inspect(make_engine(database_url)).get_table_names() == []


def test_a_schema_from_a_newer_version_fails(tmp_path, database_url, engine_at_head):
    engine = engine_at_head(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    check = line(tmp_path, database_url)
    assert check.status is Status.FAIL
    assert "schema revision 9999, which this version does not know" in check.detail


def test_a_missing_sqlite_file_warns_and_is_not_created(tmp_path):
    path = tmp_path / "not-yet" / "track_assets.sqlite"
    check = line(tmp_path, f"sqlite:///{path}")
    assert check.status is Status.WARN
    assert f"the SQLite database {path} does not exist" in check.detail
    assert not path.parent.exists()


@pytest.mark.postgres
def test_postgres_shows_the_url_without_its_password(tmp_path, postgres_url, engine_at_head):
    engine_at_head(postgres_url).dispose()
    url = make_url(postgres_url).set(password=PASSWORD)  # the test cluster trusts loopback
    check = line(tmp_path, url.render_as_string(hide_password=False))
    assert check.status is Status.PASS
    assert check.facts["url"] == url.render_as_string(hide_password=True)
    assert "***" in check.facts["url"] and PASSWORD not in check.detail + str(check.facts)


def test_a_server_that_does_not_answer_fails_without_the_password(tmp_path):
    url = f"postgresql+psycopg2://doctor:{PASSWORD}@127.0.0.1:{free_port()}/track_assets"
    check = line(tmp_path, url)
    assert check.status is Status.FAIL
    assert "cannot open the database" in check.detail and "Connection refused" in check.detail
    assert PASSWORD not in check.detail + str(check.facts)
