"""Tests of the event delivery: NOTIFY, the activity reader and the WebSocket feed."""
