"""Songwriter leads: credited writers on growing tracks whom no publisher represents at The MLC,
one ranked row per songwriter.

A lead is a songwriter credited as a writer on a *growing* track (its `stream_velocity`, the
play-count change per day from our own snapshots, is > 0; null velocity is not growth) who is
signable on the track's chosen MLC work. A writer whom a publisher or administrator of the
work represents is never a lead, whatever the work's status. The reason says the writer's own
position, by priority:
- `unrepresented`: the credit was matched to one of the work's writers and no publisher (or
  administrator) represents that writer (certain);
- `no_publisher`: the credit was not matched to the work's writers, but the work is unsigned
  (no publisher, or none claiming a share), so nobody represents anyone on it (certain);
- `unmatched_on_split`: the credit was not matched to the work's writers and part of the work's
  share is unclaimed: the writer may be the unclaimed part, or a represented writer under a
  name we could not match (uncertain: ranked below every certain lead).
A track without a chosen work (no ISRC, no writers, not found, not linked, ambiguous) gives no
lead, and neither does a signed work on which the writer is not matched.

Ranking, one row per songwriter over their lead tracks: certain leads first, then best velocity
(descending), then the sum of velocities, then total streams (descending, unknown last), then
name (case-insensitive), then songwriter id. Ranks start at 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal
from enum import StrEnum

from track_assets.db.records import LeadCredit, SongwriterProfile
from track_assets.enrichment.publisher_status import PublisherStatus

VELOCITY_DECIMALS = 3  # as `stream_velocity` itself is rounded (chartmetric_analytics.py)


class LeadReason(StrEnum):
    """A writer's own position on one lead track; the order is the priority."""

    UNREPRESENTED = "unrepresented"
    NO_PUBLISHER = "no_publisher"
    UNMATCHED_ON_SPLIT = "unmatched_on_split"

    @property
    def certain(self) -> bool:
        return self is not LeadReason.UNMATCHED_ON_SPLIT


REASON_PRIORITY = tuple(LeadReason)


@dataclass(frozen=True)
class SongwriterLead:
    """One ranked row. Lists follow the lead tracks' order (velocity descending, then track
    id) unless said otherwise; `mlc_statuses` pairs with `mlc_song_codes`, `track_names` with
    `track_ids`, `playlist_names` with `playlist_ids`."""

    rank: int
    songwriter_id: int
    writer_name: str
    ipi: str | None  # the first MLC IPI found on the writer's lead credits
    reasons: tuple[str, ...]  # distinct, sorted
    certain: bool  # some lead track's reason is certain (see the module docstring)
    lead_tracks: int
    track_ids: tuple[str, ...]
    track_names: tuple[str | None, ...]
    playlist_ids: tuple[str, ...]  # distinct, sorted
    playlist_names: tuple[str | None, ...]
    total_streams: int | None  # None when no lead track has a known play count
    best_velocity: float
    velocity_sum: float
    mlc_song_codes: tuple[str, ...]  # distinct, sorted
    mlc_statuses: tuple[str | None, ...]
    min_known_share: Decimal | None
    publishers: tuple[str, ...]  # distinct, sorted
    musicbrainz_artist_ids: tuple[str, ...]
    social_links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    spotify_artist_uri: str | None = None
    # How the credit was matched to the work's writer on each lead track (None: not matched).
    mlc_match_confidences: tuple[float | None, ...] = ()
    mlc_match_evidence: tuple[str | None, ...] = ()
    # How the songwriter was linked to MusicBrainz, when linked.
    musicbrainz_match: str | None = None
    musicbrainz_confidence: float | None = None
    musicbrainz_evidence: str | None = None


LEAD_COLUMNS = tuple(f.name for f in fields(SongwriterLead))


def is_growing(credit: LeadCredit) -> bool:
    return credit.stream_velocity is not None and credit.stream_velocity > 0


def lead_reason(credit: LeadCredit) -> LeadReason | None:
    """The writer's own position on the track's chosen work, or None when it makes no lead
    (growth is not considered here)."""
    if credit.mlc_song_code is None or credit.mlc_represented is True:
        return None
    if credit.mlc_represented is False:
        return LeadReason.UNREPRESENTED
    if credit.mlc_status == PublisherStatus.UNSIGNED:
        return LeadReason.NO_PUBLISHER
    if credit.mlc_status == PublisherStatus.SPLIT:
        return LeadReason.UNMATCHED_ON_SPLIT
    return None


@dataclass(frozen=True)
class _LeadTrack:
    """One songwriter on one lead track (credits of one person on one track merged)."""

    credit: LeadCredit
    reason: LeadReason
    ipi: str | None

    @property
    def velocity(self) -> float:
        return self.credit.stream_velocity or 0.0


def rank_songwriter_leads(
    credits: Iterable[LeadCredit],
    profiles: Mapping[int, SongwriterProfile] | None = None,
) -> list[SongwriterLead]:
    """The ranked leads (see the module docstring) from writer credits; `profiles` adds the
    songwriters' MusicBrainz artists and links."""
    by_writer: dict[int, dict[str, _LeadTrack]] = {}
    for credit in credits:
        reason = lead_reason(credit)
        if reason is None or not is_growing(credit):
            continue
        tracks = by_writer.setdefault(credit.songwriter_id, {})
        earlier = tracks.get(credit.track_id)
        if earlier is None:
            tracks[credit.track_id] = _LeadTrack(credit, reason, credit.mlc_ipi)
            continue
        # The same person credited twice on one track (two spellings, one Spotify URI).
        best = min(earlier.reason, reason, key=REASON_PRIORITY.index)
        kept = credit if best is reason else earlier.credit
        tracks[credit.track_id] = _LeadTrack(kept, best, earlier.ipi or credit.mlc_ipi)
    unranked = [
        _lead(list(tracks.values()), (profiles or {}).get(songwriter_id))
        for songwriter_id, tracks in by_writer.items()
    ]
    unranked.sort(key=_rank_key)
    return [_with_rank(lead, rank) for rank, lead in enumerate(unranked, start=1)]


def _lead(tracks: list[_LeadTrack], profile: SongwriterProfile | None) -> SongwriterLead:
    tracks.sort(key=lambda t: (-t.velocity, t.credit.track_id))
    first = tracks[0].credit
    playlists = {p.spotify_playlist_id: p.name for t in tracks for p in t.credit.playlists}
    works = {t.credit.mlc_song_code: t.credit for t in tracks if t.credit.mlc_song_code}
    streams = [t.credit.spotify_streams for t in tracks if t.credit.spotify_streams is not None]
    shares = [t.credit.known_share for t in tracks if t.credit.known_share is not None]
    codes = sorted(works)
    return SongwriterLead(
        rank=0,
        songwriter_id=first.songwriter_id,
        writer_name=first.writer_name,
        ipi=next((t.ipi for t in tracks if t.ipi), None),
        reasons=tuple(sorted({t.reason.value for t in tracks})),
        certain=any(t.reason.certain for t in tracks),
        lead_tracks=len(tracks),
        track_ids=tuple(t.credit.track_id for t in tracks),
        track_names=tuple(t.credit.track_name for t in tracks),
        playlist_ids=tuple(sorted(playlists)),
        playlist_names=tuple(playlists[p] for p in sorted(playlists)),
        total_streams=sum(streams) if streams else None,
        best_velocity=max(t.velocity for t in tracks),
        velocity_sum=round(sum(t.velocity for t in tracks), VELOCITY_DECIMALS),
        mlc_song_codes=tuple(codes),
        mlc_statuses=tuple(works[code].mlc_status for code in codes),
        min_known_share=min(shares) if shares else None,
        publishers=tuple(sorted({name for t in tracks for name in t.credit.publishers})),
        musicbrainz_artist_ids=profile.musicbrainz_artist_ids if profile else (),
        social_links=dict(profile.social_links) if profile else {},
        spotify_artist_uri=first.spotify_artist_uri,
        mlc_match_confidences=tuple(t.credit.mlc_match_confidence for t in tracks),
        mlc_match_evidence=tuple(t.credit.mlc_match_evidence for t in tracks),
        musicbrainz_match=profile.musicbrainz_match if profile else None,
        musicbrainz_confidence=profile.musicbrainz_confidence if profile else None,
        musicbrainz_evidence=profile.musicbrainz_evidence if profile else None,
    )


def _rank_key(lead: SongwriterLead) -> tuple:
    streams = lead.total_streams
    return (
        not lead.certain,
        -lead.best_velocity,
        -lead.velocity_sum,
        streams is None,
        -(streams or 0),
        lead.writer_name.casefold(),
        lead.songwriter_id,
    )


def _with_rank(lead: SongwriterLead, rank: int) -> SongwriterLead:
    return replace(lead, rank=rank)


def lead_counts_by_reason(leads: Iterable[SongwriterLead]) -> dict[str, int]:
    """How many songwriters have each reason on at least one lead track (every reason listed)."""
    counts = dict.fromkeys((r.value for r in LeadReason), 0)
    for lead in leads:
        for reason in lead.reasons:
            counts[reason] += 1
    return counts


def lead_preview(leads: Sequence[SongwriterLead]) -> list[dict]:
    """The leads as a reader scans them: rank, writer, why, how many tracks, growth, publishers."""
    return [
        {
            "rank": lead.rank,
            "writer": lead.writer_name,
            "reasons": lead.reasons,
            "tracks": lead.lead_tracks,
            "best_velocity": lead.best_velocity,
            "total_streams": lead.total_streams,
            "publishers": lead.publishers,
        }
        for lead in leads
    ]
