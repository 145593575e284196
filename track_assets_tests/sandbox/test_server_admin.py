"""The admin endpoint changes faults, the clock and limits of a running sandbox, over HTTP."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

ITEM = "/v1/items/{item_id}"


@pytest.fixture
def admin(sandbox):
    with httpx.Client(base_url=sandbox.admin_url) as client:
        yield client


@pytest.fixture
def echo(sandbox, echo_headers):
    with httpx.Client(base_url=sandbox.base_url("echo"), headers=echo_headers) as client:
        yield client


def test_config_reports_urls_credentials_settings_and_state(sandbox, admin):
    config = admin.get("/config").json()
    assert config["services"]["echo"]["urls"] == sandbox.urls["echo"]
    assert config["services"]["echo"]["credentials"] == sandbox.credentials("echo")
    assert config["services"]["scores"]["settings"] == {"tier": "development"}
    assert config["admin"] == sandbox.admin_url
    assert config["seed"] == 7
    assert config["rate_limits"] == "enforce"
    assert config["limits"]["echo"]["rolling"]["limit"] == 3
    assert config["faults"]["scores"]["error_rate"] == 0


def test_faults_are_set_at_runtime(admin, echo):
    scripted = {"count": 1, "status": 500, "endpoint": ITEM}
    reply = admin.post("/faults", json={"echo": {"fail_next": scripted}})
    assert reply.status_code == 200
    assert reply.json()["echo"]["scripted"][0]["endpoint"] == ITEM
    assert [echo.get("/v1/items/1").status_code for _ in range(2)] == [500, 200]
    assert admin.get("/faults").json()["echo"]["scripted"] == []

    admin.post("/faults", json={"echo": {"error_rate": 1.0, "error_statuses": [502]}})
    assert echo.get("/v1/items/1").status_code == 502
    admin.post("/faults", json={"echo": {"clear": True}})
    assert echo.get("/v1/items/1").status_code == 200
    assert admin.get("/faults").json()["echo"]["error_rate"] == 0


def test_the_clock_is_set_and_advanced_at_runtime(admin, echo):
    assert admin.post("/clock", json={"date": "2026-03-01"}).json()["date"] == "2026-03-01"
    assert echo.get("/v1/items/1").json()["today"] == "2026-03-01"
    advanced = admin.post("/clock", json={"advance_days": 2}).json()
    assert advanced == {**advanced, "date": "2026-03-03", "pinned": True}
    assert echo.get("/v1/items/1").json()["today"] == "2026-03-03"

    admin.post("/clock", json={"date": None})
    real_today = datetime.now(UTC).date().isoformat()
    assert admin.get("/clock").json()["date"] == real_today
    assert echo.get("/v1/items/1").json()["today"] == real_today


def test_limits_are_changed_and_reset_at_runtime(sandbox, admin, echo):
    admin.post("/limits", json={"echo": {"rolling": {"mode": "off"}}})
    assert {echo.get("/v1/limited").status_code for _ in range(6)} == {200}

    reply = admin.post("/limits", json={"echo": {"rolling": {"mode": "enforce", "limit": 1}}})
    assert reply.json()["echo"]["rolling"] == {
        "kind": "sliding_window",
        "mode": "enforce",
        "limit": 1,
        "window": 2.0,
        "count_rejected": False,
    }
    assert [echo.get("/v1/limited").status_code for _ in range(2)] == [200, 429]
    assert admin.post("/limits/reset", json={"service": "echo"}).json() == {"reset": ["echo"]}
    assert echo.get("/v1/limited").status_code == 200
    assert admin.get("/limits").json()["echo"]["bucket"]["rate"] == 1.0


def test_counters_are_reported_and_reset(admin, echo):
    echo.get("/v1/items/1")
    echo.get("/v1/limited")
    counters = admin.get("/counters").json()
    assert counters["echo"]["requests"] == {ITEM: {"200": 1}, "/v1/limited": {"200": 1}}
    assert counters["echo"]["violations"] == {}
    reset = admin.post("/counters/reset", json={"service": "echo"}).json()
    assert reset["echo"]["total"] == 0


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/faults", b"{not json", "not valid JSON"),
        ("/faults", b"[1, 2]", "must be a JSON object"),
        ("/faults", b"", "send a JSON object"),
        ("/faults", {"spotify_api": {}}, "unknown service(s) spotify_api; known: echo, scores"),
        ("/faults", {"echo": {"error_rate": 2}}, "faults.echo.error_rate must be between 0 and 1"),
        ("/faults", {"echo": {"eror_rate": 0.1}}, "unknown fault setting 'eror_rate'"),
        ("/faults", {"echo": {"fail_next": {"kind": "explode"}}}, "kind 'explode' is not one of"),
        ("/faults", {"echo": {"fail_next": {"status": 200}}}, "must be a whole number >= 400"),
        ("/clock", {"date": "01/03/2026"}, "not a date in the form YYYY-MM-DD"),
        ("/clock", {"date": "2026-03-01", "advance_days": 1}, 'send {"date": "YYYY-MM-DD"}'),
        ("/clock", {"advance_days": "2"}, "must be a whole number"),
        ("/limits", {"echo": {"daily": {"limit": 1}}}, "has no limiter 'daily'"),
        (
            "/limits",
            {"echo": {"rolling": {"window": -1}}},
            "echo.rolling.window must be a number > 0",
        ),
        ("/counters/reset", {"service": "nope"}, "unknown service(s) nope"),
    ],
)
def test_bad_input_is_refused_with_400_and_a_clear_message(admin, path, body, message):
    if isinstance(body, bytes):
        reply = admin.post(path, content=body)
    else:
        reply = admin.post(path, json=body)
    assert reply.status_code == 400
    assert message in reply.json()["error"]


def test_a_refused_change_changes_nothing(admin):
    reply = admin.post(
        "/faults",
        json={"echo": {"error_rate": 0.5}, "scores": {"error_rate": 0.7, "reset_rate": 0.7}},
    )
    assert reply.status_code == 400
    assert "add up to 1.4" in reply.json()["error"]
    assert admin.get("/faults").json()["echo"]["error_rate"] == 0
