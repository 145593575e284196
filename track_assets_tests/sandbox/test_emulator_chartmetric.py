"""The Chartmetric emulator over real HTTP: token flow, envelope, ids, metadata, stats, search,
playlists, plan, rate limit. Error behaviour is checked the way a strict client would meet it."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from datetime import date, timedelta

import httpx
import pytest

from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.catalog.timeseries import play_count_on, popularity_on
from track_assets.sandbox.emulators.chartmetric import chartmetric_emulator, youtube_video_id
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.sandbox.cm_mlc_fixtures import (
    CATALOG_DATE,
    chartmetric_token,
    emulator_catalog,
)
from track_assets_tests.support.clock import ManualClock
from track_assets_tests.support.reference import reference_json

RATE_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return emulator_catalog()


def _server(catalog: Catalog, **options) -> SandboxServer:
    options.setdefault("seed", 5)
    options.setdefault("date", CATALOG_DATE)
    return SandboxServer([chartmetric_emulator()], catalog, SandboxOptions(**options))


@pytest.fixture(scope="module")
def sandbox(catalog: Catalog) -> Iterator[SandboxServer]:
    """Relaxed limits so functional tests need not pace; the limiter has its own tests."""
    with _server(catalog, rate_limits="off") as server:
        yield server


@pytest.fixture(scope="module")
def api(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    token = chartmetric_token(sandbox)
    with httpx.Client(
        base_url=sandbox.base_url("chartmetric"), headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


def _error_of(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and isinstance(body["error"], str) and body["error"]
    return body["error"]


# --- token ------------------------------------------------------------------------------------


def test_token_response_has_the_documented_keys_and_types(sandbox):
    example = reference_json("chartmetric/docs-examples/post-api-token_200_apidocs-example.json")
    refresh = sandbox.credentials("chartmetric")["CHARTMETRIC_REFRESH_TOKEN"]
    response = httpx.post(
        f"{sandbox.base_url('chartmetric')}/api/token", json={"refreshtoken": refresh}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(example)
    assert {k: type(v) for k, v in body.items()} == {k: type(v) for k, v in example.items()}
    assert body["expires_in"] == example["expires_in"] == 3600
    assert body["scope"] == example["scope"]
    assert body["refresh_token"] == refresh
    assert body["token"].startswith("eyJ") and body["token"].count(".") == 2  # a JWT, as there


@pytest.mark.parametrize(
    ("why", "request_of", "status"),
    [
        ("wrong refresh token", lambda ours: {"json": {"refreshtoken": "not-ours"}}, 401),
        ("no body", lambda ours: {}, 401),
        ("camelCase key", lambda ours: {"json": {"refreshToken": ours}}, 401),
        ("snake_case key", lambda ours: {"json": {"refresh_token": ours}}, 401),
        ("form-encoded body", lambda ours: {"data": {"refreshtoken": ours}}, 401),
        (
            "broken JSON",
            lambda ours: {"content": b"{", "headers": {"Content-Type": "application/json"}},
            400,
        ),
    ],
)
def test_token_endpoint_refuses_anything_but_the_documented_request(
    sandbox, why, request_of, status
):
    refresh = sandbox.credentials("chartmetric")["CHARTMETRIC_REFRESH_TOKEN"]
    response = httpx.post(f"{sandbox.base_url('chartmetric')}/api/token", **request_of(refresh))
    assert response.status_code == status, why
    _error_of(response)
    assert all(h in response.headers for h in RATE_HEADERS)


@pytest.mark.parametrize(
    ("why", "authorization"),
    [
        ("no header", None),
        ("unknown token", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln"),
        ("refresh token as bearer", "Bearer <refresh>"),
        ("token without scheme", "<token>"),
    ],
)
def test_data_endpoints_need_a_minted_bearer_token(sandbox, catalog, why, authorization):
    refresh = sandbox.credentials("chartmetric")["CHARTMETRIC_REFRESH_TOKEN"]
    headers = {}
    if authorization is not None:
        value = authorization.replace("<refresh>", refresh)
        headers["Authorization"] = value.replace("<token>", chartmetric_token(sandbox))
    track_id = catalog.cm_tracks[0].id
    response = httpx.get(f"{sandbox.base_url('chartmetric')}/api/track/{track_id}", headers=headers)
    assert response.status_code == 401, why
    _error_of(response)


def test_an_access_token_expires_and_a_new_one_is_minted_from_the_same_refresh_token(catalog):
    with _server(
        catalog, rate_limits="off", settings={"chartmetric": {"token_lifetime_seconds": 0.4}}
    ) as server:
        token = chartmetric_token(server)
        url = f"{server.base_url('chartmetric')}/api/track/{catalog.cm_tracks[0].id}"
        assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        time.sleep(0.5)
        expired = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
        assert expired.status_code == 401
        _error_of(expired)
        fresh = chartmetric_token(server)
        assert httpx.get(url, headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


# --- ids --------------------------------------------------------------------------------------


def test_get_ids_lists_every_chartmetric_id_of_an_isrc(api, catalog):
    isrc, ids = next((i, c) for i, c in catalog.chartmetric_ids_by_isrc.items() if len(c) > 1)
    body = api.get(f"/api/track/isrc/{isrc}/get-ids").json()
    assert set(body) == {"obj"} and isinstance(body["obj"], list) and len(body["obj"]) == 1
    row = body["obj"][0]
    assert row["isrc"] == isrc
    assert sorted(row["chartmetric_ids"]) == sorted(ids)
    assert all(isinstance(i, int) for i in row["chartmetric_ids"])
    spotify = {s for i in ids for s in catalog.cm_tracks_by_id[i].spotify_track_ids}
    assert set(row["spotify_ids"]) == spotify


def test_get_ids_by_spotify_and_chartmetric_id_and_nothing_found(api, catalog):
    cm_track = next(t for t in catalog.cm_tracks if t.youtube_views is not None)
    by_spotify = api.get(f"/api/track/spotify/{cm_track.spotify_track_ids[0]}/get-ids").json()
    assert cm_track.id in by_spotify["obj"][0]["chartmetric_ids"]
    by_cm = api.get(f"/api/track/chartmetric/{cm_track.id}/get-ids").json()["obj"]
    assert by_cm[0]["chartmetric_ids"] == [cm_track.id]
    assert by_cm[0]["youtube_ids"] == [youtube_video_id(cm_track)]
    assert api.get("/api/track/isrc/ZZZZZ0000000/get-ids").json() == {"obj": []}


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/track/upc/123/get-ids", 400),  # not an id type
        ("/api/track/chartmetric/abc/get-ids", 400),  # not a number
        ("/api/track/abc", 400),
        ("/api/track/999999999", 404),
        ("/api/tracks/1", 404),  # unknown route: JSON error too
    ],
)
def test_bad_ids_and_routes_get_json_errors(api, path, status):
    response = api.get(path)
    assert response.status_code == status
    _error_of(response)
    assert all(h in response.headers for h in RATE_HEADERS)


# --- track metadata ---------------------------------------------------------------------------


def test_track_metadata_has_the_fields_consumers_read(api, catalog):
    cm_track = catalog.cm_tracks[0]
    body = api.get(f"/api/track/{cm_track.id}").json()
    track = body["obj"]
    assert {
        "id", "name", "isrc", "image_url", "duration_ms", "composer_name", "songwriters",
        "moods", "activities", "tags", "artists", "albums", "release_date", "album_label",
        "explicit", "score", "tempo", "cm_statistics",
    } <= set(track)  # fmt: skip
    assert (track["id"], track["name"], track["isrc"]) == (
        cm_track.id,
        cm_track.name,
        cm_track.isrc,
    )
    assert track["composer_name"] == cm_track.composer_name
    assert track["songwriters"] == [s.name for s in cm_track.songwriters]
    assert [m["name"] for m in track["moods"]] == [m.name for m in cm_track.moods]
    assert [a["name"] for a in track["activities"]] == [a.name for a in cm_track.activities]
    assert isinstance(track["tags"], str)
    stats = track["cm_statistics"]
    assert stats["sp_playlist_total_reach"] == cm_track.playlist_reach
    assert stats["num_sp_playlists"] == cm_track.spotify_playlist_count
    assert stats["num_sp_editorial_playlists"] == cm_track.spotify_editorial_playlist_count
    assert stats["sp_popularity_rank"] == cm_track.spotify_popularity_rank
    spotify = catalog.tracks_by_id[cm_track.spotify_track_ids[0]]
    assert stats["sp_popularity"] == popularity_on(spotify, CATALOG_DATE)
    assert stats["sp_streams"] is None  # the default plan has no stream counts


# --- stats ------------------------------------------------------------------------------------


def _stats(api, track_id, platform="spotify", mode="most-history", **params):
    return api.get(f"/api/track/{track_id}/{platform}/stats/{mode}", params=params)


def test_stats_series_runs_from_since_to_until_one_point_a_day(api, catalog):
    cm_track = catalog.cm_tracks[0]
    spotify = catalog.tracks_by_id[cm_track.spotify_track_ids[0]]
    since = CATALOG_DATE - timedelta(days=6)
    body = _stats(api, cm_track.id, since=since.isoformat(), until=CATALOG_DATE.isoformat()).json()
    [entry] = body["obj"]
    assert entry["domain"] == "spotify" and entry["track_domain_id"] == spotify.id
    days = [since + timedelta(days=n) for n in range(7)]
    assert [p["timestp"][:10] for p in entry["data"]] == [d.isoformat() for d in days]
    assert [p["value"] for p in entry["data"]] == [popularity_on(spotify, d) for d in days]
    # interpolated=false (the default) names the difference `diff` (docs/services.md#chartmetric-stats)
    assert all(set(p) == {"value", "timestp", "diff"} for p in entry["data"])


def test_stats_defaults_to_the_last_180_days_and_latest_gives_one_point(api, catalog):
    cm_track = next(
        t
        for t in catalog.cm_tracks
        if t.stats_since and t.stats_since < CATALOG_DATE - timedelta(days=200)
    )
    data = _stats(api, cm_track.id).json()["obj"][0]["data"]
    assert data[0]["timestp"][:10] == (CATALOG_DATE - timedelta(days=180)).isoformat()
    assert data[-1]["timestp"][:10] == CATALOG_DATE.isoformat()
    latest = _stats(api, cm_track.id, latest="true", interpolated="true").json()["obj"][0]["data"]
    assert len(latest) == 1 and latest[0]["timestp"][:10] == CATALOG_DATE.isoformat()
    assert set(latest[0]) == {"value", "timestp", "daily_diff", "interpolated"}


@pytest.mark.parametrize(
    ("why", "platform", "mode", "params", "status"),
    [
        ("latest is a parameter, not a mode", "spotify", "latest", {}, 400),
        ("unknown platform", "napster", "most-history", {}, 400),
        ("unknown type", "spotify", "most-history", {"type": "followers"}, 400),
        ("bad since", "spotify", "most-history", {"since": "2026/01/01"}, 400),
        ("bad boolean", "spotify", "most-history", {"latest": "yes"}, 400),
        ("streams not in the plan", "spotify", "most-history", {"type": "streams"}, 403),
    ],
)
def test_stats_refuse_bad_parameters_and_closed_stream_counts(
    api, catalog, why, platform, mode, params, status
):
    response = _stats(api, catalog.cm_tracks[0].id, platform, mode, **params)
    assert response.status_code == status, why
    _error_of(response)


def test_stats_without_mode_is_not_a_route(api, catalog):
    response = api.get(f"/api/track/{catalog.cm_tracks[0].id}/spotify/stats")
    assert response.status_code == 404
    _error_of(response)


def test_series_grow_as_the_sandbox_date_moves_on(catalog):
    cm_track = next(t for t in catalog.cm_tracks if t.youtube_views is not None)
    spotify = catalog.tracks_by_id[cm_track.spotify_track_ids[0]]
    later = CATALOG_DATE + timedelta(days=30)
    with _server(
        catalog, rate_limits="off", settings={"chartmetric": {"streams_in_plan": True}}
    ) as server:
        headers = {"Authorization": f"Bearer {chartmetric_token(server)}"}
        base = f"{server.base_url('chartmetric')}/api/track/{cm_track.id}"

        def latest(platform: str, **params) -> int:
            url = f"{base}/{platform}/stats/highest-playcounts"
            response = httpx.get(url, headers=headers, params={"latest": "true", **params})
            return response.json()["obj"][0]["data"][0]["value"]

        before = (latest("spotify", type="streams"), latest("youtube"))
        assert (
            httpx.get(base, headers=headers).json()["obj"]["cm_statistics"]["sp_streams"]
            == before[0]
        )
        server.clock.set_date(later)
        after = (latest("spotify", type="streams"), latest("youtube"))
    assert before[0] == play_count_on(spotify, CATALOG_DATE)
    assert after[0] == play_count_on(spotify, later) > before[0]
    assert after[1] > before[1]


# --- search and playlists ---------------------------------------------------------------------


def test_search_with_a_spotify_playlist_url_finds_the_chartmetric_playlist_id(api, catalog):
    cm_playlist = catalog.cm_playlists[0]
    url = f"https://open.spotify.com/playlist/{cm_playlist.spotify_playlist_id}?si=abc"
    body = api.get("/api/search", params={"q": url, "type": "playlists"}).json()
    assert set(body["obj"]) == {"playlists"}
    [found] = body["obj"]["playlists"]["spotify"]
    assert found["id"] == cm_playlist.id
    assert set(found) == {"id", "name", "image_url", "owner_name"}
    unknown = next(p for p in catalog.playlists if p.id not in catalog.cm_playlists_by_spotify_id)
    miss = api.get(
        "/api/search",
        params={"q": f"https://open.spotify.com/playlist/{unknown.id}", "type": "playlists"},
    ).json()
    assert miss["obj"]["playlists"]["spotify"] == []


def test_search_with_a_spotify_track_url_finds_tracks_with_string_ids(api, catalog):
    cm_track = catalog.cm_tracks[0]
    url = f"https://open.spotify.com/track/{cm_track.spotify_track_ids[0]}"
    body = api.get("/api/search", params={"q": url, "type": "tracks"}).json()
    assert {t["id"] for t in body["obj"]["tracks"]} == {str(cm_track.id)}
    everything = api.get("/api/search", params={"q": url}).json()["obj"]
    assert {"tracks", "artists", "playlists", "albums", "songwriters"} <= set(everything)


@pytest.mark.parametrize("params", [{"type": "tracks"}, {"q": "x", "type": "songs"}])
def test_search_refuses_a_missing_query_or_unknown_type(api, params):
    response = api.get("/api/search", params=params)
    assert response.status_code == 400
    _error_of(response)


def test_playlist_metadata_and_tracks_by_chartmetric_id(api, catalog):
    cm_playlist = next(p for p in catalog.cm_playlists if p.past_track_ids)
    playlist = catalog.playlists_by_id[cm_playlist.spotify_playlist_id]
    meta = api.get(f"/api/playlist/spotify/{cm_playlist.id}").json()["obj"]
    assert (meta["id"], meta["name"], meta["playlist_id"]) == (
        cm_playlist.id,
        playlist.name,
        playlist.id,
    )
    assert meta["num_track"] == len(cm_playlist.track_ids)
    current = api.get(f"/api/playlist/spotify/{cm_playlist.id}/current/tracks").json()["obj"]
    assert [row["spotify_track_id"] for row in current] == list(cm_playlist.track_ids)
    assert all(row["cm_track"] in catalog.cm_tracks_by_id for row in current)
    page = api.get(
        f"/api/playlist/spotify/{cm_playlist.id}/current/tracks", params={"limit": 2, "offset": 1}
    ).json()["obj"]
    assert page == current[1:3]
    past = api.get(f"/api/playlist/spotify/{cm_playlist.id}/past/tracks").json()["obj"]
    assert [row["spotify_track_id"] for row in past] == list(cm_playlist.past_track_ids)


@pytest.mark.parametrize(
    ("why", "path", "params", "status"),
    [
        ("Spotify id for metadata", "/api/playlist/spotify/{spotify}", {}, 400),
        ("Spotify id for tracks", "/api/playlist/spotify/{spotify}/current/tracks", {}, 400),
        ("page over 100", "/api/playlist/spotify/{cm}/current/tracks", {"limit": 101}, 400),
        ("unknown span", "/api/playlist/spotify/{cm}/future/tracks", {}, 400),
        ("unknown platform", "/api/playlist/napster/{cm}", {}, 400),
        ("unknown playlist", "/api/playlist/spotify/999999999", {}, 404),
    ],
)
def test_playlist_endpoints_refuse_spotify_ids_and_bad_paging(
    api, catalog, why, path, params, status
):
    cm_playlist = catalog.cm_playlists[0]
    path = path.format(spotify=cm_playlist.spotify_playlist_id, cm=cm_playlist.id)
    response = api.get(path, params=params)
    assert response.status_code == status, why
    _error_of(response)


# --- rate limit -------------------------------------------------------------------------------


def test_every_response_carries_the_rate_limit_headers(catalog):
    with _server(catalog) as server:
        base = server.base_url("chartmetric")
        responses = [
            httpx.post(f"{base}/api/token", json={"refreshtoken": "wrong"}),
            httpx.get(f"{base}/api/track/1"),
            httpx.get(f"{base}/nowhere"),
        ]
    for response in responses:
        assert all(h in response.headers for h in RATE_HEADERS), response.status_code
        assert response.headers["X-RateLimit-Limit"] == "1"
    # the second and third came within the same second: refused, with the reset moment
    assert [r.status_code for r in responses] == [401, 429, 429]
    refused = responses[2]
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    assert int(refused.headers["X-RateLimit-Reset"]) >= math.floor(time.time())
    body = refused.json()
    assert isinstance(body["error"], str) and isinstance(body["Retry-after"], int)


def test_a_client_at_two_requests_a_second_is_refused_and_counted(catalog):
    clock = ManualClock()  # the limiter's time moves only when the test moves it
    with _server(catalog) as server:
        server.limits("chartmetric").use_clock(clock.monotonic, clock.wall)
        token = chartmetric_token(server)  # minting counts against the limit too
        url = f"{server.base_url('chartmetric')}/api/track/{catalog.cm_tracks[0].id}"
        statuses = []
        for _ in range(5):
            clock.advance(0.5)
            statuses.append(
                httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code
            )
        violations = server.counters.snapshot("chartmetric").violations
    # One a second: the token at 0 s, then every other request (1 s, 2 s); 0.5 s after one, no.
    assert statuses == [429, 200, 429, 200, 429]
    assert violations.get("requests", 0) == statuses.count(429)


def test_a_client_pacing_just_over_a_second_is_never_refused(catalog):
    clock = ManualClock()
    with _server(catalog) as server:
        server.limits("chartmetric").use_clock(clock.monotonic, clock.wall)
        token = chartmetric_token(server)
        url = f"{server.base_url('chartmetric')}/api/track/{catalog.cm_tracks[0].id}"
        statuses = []
        for _ in range(3):
            clock.advance(1.05)
            response = httpx.get(url, headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)
            reset = int(response.headers["X-RateLimit-Reset"])
            assert clock.wall() < reset <= clock.wall() + 2  # the request just made leaves then
        assert server.counters.snapshot("chartmetric").violations == {}
    assert statuses == [200, 200, 200]


# --- settings and faults ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [{"streams_in_plan": "yes"}, {"token_lifetime_seconds": 0}, {"plan": "enterprise"}],
)
def test_bad_settings_stop_the_start(catalog, settings):
    with pytest.raises(ValueError, match=r"settings\.chartmetric"):
        _server(catalog, settings={"chartmetric": settings}).start()


def test_injected_errors_use_the_chartmetric_error_body(sandbox, api):
    sandbox.faults("chartmetric").fail_next(1, status=502)
    response = api.get("/api/search", params={"q": "x"})
    assert response.status_code == 502
    _error_of(response)


def test_the_streams_plan_flag_opens_stream_counts(catalog):
    cm_track = catalog.cm_tracks[0]
    spotify = catalog.tracks_by_id[cm_track.spotify_track_ids[0]]
    day = CATALOG_DATE
    with _server(
        catalog, rate_limits="off", settings={"chartmetric": {"streams_in_plan": True}}
    ) as server:
        headers = {"Authorization": f"Bearer {chartmetric_token(server)}"}
        response = httpx.get(
            f"{server.base_url('chartmetric')}/api/track/{cm_track.id}/spotify/stats/most-history",
            headers=headers,
            params={"type": "streams", "since": (day - timedelta(days=1)).isoformat()},
        )
    assert response.status_code == 200
    data = response.json()["obj"][0]["data"]
    assert [p["value"] for p in data] == [
        play_count_on(spotify, day - timedelta(days=1)),
        play_count_on(spotify, day),
    ]
    assert data[1]["diff"] == data[1]["value"] - data[0]["value"]


def test_catalog_dates_are_what_the_tests_assume(catalog):
    assert catalog.reference_date == CATALOG_DATE == date(2026, 11, 1)
