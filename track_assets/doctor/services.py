"""One line per external service: where it is configured (sandbox or real) and, through the
pipeline's own client, one cheap read that proves the credentials and tells what they allow.

A failure is the client's own message (it names the service, what the service answered and
what to change), the same a pipeline step would fail with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from track_assets.doctor.context import DoctorContext
from track_assets.doctor.probes import Probes
from track_assets.doctor.report import Check, Status, count_of
from track_assets.settings import ServiceSettings

# What a probe found: the line's status, its text, and the facts for --json.
Found = tuple[Status, str, dict[str, Any]]
Probe = Callable[[DoctorContext, ServiceSettings, Probes], Found]

# MusicBrainz asks for a way to reach the caller in the User-Agent: an e-mail address or a URL
# (docs/services.md#musicbrainz-rate-limit-and-user-agent).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+\S*$")


def spotify_api(ctx: DoctorContext, service: ServiceSettings, probes: Probes) -> Found:
    """A client-credentials token, then the track the way the pipeline asks for it: with the
    tier on auto, the batch call whose 403 means Development Mode (then the single call)."""
    from track_assets.services.spotify_api import SpotifyApiClient

    configured = ctx.settings.spotify_tier
    track_id = probes.spotify_track_id
    with SpotifyApiClient.from_settings(
        service, tier=configured, retry_policy=ctx.retry_policy, timeout=ctx.http_timeout
    ) as client:
        found = client.tracks([track_id])[track_id]
        tier = client.tier
    if configured == "auto":
        answer = "403" if tier == "development" else "200"
        how = f"detected: the batch call GET /v1/tracks?ids= answered {answer}"
    else:
        how = "as SPOTIFY_API_TIER says"
    seen = f"track {track_id} {'found' if found is not None else 'not found'}"
    facts = {
        "tier": tier,
        "tier_source": "detected" if configured == "auto" else "SPOTIFY_API_TIER",
        "probe_track": track_id,
        "probe_found": found is not None,
    }
    return Status.PASS, f"token granted; {tier} tier ({how}); {seen}", facts


def spotify_web(ctx: DoctorContext, service: ServiceSettings, probes: Probes) -> Found:
    """Chromium opens a track page (with the sp_dc cookie when set) and the session is taken
    from it; logged in, the probe track's credits; anonymous, its play count."""
    from track_assets.services.spotify_web import (
        DEFAULT_CHROMIUM,
        SpotifyWebClient,
        TrackCredits,
        WebPlayerBrowser,
    )

    sp_dc = service.credentials.get("SPOTIFY_SP_DC")
    with (
        WebPlayerBrowser(DEFAULT_CHROMIUM, launch_timeout=ctx.timeout) as browser,
        SpotifyWebClient(
            service.base_urls,
            sp_dc=sp_dc,
            browser=browser,
            retry_policy=ctx.retry_policy,
            timeout=ctx.http_timeout,
            page_timeout=ctx.timeout,
        ) as client,
    ):
        if not sp_dc:
            track_id = probes.spotify_track_id
            plays = client.track_play_counts([track_id])[track_id]
            facts = {"logged_in": False, "credits": False, "probe_track": track_id, "plays": plays}
            return (
                Status.WARN,
                f"anonymous session: play counts work (track {track_id}: {plays} plays), but "
                "credits need a logged-in web player: set SPOTIFY_SP_DC (the sp_dc cookie of "
                "open.spotify.com)",
                facts,
            )
        track_id = probes.credits_track_id
        credits = client.track_credits([track_id])[track_id]
    facts: dict[str, Any] = {"logged_in": True, "credits": True, "probe_track": track_id}
    if isinstance(credits, TrackCredits):
        facts["writers"] = len(credits.writers)
        seen = f"credits of track {track_id}: {count_of(len(credits.writers), 'writer')}"
    else:
        seen = f"track {track_id} has no credits page ({credits.reason.value})"
    return Status.PASS, f"logged in with SPOTIFY_SP_DC; {seen}", facts


def chartmetric(ctx: DoctorContext, service: ServiceSettings, probes: Probes) -> Found:
    """A token from the refresh token, the probe ISRC's Chartmetric ids, then the plan's reach:
    Spotify stream counts (a 403 there is "not in the plan", which the pipeline records)."""
    from track_assets.services.chartmetric import ChartmetricClient, NotInPlan

    token = service.credentials.get("CHARTMETRIC_REFRESH_TOKEN", "")
    with ChartmetricClient(
        service.url(), token, retry_policy=ctx.retry_policy, timeout=ctx.http_timeout
    ) as client:
        ids = client.chartmetric_ids_for_isrc(probes.isrc)
        facts: dict[str, Any] = {"probe_isrc": probes.isrc, "chartmetric_ids": ids}
        if not ids:
            facts["spotify_streams"] = None
            return (
                Status.PASS,
                f"token granted; get-ids answered, but knows no track of ISRC {probes.isrc}: "
                "the plan's stream counts were not checked",
                facts,
            )
        try:
            client.stats(ids[0], "spotify", "most-history", latest=True, stat_type="streams")
        except NotInPlan as refused:
            facts["spotify_streams"] = "not_in_plan"
            said = f' (HTTP 403 "{refused.detail}")' if refused.detail else " (HTTP 403)"
            streams = "not in the plan" + said
        else:
            facts["spotify_streams"] = "in_plan"
            streams = "in the plan"
    return (
        Status.PASS,
        f"token granted; get-ids answered (ISRC {probes.isrc}: track {ids[0]}); "
        f"Spotify stream counts: {streams}",
        facts,
    )


def mlc(ctx: DoctorContext, service: ServiceSettings, probes: Probes) -> Found:
    """The login (POST /oauth/token), then one recordings search with its idToken."""
    from track_assets.services.mlc import MlcClient

    with MlcClient(
        service.url(),
        service.credentials.get("MLC_USERNAME", ""),
        service.credentials.get("MLC_PASSWORD", ""),
        retry_policy=ctx.retry_policy,
        timeout=ctx.http_timeout,
    ) as client:
        hits = client.recordings_by_isrc(probes.isrc)
    facts = {"probe_isrc": probes.isrc, "recordings": len(hits)}
    return (
        Status.PASS,
        f"logged in; POST /search/recordings answered ({count_of(len(hits), 'recording')} of "
        f"ISRC {probes.isrc})",
        facts,
    )


def musicbrainz(ctx: DoctorContext, service: ServiceSettings, probes: Probes) -> Found:
    """The contact must be an e-mail address or a URL; then one ISRC lookup with it in the
    User-Agent (MusicBrainz has no credentials: a refused User-Agent is its 403)."""
    from track_assets.services.musicbrainz import MusicBrainzClient

    contact = service.credentials.get("MUSICBRAINZ_CONTACT", "").strip()
    facts: dict[str, Any] = {"contact": contact}
    if not (_EMAIL.match(contact) or _URL.match(contact)):
        return (
            Status.FAIL,
            f"MUSICBRAINZ_CONTACT={contact!r} is neither an e-mail address nor an http(s) URL: "
            "MusicBrainz asks for a way to reach you in the User-Agent and blocks anonymous "
            "ones; set it to your e-mail address or your project's URL",
            facts,
        )
    client = MusicBrainzClient(
        service.url(), contact, timeout=ctx.timeout, max_attempts=ctx.retry_policy.max_attempts
    )
    recordings = client.recordings_by_isrc(probes.isrc)
    facts |= {"user_agent": client.user_agent, "probe_isrc": probes.isrc}
    facts["recordings"] = len(recordings)
    return (
        Status.PASS,
        f"User-Agent {client.user_agent!r}; GET /ws/2/isrc answered "
        f"({count_of(len(recordings), 'recording')} of ISRC {probes.isrc})",
        facts,
    )


SERVICE_PROBES: dict[str, Probe] = {
    "spotify_api": spotify_api,
    "spotify_web": spotify_web,
    "chartmetric": chartmetric,
    "mlc": mlc,
    "musicbrainz": musicbrainz,
}


def check_service(name: str, ctx: DoctorContext) -> Check:
    """Service `name`'s line: not configured, or the probe's finding, or its failure."""
    resolved = ctx.resolve(name)
    if isinstance(resolved, Check):
        return resolved
    target = ctx.target(resolved)
    facts = ctx.url_facts(resolved)
    try:
        status, detail, found = SERVICE_PROBES[name](ctx, resolved, ctx.probes(resolved))
    except Exception as error:  # any failure is this line's reason, never a traceback
        return Check(name, Status.FAIL, failure_text(error), target, facts | failure_facts(error))
    return Check(name, status, detail, target, facts | found)


def failure_text(error: BaseException) -> str:
    """The error's message on one line (its type when it has none)."""
    text = " ".join(str(error).split())
    return text or type(error).__name__


def failure_facts(error: BaseException) -> dict[str, Any]:
    status = getattr(error, "status", None)
    return {
        "error": type(error).__name__,
        "http_status": status if isinstance(status, int) else None,
    }
