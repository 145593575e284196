"""Request counters over real HTTP: by endpoint label and status, concurrent, resettable."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from track_assets.sandbox.context import EmulatorSpec
from track_assets.sandbox.endpoint_labels import UNMATCHED
from track_assets.sandbox.server import SandboxServer


def test_requests_are_counted_by_endpoint_and_status(sandbox, echo_headers):
    with httpx.Client(base_url=sandbox.base_url("echo")) as client:
        client.get("/v1/items/1", headers=echo_headers)
        client.get("/v1/items/2", headers=echo_headers)
        client.get("/v1/items/3", headers={"Authorization": "Bearer stolen"})
        client.post("/v1/echo", json={"hello": "world"})
        client.get("/v1/echo")  # wrong method
        client.get("/v2/nowhere")

    expected = {
        "/v1/echo": {"200": 1, "405": 1},
        "/v1/items/{item_id}": {"200": 2, "401": 1},
        UNMATCHED: {"404": 1},
    }
    snapshot = sandbox.counters.snapshot("echo")
    assert snapshot.requests == expected
    assert snapshot.total == 6
    assert snapshot.count("/v1/items/{item_id}") == 3
    assert snapshot.count(status=200) == 3
    assert sandbox.counters.snapshot("scores").total == 0

    reported = httpx.get(sandbox.admin_url + "/counters").json()
    assert reported["echo"]["requests"] == expected
    assert reported["echo"]["total"] == 6
    assert reported["scores"]["total"] == 0


def test_counts_from_concurrent_clients_add_up(sandbox, echo_headers):
    url = sandbox.base_url("echo") + "/v1/items/7"

    def client_run(_: int) -> list[int]:
        with httpx.Client(headers=echo_headers) as client:
            return [client.get(url).status_code for _ in range(25)]

    with ThreadPoolExecutor(8) as pool:
        statuses = [status for run in pool.map(client_run, range(8)) for status in run]
    assert statuses == [200] * 200
    assert sandbox.counters.snapshot("echo").requests == {"/v1/items/{item_id}": {"200": 200}}


async def _operation_label(request: Request, route: str) -> str:
    if route == "/query" and request.method == "POST":
        return f"query:{(await request.json()).get('operationName', '?')}"
    return route


def _graphql_app(context):
    async def query(request: Request) -> JSONResponse:
        body = await request.json()  # the labeller read it first; the app still gets it whole
        return JSONResponse({"data": {"operation": body["operationName"]}})

    return Starlette(routes=[Route("/query", query, methods=["POST"])])


def test_an_endpoint_labeller_can_name_graphql_operations():
    spec = EmulatorSpec("graph", _graphql_app, endpoint_label=_operation_label)
    with SandboxServer([spec]) as server, httpx.Client(base_url=server.base_url("graph")) as client:
        server.faults("graph").fail_next(1, status=500, endpoint="query:getAlbum")
        track = client.post("/query", json={"operationName": "getTrack", "variables": {"id": 1}})
        album = client.post("/query", json={"operationName": "getAlbum"})
        album_again = client.post("/query", content=json.dumps({"operationName": "getAlbum"}))
        snapshot = server.counters.snapshot("graph")

    assert track.json() == {"data": {"operation": "getTrack"}}
    assert album.status_code == 500
    assert album_again.json() == {"data": {"operation": "getAlbum"}}
    assert snapshot.requests == {
        "query:getAlbum": {"200": 1, "500": 1},
        "query:getTrack": {"200": 1},
    }


def test_counters_reset_per_service_or_all(sandbox, echo_headers):
    httpx.get(sandbox.base_url("echo") + "/v1/items/1", headers=echo_headers)
    httpx.get(sandbox.base_url("scores") + "/ws/2/artist/x")
    sandbox.counters.reset("echo")
    assert sandbox.counters.snapshot("echo").total == 0
    assert sandbox.counters.snapshot("scores").total == 1

    after = httpx.post(sandbox.admin_url + "/counters/reset").json()
    assert after["scores"]["total"] == 0
