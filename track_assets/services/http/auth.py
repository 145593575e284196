"""The token-provider hook through which the HTTP client authenticates and refreshes on 401."""

from __future__ import annotations

from typing import Protocol


class TokenProvider(Protocol):
    """Supplies a cached access token and a way to force a new one.

    Subclass it explicitly to inherit the default `Authorization: Bearer <token>` header.
    """

    def token(self) -> str:
        """The current token, fetched or cached as the provider sees fit."""
        ...

    def refresh(self) -> str:
        """Discard the cached token and obtain a new one."""
        ...

    def auth_headers(self, token: str) -> dict[str, str]:
        """The request headers that carry `token`."""
        return {"Authorization": f"Bearer {token}"}
