"""The ids a running sandbox offers for probing (`GET /probes` on the admin endpoint): one track
of its catalog that every emulator knows, for `track-assets doctor`'s one request per service."""

from __future__ import annotations

from typing import Any

from track_assets.sandbox.catalog.model import Catalog, Track


def probe_ids(catalog: Any) -> dict[str, str]:
    """`spotify_track_id` and `isrc` of the playlist track that most emulators know: credited
    writers (the web player's credits), an ISRC, a recording at The MLC and at MusicBrainz, one
    Chartmetric track. Empty when the sandbox serves no catalog (or one without tracks)."""
    if not isinstance(catalog, Catalog):
        return {}
    tracks = catalog.playlist_tracks()
    if not tracks:
        return {}

    def known_by(track: Track) -> int:
        isrc = track.isrc or ""
        return sum(
            (
                bool(track.credits.writers),
                bool(isrc),
                bool(catalog.mlc_recordings_by_isrc.get(isrc)),
                bool(catalog.mb_recordings_by_isrc.get(isrc)),
                len(catalog.chartmetric_ids_by_isrc.get(isrc, ())) == 1,
            )
        )

    best = max(tracks, key=known_by)  # the first of the best, in playlist order
    return {"spotify_track_id": best.id, **({"isrc": best.isrc} if best.isrc else {})}
