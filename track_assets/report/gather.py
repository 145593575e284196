"""What the leads report shows, read from the database: the ranked leads (as the export ranks
them) with their lead tracks' play-count history, and the coverage of every consolidated field
over the tracked playlists."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

from sqlalchemy.engine import Connection

from track_assets.db.records import LeadCredit, Track
from track_assets.db.repository import (
    list_playlists,
    metric_histories,
    songwriter_lead_credits,
    tracked_playlists_by_track,
    tracked_track_artist_names,
    tracked_tracks,
)
from track_assets.enrichment.chartmetric_analytics import series_velocity
from track_assets.enrichment.consolidate import SNAPSHOT_SOURCE, consolidated_coverage
from track_assets.enrichment.exports import compute_songwriter_leads
from track_assets.enrichment.phase_report import Coverage
from track_assets.enrichment.songwriter_leads import (
    REASON_PRIORITY,
    LeadReason,
    SongwriterLead,
    lead_counts_by_reason,
    lead_reason,
)

# The leads shown in full (a chart each); the others are counted, and all are in the export.
LEADS_SHOWN = 100
SPOTIFY_TRACK_URL = "https://open.spotify.com/track/{}"
SPOTIFY_ARTIST_URL = "https://open.spotify.com/artist/{}"
MUSICBRAINZ_ARTIST_URL = "https://musicbrainz.org/artist/{}"


@dataclass(frozen=True)
class Link:
    """A link of a lead; `url` is None when what is stored is not an http(s) URL (shown as
    text, never as a link a reader could click into a `javascript:` one)."""

    kind: str  # instagram | website | musicbrainz | spotify | ...
    text: str
    url: str | None


@dataclass(frozen=True)
class LeadTrack:
    """One lead track of a lead, with its play count per snapshot day (our own daily
    snapshots, oldest first) and the velocity those give over 7 and 28 days."""

    track_id: str
    name: str | None
    url: str
    artists: tuple[str, ...]
    playlists: tuple[str, ...]  # names (the id when a playlist has no name yet)
    spotify_streams: int | None
    history: tuple[tuple[date, int], ...]
    velocity_7d: float | None
    velocity_28d: float | None
    reason: str | None  # the writer's own position on this track (songwriter_leads.LeadReason)
    mlc_song_code: str | None
    mlc_status: str | None
    match_confidence: float | None  # how the credit was matched to the work's writer
    match_evidence: str | None


@dataclass(frozen=True)
class ReportLead:
    lead: SongwriterLead
    tracks: tuple[LeadTrack, ...]  # in the lead's order (velocity descending)
    links: tuple[Link, ...]

    @property
    def has_history(self) -> bool:
        return any(track.history for track in self.tracks)


@dataclass(frozen=True)
class PlaylistCoverage:
    """How many tracks of a playlist (or of every tracked playlist: `playlist_id` None) have
    each consolidated field."""

    playlist_id: str | None
    name: str
    tracks: int
    coverage: Mapping[str, Coverage]


@dataclass(frozen=True)
class ReportData:
    generated_at: datetime
    ranked: tuple[SongwriterLead, ...]  # every lead, ranked
    leads: tuple[ReportLead, ...]  # the first LEADS_SHOWN of them, in full
    leads_by_reason: Mapping[str, int]
    tracks: int  # on a tracked playlist now
    coverage: tuple[PlaylistCoverage, ...]  # every tracked playlist first, then each
    latest_snapshot: date | None  # the newest play-count snapshot day of any lead track


def gather_report_data(
    conn: Connection,
    *,
    now: datetime,
    leads: Sequence[SongwriterLead] | None = None,
    shown: int = LEADS_SHOWN,
) -> ReportData:
    """The report's content from the database; `leads`: the leads already ranked in this
    transaction (the asset's), else ranked here as the export ranks them."""
    credits = songwriter_lead_credits(conn)
    leads = compute_songwriter_leads(conn, credits) if leads is None else leads
    tracks = {t.spotify_track_id: t for t in tracked_tracks(conn)}
    playlists = tracked_playlists_by_track(conn)
    artists = tracked_track_artist_names(conn)
    reasons = _reasons(credits)
    wanted = {track_id for lead in leads[:shown] for track_id in lead.track_ids}
    histories = {
        track_id: tuple(
            (s.captured_on, s.spotify_streams)
            for s in snapshots
            if s.spotify_streams is not None and s.captured_on is not None
        )
        for track_id, snapshots in metric_histories(conn, wanted, source=SNAPSHOT_SOURCE).items()
    }
    entries = []
    for lead in leads[:shown]:
        lead_tracks = []
        for n, track_id in enumerate(lead.track_ids):
            track = tracks.get(track_id) or Track(spotify_track_id=track_id)
            history = histories.get(track_id, ())
            lead_tracks.append(
                LeadTrack(
                    track_id=track_id,
                    name=track.name,
                    url=(
                        track.spotify_url
                        if _is_web_url(track.spotify_url)
                        else SPOTIFY_TRACK_URL.format(track_id)
                    ),
                    artists=artists.get(track_id, ()),
                    playlists=tuple(
                        p.name or p.spotify_playlist_id for p in playlists.get(track_id, ())
                    ),
                    spotify_streams=track.spotify_streams,
                    history=history,
                    velocity_7d=series_velocity(history, days=7),
                    velocity_28d=series_velocity(history, days=28),
                    reason=reasons.get((lead.songwriter_id, track_id)),
                    mlc_song_code=track.mlc_song_code,
                    mlc_status=track.publisher_status,
                    match_confidence=_nth(lead.mlc_match_confidences, n),
                    match_evidence=_nth(lead.mlc_match_evidence, n),
                )
            )
        entries.append(ReportLead(lead, tuple(lead_tracks), lead_links(lead)))
    days = [day for history in histories.values() for day, _ in history]
    return ReportData(
        generated_at=now,
        ranked=tuple(leads),
        leads=tuple(entries),
        leads_by_reason=lead_counts_by_reason(leads),
        tracks=len(tracks),
        coverage=playlist_coverage(conn, tracks, playlists),
        latest_snapshot=max(days, default=None),
    )


def playlist_coverage(
    conn: Connection,
    tracks: Mapping[str, Track],
    playlists_by_track: Mapping[str, Iterable],
) -> tuple[PlaylistCoverage, ...]:
    """Field coverage over every tracked track, then over each tracked playlist's tracks (in
    the order the playlists were added), by the rule of `enriched_tracks`' own coverage."""
    members: dict[str, list[Track]] = {}
    for track_id, listed in playlists_by_track.items():
        for playlist in listed:
            if track_id in tracks:
                members.setdefault(playlist.spotify_playlist_id, []).append(tracks[track_id])
    rows = [
        PlaylistCoverage(
            None,
            "All tracked playlists",
            len(tracks),
            consolidated_coverage(conn, list(tracks.values())),
        )
    ]
    for playlist in list_playlists(conn):
        listed = members.get(playlist.spotify_playlist_id, [])
        rows.append(
            PlaylistCoverage(
                playlist.spotify_playlist_id,
                playlist.name or playlist.spotify_playlist_id,
                len(listed),
                consolidated_coverage(conn, listed),
            )
        )
    return tuple(rows)


def lead_links(lead: SongwriterLead) -> tuple[Link, ...]:
    """The lead's social links (by kind), then its MusicBrainz artists and Spotify artist."""
    links = [
        _link(kind, url, url) for kind, urls in sorted(lead.social_links.items()) for url in urls
    ]
    links += [
        _link("musicbrainz", mbid, MUSICBRAINZ_ARTIST_URL.format(mbid))
        for mbid in lead.musicbrainz_artist_ids
    ]
    uri = lead.spotify_artist_uri
    if uri and uri.startswith("spotify:artist:"):
        links.append(_link("spotify", uri, SPOTIFY_ARTIST_URL.format(uri.rsplit(":", 1)[1])))
    return tuple(links)


def _link(kind: str, text: str, url: str) -> Link:
    return Link(kind, text, url if _is_web_url(url) else None)


def _is_web_url(url: str | None) -> bool:
    return bool(url) and urlsplit(url).scheme in ("http", "https")


def _reasons(credits: Iterable[LeadCredit]) -> dict[tuple[int, str], str]:
    """The writer's own position on each track (the stronger one when a person is credited
    twice on a track, as the ranking merges them)."""
    found: dict[tuple[int, str], LeadReason] = {}
    for credit in credits:
        reason = lead_reason(credit)
        key = (credit.songwriter_id, credit.track_id)
        if reason is not None and (
            key not in found or REASON_PRIORITY.index(reason) < REASON_PRIORITY.index(found[key])
        ):
            found[key] = reason
    return {key: reason.value for key, reason in found.items()}


def _nth(values: Sequence, n: int):
    return values[n] if n < len(values) else None
