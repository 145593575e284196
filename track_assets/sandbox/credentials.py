"""Credentials the sandbox issues at each start, per service, under the pipeline's variable names."""

from __future__ import annotations

import random
import string
from collections.abc import Callable

MUSICBRAINZ_SANDBOX_CONTACT = "sandbox@track-assets.invalid"

CredentialFactory = Callable[[random.Random], dict[str, str]]

_HEX = "0123456789abcdef"
_ALNUM = string.ascii_letters + string.digits
_URLSAFE = _ALNUM + "-_"


def random_token(rng: random.Random, length: int, alphabet: str = _ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


# The shapes mimic the real ones (Spotify client ids are 32 hex digits, sp_dc starts "AQ").
KNOWN_CREDENTIALS: dict[str, CredentialFactory] = {
    "spotify_api": lambda rng: {
        "SPOTIFY_CLIENT_ID": random_token(rng, 32, _HEX),
        "SPOTIFY_CLIENT_SECRET": random_token(rng, 32, _HEX),
    },
    "spotify_web": lambda rng: {"SPOTIFY_SP_DC": "AQ" + random_token(rng, 158, _URLSAFE)},
    "chartmetric": lambda rng: {"CHARTMETRIC_REFRESH_TOKEN": random_token(rng, 64)},
    "mlc": lambda rng: {
        "MLC_USERNAME": f"sandbox-{random_token(rng, 8, _HEX)}@track-assets.invalid",
        "MLC_PASSWORD": random_token(rng, 24),
    },
    "musicbrainz": lambda rng: {"MUSICBRAINZ_CONTACT": MUSICBRAINZ_SANDBOX_CONTACT},
}


def issue_credentials(
    service: str, rng: random.Random, factory: CredentialFactory | None = None
) -> dict[str, str]:
    """The emulator's own factory if it has one, else the known shape, else none."""
    chosen = factory or KNOWN_CREDENTIALS.get(service)
    return dict(chosen(rng)) if chosen is not None else {}
