"""The live event feed: activity_log rows pushed to WebSocket clients as they are recorded."""

from track_assets.events.feed import EventFeed, FeedAddress, FeedRequestError, event_frame
from track_assets.events.reader import ActivityReader
from track_assets.events.serve import run_feed

__all__ = [
    "ActivityReader",
    "EventFeed",
    "FeedAddress",
    "FeedRequestError",
    "event_frame",
    "run_feed",
]
