"""The open.spotify.com-like pages: the web player shell, its JS bundle, and the embed page.

The bundle is served at `/web-player/web-player.<build>.js`; each hash generation has its own
build, and the shell always names the current one. The persisted-query hashes and the TOTP
secret sit in the bundle as literals (`registerPersistedQuery("getTrack","query","<sha256>")`),
the way the real bundle carries them.
"""

from __future__ import annotations

import hashlib
import html
import json
import threading
from functools import cache
from importlib import resources
from string import Template
from typing import Any

from track_assets.sandbox.emulators.spotify_web.hashes import PersistedQueries
from track_assets.sandbox.emulators.spotify_web.tokens import AccessToken, WebPlayerTokens

CLIENT_VERSION = "1.2.77.358.g4339a634"
BUNDLE_PATH = "/web-player/web-player.{build}.js"


@cache
def _resource(name: str) -> str:
    return resources.files(__package__).joinpath("web", name).read_text(encoding="utf-8")


class WebPlayerPages:
    def __init__(self, queries: PersistedQueries, tokens: WebPlayerTokens, seed: str) -> None:
        self._queries = queries
        self._tokens = tokens
        self._seed = seed
        self._builds: dict[str, int] = {}
        self._lock = threading.Lock()

    def build_id(self, generation: int) -> str:
        text = f"{self._seed}:{generation}:{self._tokens.totp_version}"
        build = hashlib.sha256(text.encode()).hexdigest()[:12]
        with self._lock:
            self._builds[build] = generation
        return build

    def player_html(self, title: str, canonical: str) -> str:
        build = self.build_id(self._queries.generation())
        return Template(_resource("player.html")).substitute(
            title=html.escape(title),
            canonical=html.escape(canonical),
            bundle=BUNDLE_PATH.format(build=build),
        )

    def bundle(self, build: str) -> str | None:
        """The bundle of a build this server has named (old builds keep their old hashes)."""
        with self._lock:
            generation = self._builds.get(build)
        if generation is None:
            return None
        lines = [
            "(function () {",
            '"use strict";',
            f"const CLIENT_ID = {json.dumps(self._tokens.client_id)};",
            f"const CLIENT_VERSION = {json.dumps(CLIENT_VERSION)};",
            f"const TOTP_VERSION = {self._tokens.totp_version};",
            f"const TOTP_SECRET = {json.dumps(list(self._tokens.totp_secret))};",
            "const persistedQueries = {};",
            "function registerPersistedQuery(name, kind, sha256) {",
            "  persistedQueries[name] = { name: name, kind: kind, sha256: sha256 };",
            "}",
        ]
        for operation, sha256 in self._queries.for_generation(generation).items():
            lines.append(f'registerPersistedQuery("{operation}", "query", "{sha256}");')
        return "\n".join(lines) + "\n" + _resource("web-player.js") + "\n})();\n"

    def embed_html(
        self, site: str, track_id: str, entity: dict[str, Any], token: AccessToken
    ) -> str:
        next_data = {
            "assetPrefix": site,
            "buildId": self.build_id(self._queries.generation()),
            "gssp": True,
            "isExperimentalCompile": False,
            "isFallback": False,
            "page": "/track/[id]",
            "props": {
                "__N_SSP": True,
                "pageProps": {
                    "_sentryBaggage": "",
                    "_sentryTraceData": "",
                    "config": {
                        "clientId": self._tokens.client_id,
                        "correlationId": hashlib.sha256(token.value.encode()).hexdigest()[:32],
                        "locale": "en",
                        "restrictionId": "",
                        "strings": {"en": {"translation": {}}},
                    },
                    "state": {
                        "data": {
                            "defaultAudioFileObject": {"passthrough": "NONE"},
                            "embeded_entity_uri": f"spotify:track:{track_id}",
                            "entity": entity,
                        },
                        "machineState": {
                            "currentPreviewTrackIndex": 0,
                            "initialized": False,
                            "platformSupportsEncryptedContent": False,
                            "playbackMode": "unknown",
                            "showOverflowMenu": False,
                        },
                        "settings": {
                            "clientId": self._tokens.client_id,
                            "entityContext": "track",
                            "isDarkMode": False,
                            "isIOS": False,
                            "isMobile": False,
                            "isSafari": False,
                            "isTablet": False,
                            "rtl": False,
                            "session": {
                                "accessToken": token.value,
                                "accessTokenExpirationTimestampMs": token.expires_at_ms,
                                "isAnonymous": token.is_anonymous,
                            },
                        },
                    },
                },
            },
            "query": {"id": track_id},
            "scriptLoader": [],
        }
        artists = ", ".join(a["name"] for a in entity["artists"])
        return Template(_resource("embed.html")).substitute(
            title=html.escape(entity["name"]),
            subtitle=html.escape(artists),
            next_data=json.dumps(next_data).replace("</", "<\\/"),
        )

    def not_found_html(self) -> str:
        return (
            "<!DOCTYPE html><html><head><title>Page not found</title></head>"
            "<body><h1>Page not found</h1></body></html>"
        )
