"""The ids the doctor's requests ask about: on the real services, ids of recorded real responses;
on the sandbox, the track its catalog offers (`GET /probes` on its admin endpoint)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Probes:
    """`spotify_track_id` for the Web API, `credits_track_id` for the web player's credits,
    `isrc` for The MLC, MusicBrainz and Chartmetric."""

    spotify_track_id: str
    credits_track_id: str
    isrc: str


# Ids of real responses recorded under track_assets_tests/fixtures/reference/: "Sunburst" (Tobu,
# Itro), spotify/webapi/track_5NcYCtoBkAGyxL5SCF64av_2024.json, whose external_ids.isrc is
# GBSMU1664476; and the track of spotify/webplayer/spclient_track-credits_4LfCY65LvojKjWEnU7fNN4
# _2026-06.json, whose credits a logged-in web player was seen to serve.
REAL = Probes(
    spotify_track_id="5NcYCtoBkAGyxL5SCF64av",
    credits_track_id="4LfCY65LvojKjWEnU7fNN4",
    isrc="GBSMU1664476",
)


class ProbesUnavailable(Exception):
    """The running sandbox did not say which ids to probe it with."""


def sandbox_probes(admin_url: str, timeout: float) -> Probes:
    """The track the sandbox's catalog offers for probing (sandbox/probes.py)."""
    url = f"{admin_url.rstrip('/')}/probes"
    try:
        response = httpx.get(url, timeout=timeout)
        found = response.json() if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError) as error:
        raise ProbesUnavailable(
            f"the sandbox admin endpoint {url} did not answer ({error})"
        ) from None
    if not isinstance(found, dict) or not found.get("spotify_track_id") or not found.get("isrc"):
        raise ProbesUnavailable(
            f"the sandbox admin endpoint {url} names no track to probe (its catalog has no "
            "playlist track with an ISRC); serve a catalog with one"
        )
    track_id, isrc = str(found["spotify_track_id"]), str(found["isrc"])
    return Probes(spotify_track_id=track_id, credits_track_id=track_id, isrc=isrc)
