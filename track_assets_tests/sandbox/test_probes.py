"""`GET /probes` on the admin endpoint names a playlist track of the catalog that every emulator
knows, so that `track-assets doctor` asks each one about something it serves."""

from __future__ import annotations

import httpx

from track_assets.sandbox.catalog import generate
from track_assets.sandbox.emulators import all_emulators
from track_assets.sandbox.options import SandboxOptions
from track_assets.sandbox.probes import probe_ids
from track_assets.sandbox.server import SandboxServer


def test_the_probe_track_is_known_to_every_emulator():
    catalog = generate(seed=4, playlists=3, tracks=30)
    probe = probe_ids(catalog)
    track = catalog.tracks_by_id[probe["spotify_track_id"]]
    assert track in catalog.playlist_tracks()
    assert probe["isrc"] == track.isrc
    assert track.credits.writers
    assert catalog.mlc_recordings_by_isrc.get(track.isrc)
    assert catalog.mb_recordings_by_isrc.get(track.isrc)
    assert len(catalog.chartmetric_ids_by_isrc.get(track.isrc, ())) == 1


def test_no_catalog_offers_no_probe():
    assert probe_ids(None) == {}


def test_the_admin_endpoint_serves_the_probes():
    catalog = generate(seed=4, playlists=3, tracks=30)
    options = SandboxOptions(seed=1, rate_limits="off")
    with SandboxServer(all_emulators(), catalog, options) as server:
        answer = httpx.get(f"{server.admin_url}/probes")
    assert answer.status_code == 200
    assert answer.json() == probe_ids(catalog)
