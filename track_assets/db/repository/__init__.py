"""Idempotent reads and writes of the system of record, one module per topic.

Every function takes a `Connection`: the caller owns the transaction (`with engine.begin()`).
Writes are upserts keyed by natural ids, so re-running one never duplicates a row.
"""

from track_assets.db.repository.activity import (
    activity_entries,
    activity_since,
    append_activity,
    event_json,
)
from track_assets.db.repository.chartmetric import (
    get_chartmetric_track,
    link_track_chartmetric,
    track_chartmetric_ids,
    upsert_chartmetric_track,
)
from track_assets.db.repository.credits import (
    delete_stale_track_credits,
    get_songwriter,
    list_track_credits,
    normalized_person_name,
    set_credit_mlc_match,
    songwriter_identity_key,
    upsert_songwriter,
    upsert_track_credit,
)
from track_assets.db.repository.exports import (
    tracked_playlists_by_track,
    tracked_track_artist_names,
    tracked_tracks,
)
from track_assets.db.repository.leads import songwriter_lead_credits, songwriter_profiles
from track_assets.db.repository.metrics import metric_history, upsert_metric_snapshot
from track_assets.db.repository.mlc import (
    get_mlc_work,
    link_track_mlc_work,
    mlc_party_key,
    track_mlc_candidates,
    track_mlc_facts,
    upsert_mlc_work,
)
from track_assets.db.repository.musicbrainz import (
    get_musicbrainz_artist,
    link_artist_songwriter,
    list_artist_external_links,
    musicbrainz_artists_of_songwriters,
    musicbrainz_iswcs_by_isrc,
    replace_isrc_musicbrainz_works,
    songwriter_artist_ids,
    upsert_artist_external_link,
    upsert_musicbrainz_artist,
)
from track_assets.db.repository.phases import (
    get_phase_status,
    phase_status_counts,
    set_phase_status,
    tracks_needing_phase,
)
from track_assets.db.repository.playlists import (
    FETCH_STATUSES,
    get_playlist,
    latest_playlist_fetch,
    list_playlists,
    mark_missing_memberships_removed,
    mark_playlist_removed,
    playlist_fetches_after,
    playlist_memberships,
    playlist_track_ids,
    playlist_track_rows,
    record_playlist_fetch,
    upsert_playlist,
    upsert_playlist_membership,
)
from track_assets.db.repository.provenance import field_provenance_for, record_field_provenance
from track_assets.db.repository.reports import (
    event_states,
    get_playlist_report,
    save_event_state,
    save_playlist_report,
)
from track_assets.db.repository.runs import record_phase_run, requests_by_service
from track_assets.db.repository.tracks import (
    get_album,
    get_spotify_artist,
    get_track,
    link_track_artists,
    track_artist_ids,
    upsert_album,
    upsert_spotify_artist,
    upsert_track,
)
from track_assets.db.repository.webhook_outbox import (
    claim_webhook_batch,
    enqueue_webhook,
    settle_webhook_entry,
    webhook_counts,
)

__all__ = [
    "FETCH_STATUSES",
    "activity_entries",
    "activity_since",
    "append_activity",
    "claim_webhook_batch",
    "delete_stale_track_credits",
    "enqueue_webhook",
    "event_json",
    "event_states",
    "field_provenance_for",
    "get_album",
    "get_chartmetric_track",
    "get_mlc_work",
    "get_musicbrainz_artist",
    "get_phase_status",
    "get_playlist",
    "get_playlist_report",
    "get_songwriter",
    "get_spotify_artist",
    "get_track",
    "latest_playlist_fetch",
    "link_artist_songwriter",
    "link_track_artists",
    "link_track_chartmetric",
    "link_track_mlc_work",
    "list_artist_external_links",
    "list_playlists",
    "list_track_credits",
    "mark_missing_memberships_removed",
    "mark_playlist_removed",
    "metric_history",
    "mlc_party_key",
    "musicbrainz_artists_of_songwriters",
    "musicbrainz_iswcs_by_isrc",
    "normalized_person_name",
    "phase_status_counts",
    "playlist_fetches_after",
    "playlist_memberships",
    "playlist_track_ids",
    "playlist_track_rows",
    "record_field_provenance",
    "record_phase_run",
    "record_playlist_fetch",
    "replace_isrc_musicbrainz_works",
    "requests_by_service",
    "save_event_state",
    "save_playlist_report",
    "set_credit_mlc_match",
    "set_phase_status",
    "settle_webhook_entry",
    "songwriter_artist_ids",
    "songwriter_identity_key",
    "songwriter_lead_credits",
    "songwriter_profiles",
    "track_artist_ids",
    "track_chartmetric_ids",
    "track_mlc_candidates",
    "track_mlc_facts",
    "tracked_playlists_by_track",
    "tracked_track_artist_names",
    "tracked_tracks",
    "tracks_needing_phase",
    "upsert_album",
    "upsert_artist_external_link",
    "upsert_chartmetric_track",
    "upsert_metric_snapshot",
    "upsert_mlc_work",
    "upsert_musicbrainz_artist",
    "upsert_playlist",
    "upsert_playlist_membership",
    "upsert_songwriter",
    "upsert_spotify_artist",
    "upsert_track",
    "upsert_track_credit",
    "webhook_counts",
]
