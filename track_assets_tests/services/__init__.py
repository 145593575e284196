"""Tests of the service clients, against the sandbox emulators and the recorded responses."""
