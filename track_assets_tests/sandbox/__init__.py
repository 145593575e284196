"""Tests of the sandbox: server base, catalog, emulators."""
