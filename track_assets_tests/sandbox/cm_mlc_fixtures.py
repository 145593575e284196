"""Catalogs and helpers for the Chartmetric and MLC emulator tests.

The demo generator gives the catalog; two works are added from the real MLC portal recordings
(track_assets_tests/fixtures/reference/mlc/portal-api/), so the emulator's Public Search API shape can be checked against
what the MLC really holds for SPEEDOMETER (SB5VH7) and MUCHUZI (MA0PFZ).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from track_assets.sandbox.catalog.generate import generate_catalog
from track_assets.sandbox.catalog.load import load_catalog
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.server import SandboxServer
from track_assets_tests.support.reference import reference_json

CATALOG_DATE = date(2026, 11, 1)
SB5VH7_FILE = "mlc/portal-api/work_SB5VH7_speedometer_total-known-shares-50.trimmed.json"
MA0PFZ_FILE = "mlc/portal-api/work_MA0PFZ_muchuzi_total-known-shares-30.trimmed.json"
# Made-up ISRCs for the recordings of the two portal works (the portal files' own recordings
# are DSP matches, not Public Search API recordings).
PORTAL_ISRCS = {"SB5VH7": "NGA3B2400101", "MA0PFZ": "UGA1C2300202"}
# Portal writer roles are integers; the Public Search API uses CWR letters (docs/services.md#mlc-portal-recordings).
_PORTAL_ROLES = {11: "CA", 10: "C", 9: "A"}


def portal_work(relative: str) -> dict[str, Any]:
    """A catalog `mlc.works` entry built from a real portal work: names, IPIs, shares, the
    administrator chain and which writers each original publisher represents."""
    raw = reference_json(relative)

    def writer(person: dict) -> dict:
        first, _, last = person["fullName"].partition(" ")
        return {
            "writer_id": str(person["ipId"]),
            "first_name": first,
            "last_name": last,
            "ipi": person["ipiNumber"],
            "role_code": _PORTAL_ROLES[person["roleCode"]],
        }

    def administrator(admin: dict) -> dict:
        return {
            "publisher_id": str(admin["ipId"]),
            "name": admin["publisherName"],
            "ipi": admin["ipiNumber"],
            "mlc_publisher_number": admin["hfaPublisherNumber"],
            "collection_share": admin["publisherShare"],
        }

    return {
        "song_code": raw["songCode"],
        "title": raw["title"],
        "iswc": raw["iswc"],
        "alternative_titles": raw["alternativeTitles"],
        "artists": "",
        "writers": [writer(w) for w in raw["writers"]],
        "publishers": [
            {
                "publisher_id": str(p["ipId"]),
                "name": p["publisherName"],
                "ipi": p["ipiNumber"],
                "mlc_publisher_number": p["hfaPublisherNumber"],
                "role_code": "E",
                "collection_share": p["publisherShare"],
                "administrators": [administrator(a) for a in p["administratorPublishers"]],
                "writer_ids": [str(w["ipId"]) for w in p["writers"]],
            }
            for p in raw["originalPublishers"]
        ],
    }


def catalog_data() -> dict[str, Any]:
    data = generate_catalog(seed=11, playlists=3, tracks=25, reference_date=CATALOG_DATE)
    mlc = data.setdefault("mlc", {"works": [], "recordings": []})
    for code, relative in (("SB5VH7", SB5VH7_FILE), ("MA0PFZ", MA0PFZ_FILE)):
        work = portal_work(relative)
        mlc["works"].append(work)
        mlc["recordings"].append(
            {
                "id": f"9{len(mlc['recordings']):08d}",
                "isrc": PORTAL_ISRCS[code],
                "title": work["title"],
                "artist": "",
                "labels": "",
                "song_code": code,
            }
        )
    return data


def emulator_catalog() -> Catalog:
    return load_catalog(catalog_data())


def chartmetric_token(server: SandboxServer) -> str:
    response = httpx.post(
        f"{server.base_url('chartmetric')}/api/token",
        json={"refreshtoken": server.credentials("chartmetric")["CHARTMETRIC_REFRESH_TOKEN"]},
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def mlc_tokens(server: SandboxServer) -> dict[str, Any]:
    credentials = server.credentials("mlc")
    response = httpx.post(
        f"{server.base_url('mlc')}/oauth/token",
        json={"username": credentials["MLC_USERNAME"], "password": credentials["MLC_PASSWORD"]},
    )
    assert response.status_code == 200, response.text
    return response.json()
