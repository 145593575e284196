"""The MLC Public Search API: recordings by ISRC, works with writers, publishers and shares."""

from track_assets.services.mlc.client import (
    WORKS_BATCH_SIZE,
    MlcClient,
    MlcCredentialsRejected,
    MlcRequestFailed,
    MlcTokenProvider,
)
from track_assets.services.mlc.models import (
    MlcPublisherRecord,
    MlcRecordingHit,
    MlcWorkRecord,
    MlcWriterRecord,
)
from track_assets.services.mlc.parsing import MalformedResponse

__all__ = [
    "WORKS_BATCH_SIZE",
    "MalformedResponse",
    "MlcClient",
    "MlcCredentialsRejected",
    "MlcPublisherRecord",
    "MlcRecordingHit",
    "MlcRequestFailed",
    "MlcTokenProvider",
    "MlcWorkRecord",
    "MlcWriterRecord",
]
