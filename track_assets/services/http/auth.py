"""The token-provider hook through which the HTTP client authenticates and refreshes on 401."""

from __future__ import annotations

from typing import Protocol


class TokenProvider(Protocol):
    """Supplies a cached access token and a newer one when the service refuses it.

    Subclass it explicitly to inherit the default `Authorization: Bearer <token>` header.
    """

    def token(self) -> str:
        """The current token, fetched or cached as the provider sees fit."""
        ...

    def refresh(self, stale: str) -> str:
        """A token to use instead of `stale`, which the service refused (HTTP 401).

        Several requests may report the same stale token at once: one new token serves them all.
        """
        ...

    def auth_headers(self, token: str) -> dict[str, str]:
        """The request headers that carry `token`."""
        return {"Authorization": f"Bearer {token}"}
