"""The MLC client against the emulator over real HTTP: login and the idToken bearer, token
renewal, recordings by ISRC, batched works equal to the catalog, refused credentials, injected
faults, and the emulator's real rate limit kept by the shared file limiter."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import time
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from track_assets.sandbox.catalog.model import Catalog, MlcAdministrator, MlcPublisher, MlcWork
from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import FileRateLimiter
from track_assets.services.mlc import (
    MalformedResponse,
    MlcCredentialsRejected,
    MlcPublisherRecord,
    MlcWorkRecord,
)
from track_assets_tests.sandbox.cm_mlc_fixtures import PORTAL_ISRCS
from track_assets_tests.services.mlc.conftest import start_mlc_sandbox

TOKEN = "POST /oauth/token"
RECORDINGS = "POST /search/recordings"
WORKS = "POST /works"
EMULATOR_TOKEN = "/oauth/token"
EMULATOR_RECORDINGS = "/search/recordings"
EMULATOR_WORKS = "/works"


def _client_counts(client, endpoint: str) -> dict[str, int]:
    return client.counters.snapshot()["mlc"]["by_endpoint"][endpoint]["by_status"]


def _jwt_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


# --- login and the bearer ---------------------------------------------------------------------


def test_one_login_serves_many_calls_with_the_id_token(sandbox: SandboxServer, client_for):
    client = client_for(sandbox)
    before = sandbox.counters.snapshot("mlc")
    assert client.recordings_by_isrc(PORTAL_ISRCS["SB5VH7"])[0].song_code == "SB5VH7"
    assert client.recordings_by_isrc(PORTAL_ISRCS["MA0PFZ"])[0].song_code == "MA0PFZ"
    assert client.works(["SB5VH7"])["SB5VH7"] is not None
    after = sandbox.counters.snapshot("mlc")
    # The emulator refuses the accessToken with 401: no 401 means the idToken was sent.
    assert after.count(status=401) == before.count(status=401)
    assert after.count(EMULATOR_TOKEN) - before.count(EMULATOR_TOKEN) == 1
    assert _client_counts(client, TOKEN) == {"200": 1}
    assert _client_counts(client, RECORDINGS) == {"200": 2}
    assert client.counters.snapshot()["mlc"]["token_refreshes"] == 0
    assert (client.tokens.logins, client.tokens.renewals) == (1, 0)
    assert _jwt_claims(client.tokens.token())["token_use"] == "id"


def test_an_expired_id_token_is_renewed_with_the_refresh_token(catalog: Catalog, client_for):
    # Tokens live 0.4 s at the emulator but announce expiresIn "1" (whole seconds): the client
    # first meets a 401 (and renews), later renews on its own before expiresIn runs out.
    server = start_mlc_sandbox(
        catalog, rate_limits="off", settings={"mlc": {"token_lifetime_seconds": 0.4}}
    )
    isrc = PORTAL_ISRCS["SB5VH7"]
    try:
        client = client_for(server)
        assert client.recordings_by_isrc(isrc)
        time.sleep(0.5)  # expired at the emulator, not yet for the client
        assert client.recordings_by_isrc(isrc)
        assert client.counters.snapshot()["mlc"]["token_refreshes"] == 1
        time.sleep(1.0)  # past the client's own renewal time: a new token before asking
        assert client.recordings_by_isrc(isrc)
        emulator = server.counters.snapshot("mlc")
    finally:
        server.stop()
    assert client.counters.snapshot()["mlc"]["token_refreshes"] == 1
    assert (client.tokens.logins, client.tokens.renewals) == (1, 2)  # renewals by refresh token
    assert _client_counts(client, RECORDINGS) == {"200": 3, "401": 1}
    assert emulator.count(EMULATOR_TOKEN, 200) == 3
    assert emulator.count(EMULATOR_RECORDINGS, 401) == 1


def test_a_refused_refresh_token_leads_to_a_new_login(catalog: Catalog, client_for):
    # A restarted emulator (same port, same credentials) no longer knows the refresh token.
    settings = {"mlc": {"token_lifetime_seconds": 0.4}}
    first = start_mlc_sandbox(catalog, rate_limits="off", settings=settings)
    port = urlsplit(first.base_url("mlc")).port
    client = client_for(first)
    try:
        assert client.recordings_by_isrc(PORTAL_ISRCS["SB5VH7"])
    finally:
        first.stop()
    second = start_mlc_sandbox(catalog, rate_limits="off", settings=settings, ports={"mlc": port})
    try:
        time.sleep(1.0)  # past the client's renewal time
        assert client.recordings_by_isrc(PORTAL_ISRCS["MA0PFZ"])[0].song_code == "MA0PFZ"
        emulator = second.counters.snapshot("mlc")
    finally:
        second.stop()
    assert emulator.count(EMULATOR_TOKEN, 403) == 1  # the refresh token, refused
    assert emulator.count(EMULATOR_TOKEN, 200) == 1  # the new login
    assert (client.tokens.logins, client.tokens.renewals) == (2, 0)


def test_a_wrong_password_says_which_settings_to_check(sandbox: SandboxServer, client_for):
    before = sandbox.counters.snapshot("mlc").count(EMULATOR_TOKEN, 403)
    client = client_for(sandbox, password="not-the-password")
    with pytest.raises(MlcCredentialsRejected) as raised:
        client.recordings_by_isrc(PORTAL_ISRCS["SB5VH7"])
    message = str(raised.value)
    assert "MLC_USERNAME" in message and "MLC_PASSWORD" in message and "HTTP 403" in message
    assert "Wrong email or password" in message
    assert "not-the-password" not in message  # secrets stay out of messages
    # Refused once, not retried, and no data request was sent without a token.
    assert sandbox.counters.snapshot("mlc").count(EMULATOR_TOKEN, 403) - before == 1
    assert set(client.counters.snapshot()["mlc"]["by_endpoint"]) == {TOKEN}


# --- recordings -------------------------------------------------------------------------------


def test_recordings_by_isrc_read_the_lower_case_s_song_code(client):
    [hit] = client.recordings_by_isrc(PORTAL_ISRCS["MA0PFZ"])
    assert hit.song_code == "MA0PFZ"
    assert hit.isrc == PORTAL_ISRCS["MA0PFZ"]
    assert hit.title == "MUCHUZI"


def test_the_isrc_is_normalised_before_it_is_sent(client):
    isrc = PORTAL_ISRCS["SB5VH7"]
    dashed = f" {isrc[:2]}-{isrc[2:5]}-{isrc[5:7]}-{isrc[7:].lower()} "
    assert [h.song_code for h in client.recordings_by_isrc(dashed)] == ["SB5VH7"]


def test_recordings_without_a_work_without_a_match_and_for_several_works(client, catalog):
    by_isrc = catalog.mlc_recordings_by_isrc
    unlinked = next(i for i, rs in by_isrc.items() if all(r.song_code is None for r in rs))
    several = next(i for i, rs in by_isrc.items() if len({r.song_code for r in rs}) > 1)
    unknown = next(t.isrc for t in catalog.tracks if t.isrc and t.isrc not in by_isrc)
    assert [h.song_code for h in client.recordings_by_isrc(unlinked)] == [None] * len(
        by_isrc[unlinked]
    )
    assert [h.song_code for h in client.recordings_by_isrc(several)] == [
        r.song_code for r in by_isrc[several]
    ]
    assert client.recordings_by_isrc(unknown) == []


# --- works ------------------------------------------------------------------------------------


def _same_publisher(record: MlcPublisherRecord, expected: MlcPublisher | MlcAdministrator) -> None:
    assert record.name == expected.name
    assert record.ipi == expected.ipi
    assert record.mlc_publisher_number == expected.mlc_publisher_number
    assert isinstance(record.collection_share, Decimal)
    assert record.collection_share == expected.collection_share


def _assert_work_equals(record: MlcWorkRecord, work: MlcWork) -> None:
    assert record.song_code == work.song_code
    assert record.title == work.title
    assert record.iswc == work.iswc
    assert record.alternative_titles == work.alternative_titles
    represented = {w for p in work.publishers for w in p.writer_ids}
    assert [(w.full_name, w.ipi, w.role_code) for w in record.writers] == [
        (w.full_name, w.ipi, w.role_code) for w in work.writers
    ]
    chains = {p.chain_id for p in record.publishers}
    for writer, expected in zip(record.writers, work.writers, strict=True):
        assert (writer.chain_id in chains) == (expected.writer_id in represented)
    assert len(record.publishers) == len(work.publishers)
    for publisher, expected in zip(record.publishers, work.publishers, strict=True):
        _same_publisher(publisher, expected)
        assert publisher.role_code == expected.role_code
        assert len(publisher.administrators) == len(expected.administrators)
        for admin, expected_admin in zip(
            publisher.administrators, expected.administrators, strict=True
        ):
            _same_publisher(admin, expected_admin)


def test_batched_works_equal_the_catalog(sandbox: SandboxServer, client_for, catalog: Catalog):
    client = client_for(sandbox, works_batch_size=4)
    codes = [w.song_code for w in catalog.mlc_works]
    found = client.works([*codes, "ZZZZZ9", codes[0]])  # an unknown code and a repeat
    assert list(found) == [*codes, "ZZZZZ9"]
    assert found["ZZZZZ9"] is None
    for work in catalog.mlc_works:
        _assert_work_equals(found[work.song_code], work)
    assert _client_counts(client, WORKS) == {"200": math.ceil((len(codes) + 1) / 4)}


def test_one_work_by_song_code_and_an_unknown_one(client, catalog: Catalog):
    speedometer = client.work("SB5VH7")
    _assert_work_equals(speedometer, catalog.mlc_works_by_song_code["SB5VH7"])
    [publisher] = speedometer.publishers
    assert publisher.collection_share == 0  # the share sits on the administrator (real data)
    assert [a.collection_share for a in publisher.administrators] == [Decimal(50)]
    assert client.work("ZZZZZ9") is None


def test_shares_such_as_33_33_stay_exact(client, catalog: Catalog):
    work = next(w for w in catalog.mlc_works if any(p.collection_share % 1 for p in w.publishers))
    record = client.works([work.song_code])[work.song_code]
    assert [p.collection_share for p in record.publishers] == [
        p.collection_share for p in work.publishers
    ]


# --- faults -----------------------------------------------------------------------------------


def test_an_injected_server_error_is_retried(sandbox: SandboxServer, client):
    client.works(["SB5VH7"])  # log in first, so the fault hits the search
    sandbox.faults("mlc").fail_next(1, status=500, endpoint=EMULATOR_RECORDINGS)
    assert client.recordings_by_isrc(PORTAL_ISRCS["SB5VH7"])[0].song_code == "SB5VH7"
    assert _client_counts(client, RECORDINGS) == {"200": 1, "500": 1}
    assert client.counters.snapshot()["mlc"]["retries"] == 1


def test_a_malformed_body_is_asked_again_then_raises_malformed_response(
    sandbox: SandboxServer, client
):
    client.works(["SB5VH7"])
    sandbox.faults("mlc").fail_next(1, kind="malformed", endpoint=EMULATOR_WORKS)
    assert client.works(["MA0PFZ"])["MA0PFZ"] is not None
    assert client.counters.snapshot()["mlc"]["malformed_bodies"] == 1

    attempts = client._http.retry_policy.max_attempts
    sandbox.faults("mlc").fail_next(attempts, kind="malformed", endpoint=EMULATOR_WORKS)
    with pytest.raises(MalformedResponse) as raised:
        client.works(["MA0PFZ"])
    assert raised.value.endpoint == WORKS
    assert "not valid JSON" in str(raised.value)
    assert client.works(["MA0PFZ"])["MA0PFZ"] is not None  # the next call is fine again


# --- the real rate limit ----------------------------------------------------------------------


def test_a_burst_paced_by_the_file_limiter_gets_no_429(catalog: Catalog, client_for, tmp_path):
    server = start_mlc_sandbox(catalog)  # the emulator's limit: 5 requests/s, enforced
    try:
        username = server.credentials("mlc")["MLC_USERNAME"]
        key = hashlib.sha256(username.encode()).hexdigest()[:16]
        limiter = FileRateLimiter("mlc", key, 5, 1.0, tmp_path)
        client = client_for(server, rate_limiter=limiter)
        for _ in range(7):
            assert client.recordings_by_isrc(PORTAL_ISRCS["SB5VH7"])
        emulator = server.counters.snapshot("mlc")
    finally:
        server.stop()
    assert emulator.violations == {}
    assert emulator.count(status=429) == 0
    assert emulator.count(status=200) == 8  # the login and seven searches
    summary = client.counters.snapshot()["mlc"]
    assert summary["by_status"] == {"200": 8}
    assert summary["rate_limit_wait_seconds"] >= 0.9  # the limiter, not luck, kept the pace
