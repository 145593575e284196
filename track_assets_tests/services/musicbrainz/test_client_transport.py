"""MusicBrainzClient's transport against the real emulator: the User-Agent, musicbrainzngs'
global state shared safely, 503 retries counted, failures turned into our errors, and the
shared limiter holding the emulator's real 1 request/s."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator

import httpx
import musicbrainzngs
import pytest
from musicbrainzngs import musicbrainz as mb_module

from track_assets.sandbox.server import SandboxServer
from track_assets.services.http import FileRateLimiter, ServiceUnavailable
from track_assets.services.musicbrainz import (
    MalformedResponse,
    MusicBrainzClient,
    MusicBrainzRequestFailed,
)
from track_assets.services.musicbrainz.client import ARTIST
from track_assets_tests.http.fakes import CountingLimiter
from track_assets_tests.services.musicbrainz.conftest import CONTACT, start_sandbox

EMULATOR_ARTIST = "/ws/2/artist/{ident}"


@pytest.fixture(scope="module")
def contact_only_sandbox(catalog) -> Iterator[SandboxServer]:
    """An emulator that answers 403 to any User-Agent not ending in `( CONTACT )`."""
    pattern = rf"^(?!.*\( {re.escape(CONTACT)} \)$)"
    server = start_sandbox(
        catalog,
        rate_limits="off",
        settings={"musicbrainz": {"blocked_user_agents": [pattern]}},
    )
    try:
        yield server
    finally:
        server.stop()


def test_user_agent_names_the_app_and_carries_the_contact(
    contact_only_sandbox, client_for, catalog
):
    artist = catalog.mb_artists[0]
    ours = client_for(contact_only_sandbox)
    assert re.fullmatch(
        rf"track-assets/[\w.]+ python-musicbrainzngs/0\.7\.1 \( {re.escape(CONTACT)} \)",
        ours.user_agent,
    )
    assert ours.artist(artist.mbid).mbid == artist.mbid

    stranger = client_for(contact_only_sandbox, contact="someone-else@example.invalid")
    with pytest.raises(MusicBrainzRequestFailed) as refused:
        stranger.artist(artist.mbid)
    assert refused.value.status == 403
    # musicbrainzngs alone would retry a 403 eight times (56 s): we stop at once.
    assert stranger.counters.snapshot()["musicbrainz"]["by_status"] == {"403": 1}
    with pytest.raises(ValueError, match="contact"):
        client_for(contact_only_sandbox, contact=" ")


def test_clients_on_other_threads_keep_their_own_configuration(
    contact_only_sandbox, client_for, catalog
):
    """musicbrainzngs' configuration is module-global: interleaved calls of two clients with
    different User-Agents each go out with their own."""
    ours = client_for(contact_only_sandbox)
    stranger = client_for(contact_only_sandbox, contact="someone-else@example.invalid")
    mbids = [a.mbid for a in catalog.mb_artists[:8]]
    outcomes: dict[str, list[str]] = {"ours": [], "stranger": []}

    def run(name: str, client: MusicBrainzClient) -> None:
        for mbid in mbids:
            try:
                client.artist(mbid)
                outcomes[name].append("ok")
            except MusicBrainzRequestFailed as failure:
                outcomes[name].append(str(failure.status))

    threads = [
        threading.Thread(target=run, args=("ours", ours)),
        threading.Thread(target=run, args=("stranger", stranger)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == {"ours": ["ok"] * len(mbids), "stranger": ["403"] * len(mbids)}


def test_configuration_is_restored_after_other_code_moves_musicbrainzngs(client, catalog):
    artist = catalog.mb_artists[0]
    client.artist(artist.mbid)
    musicbrainzngs.set_hostname("musicbrainz.invalid:1")
    musicbrainzngs.set_rate_limit(True)

    assert client.artist(artist.mbid).mbid == artist.mbid
    assert (mb_module.hostname, mb_module.https, mb_module.do_rate_limit) == (
        client.hostname,
        False,
        False,
    )


def test_a_503_is_retried_and_every_attempt_counted(client, sandbox, catalog):
    artist = catalog.mb_artists[0]
    before = sandbox.counters.snapshot("musicbrainz")
    sandbox.faults("musicbrainz").fail_next(1, status=503)

    assert client.artist(artist.mbid).mbid == artist.mbid

    ours = client.counters.snapshot()["musicbrainz"]
    assert ours["by_endpoint"][ARTIST]["by_status"] == {"200": 1, "503": 1}
    assert ours["retries"] == 1
    assert ours["backoff_seconds"] >= 1.9  # musicbrainzngs' own linear backoff
    after = sandbox.counters.snapshot("musicbrainz")
    assert after.count(EMULATOR_ARTIST, 503) - before.count(EMULATOR_ARTIST, 503) == 1
    assert after.count(EMULATOR_ARTIST, 200) - before.count(EMULATOR_ARTIST, 200) == 1


def test_503s_past_the_attempt_budget_raise_service_unavailable(sandbox, client_for, catalog):
    client = client_for(sandbox, max_attempts=1)
    sandbox.faults("musicbrainz").fail_next(1, status=503)
    started = time.monotonic()

    with pytest.raises(ServiceUnavailable) as failed:
        client.artist(catalog.mb_artists[0].mbid)

    assert time.monotonic() - started < 1.5  # not musicbrainzngs' 56 s of retries
    assert (failed.value.attempts, failed.value.last) == (1, "HTTP 503")
    assert client.counters.snapshot()["musicbrainz"]["by_status"] == {"503": 1}


def test_a_truncated_body_is_asked_again(client, sandbox, catalog):
    artist = catalog.mb_artists[0]
    sandbox.faults("musicbrainz").fail_next(1, kind="malformed")
    assert client.artist(artist.mbid).mbid == artist.mbid
    counted = client.counters.snapshot()["musicbrainz"]
    assert (counted["by_status"], counted["malformed_bodies"]) == ({"200": 2}, 1)


def test_truncated_bodies_past_the_attempt_budget_raise_malformed_response(
    sandbox, client_for, catalog
):
    client = client_for(sandbox, max_attempts=2)
    sandbox.faults("musicbrainz").fail_next(2, kind="malformed")
    with pytest.raises(MalformedResponse):
        client.artist(catalog.mb_artists[0].mbid)
    assert client.counters.snapshot()["musicbrainz"]["by_status"] == {"200": 2}


def test_a_hung_request_times_out_and_is_retried(sandbox, client_for, catalog):
    artist = catalog.mb_artists[0]
    client = client_for(sandbox, timeout=0.3)
    sandbox.faults("musicbrainz").fail_next(1, kind="timeout", seconds=5)

    assert client.artist(artist.mbid).mbid == artist.mbid

    ours = client.counters.snapshot()["musicbrainz"]
    assert ours["by_status"] == {"200": 1, "error:network": 1}
    assert ours["retries"] == 1


def test_every_attempt_gives_its_slot_back_whatever_its_outcome(sandbox, client_for, catalog):
    """A 503 retried, a hung request timed out and retried, a 404, a refusal that stops the
    attempts: each attempt took a slot and gave it back (none left pending until expiry)."""
    limiter = CountingLimiter()
    client = client_for(sandbox, rate_limiter=limiter, timeout=0.3, max_attempts=2)
    faults = sandbox.faults("musicbrainz")
    artist = catalog.mb_artists[0].mbid
    try:
        faults.fail_next(1, status=503)
        client.artist(artist)
        faults.fail_next(1, kind="timeout", seconds=5)
        client.artist(artist)
        assert client.artists_by_spotify_url("0" * 22) == []  # a 404
        faults.fail_next(2, status=503)
        with pytest.raises(ServiceUnavailable):
            client.artist(artist)
    finally:
        faults.clear()
    assert (limiter.acquired, limiter.held) == (7, 0)


def test_shared_limiter_keeps_a_burst_within_the_real_1_per_second(catalog, client_for, tmp_path):
    """Limits enforced as on musicbrainz.org (1/s per client IP). Two clients, each with its own
    FileRateLimiter on the same state directory, as two processes would have: 0 violations."""
    server = start_sandbox(catalog)  # rate limits enforced
    try:
        clients = [
            client_for(server, rate_limiter=FileRateLimiter("musicbrainz", "ip", 1, 1.0, tmp_path))
            for _ in range(2)
        ]
        mbids = [a.mbid for a in catalog.mb_artists[:5]]
        errors: list[BaseException] = []

        def burst(client: MusicBrainzClient, mine: list[str]) -> None:
            try:
                for mbid in mine:
                    client.artist(mbid)
            except BaseException as error:  # reported below
                errors.append(error)

        started = time.monotonic()
        threads = [
            threading.Thread(target=burst, args=(clients[0], mbids[:3])),
            threading.Thread(target=burst, args=(clients[1], mbids[3:])),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        emulator = server.counters.snapshot("musicbrainz")
        assert errors == []
        assert emulator.violations == {}
        assert emulator.count(status=503) == 0
        assert emulator.count(EMULATOR_ARTIST, 200) == 5
        assert elapsed >= 4.0  # five grants, one per second
        waits = sum(
            c.counters.snapshot()["musicbrainz"]["rate_limit_wait_seconds"] for c in clients
        )
        assert waits >= 3.5
    finally:
        server.stop()


def test_a_client_faster_than_one_a_second_on_average_gets_a_503(catalog):
    """Requests every 0.85 s: one early arrival is jitter the emulator absorbs, as musicbrainz.org
    counts 1 request/s on average; the drift is refused by the third or fourth request."""
    server = start_sandbox(catalog)  # rate limits enforced
    artist = catalog.mb_artists[0]
    headers = {"User-Agent": f"track-assets-test/1.0 ( {CONTACT} )"}
    url = f"{server.urls['musicbrainz']['base']}/ws/2/artist/{artist.mbid}?fmt=json"
    try:
        statuses = []
        with httpx.Client(headers=headers, timeout=10) as http:
            started = time.monotonic()
            for n in range(4):
                time.sleep(max(0.0, started + 0.85 * n - time.monotonic()))
                statuses.append(http.get(url).status_code)
        assert statuses[:2] == [200, 200]
        assert 503 in statuses[2:]
    finally:
        server.stop()
