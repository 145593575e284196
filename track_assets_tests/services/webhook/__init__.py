"""Tests of the webhook sender against a real local receiver."""
