"""Sentinel credentials for every service, a sandbox that accepts them and records every token
it issues, and scanners that look for any of them in what a run leaves behind."""

from __future__ import annotations

import base64
import gzip
import json
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from track_assets.sandbox.context import EmulatorSpec
from track_assets.sandbox.emulators import all_emulators

# Distinctive strings, each findable on its own (no sentinel contains another).
SENTINELS: dict[str, str] = {
    "SPOTIFY_CLIENT_ID": "SENTINELspotifyclientid7f3a0c91",
    "SPOTIFY_CLIENT_SECRET": "SENTINEL-spotify-client-secret-7f3a",
    "SPOTIFY_SP_DC": "AQSENTINEL-sp-dc-cookie-5e8b21d4",
    "CHARTMETRIC_REFRESH_TOKEN": "SENTINEL-chartmetric-refresh-token-93c7",
    "MLC_USERNAME": "sentinel-mlc-user-4b1f@track-assets.invalid",
    "MLC_PASSWORD": "SENTINEL-mlc-password-2d6e",
    "TRACK_ASSETS_WEBHOOK_SECRET": "SENTINEL-webhook-secret-8a05",
    "DATABASE_PASSWORD": "SENTINEL-db-password-61fc",
}
# Identifiers, not secrets: a client id or a username may be shown (in the UI, a log line).
IDENTIFIERS = ("SPOTIFY_CLIENT_ID", "MLC_USERNAME")


def secret_values(*more: Mapping[str, str]) -> dict[str, str]:
    """What must never appear, by name: the sentinel secrets, the Basic credentials the Spotify
    accounts service is sent (base64 of id:secret: a logged header carries the secret so), and
    `more` (wrong credentials a failing run was given, tokens the emulators issued)."""
    values = {k: v for k, v in SENTINELS.items() if k not in IDENTIFIERS}
    basic = f"{SENTINELS['SPOTIFY_CLIENT_ID']}:{SENTINELS['SPOTIFY_CLIENT_SECRET']}"
    values["spotify basic credentials"] = base64.b64encode(basic.encode()).decode()
    for mapping in more:
        values.update(mapping)
    return values


def sentinel_emulators(recorder: IssuedTokens) -> list[EmulatorSpec]:
    """Every emulator, accepting the sentinel credentials (and no others), each app recording
    the tokens it hands out."""
    credentials = {
        "spotify_api": ("SPOTIFY_CLIENT_ID", "SPOTIFY_CLIENT_SECRET"),
        "spotify_web": ("SPOTIFY_SP_DC",),
        "chartmetric": ("CHARTMETRIC_REFRESH_TOKEN",),
        "mlc": ("MLC_USERNAME", "MLC_PASSWORD"),
    }
    specs = []
    for spec in all_emulators():
        names = credentials.get(spec.name)
        if names is not None:
            issued = {name: SENTINELS[name] for name in names}
            spec = replace(spec, credentials=lambda rng, issued=issued: dict(issued))
        specs.append(replace(spec, app_factory=recorder.wrap(spec.name, spec.app_factory)))
    return specs


# --- the tokens the emulators issue ---------------------------------------------------------

_TOKEN_KEY = re.compile("token", re.IGNORECASE)
_MIN_TOKEN_LENGTH = 16  # shorter "token" values are types ("Bearer") or flags


@dataclass
class IssuedTokens:
    """Every token an emulator sent in a response body (any JSON string under a key naming a
    token: access_token, accessToken, idToken, refresh_token, granted_token.token, ...) and
    every bearer token a client presented: learnt from the wire, whatever the service."""

    tokens: dict[str, str] = field(default_factory=dict)  # value -> where it was seen
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def wrap(self, service: str, factory):
        def build(context):
            app = factory(context)
            app.add_middleware(_RecordTokens, service=service, recorder=self)
            return app

        return build

    def named(self) -> dict[str, str]:
        """The tokens as scan targets: name -> value."""
        with self._lock:
            return {f"{where} #{n}": value for n, (value, where) in enumerate(self.tokens.items())}

    def add(self, value: str, where: str) -> None:
        with self._lock:
            self.tokens.setdefault(value, where)

    def add_from_json(self, document: Any, where: str) -> None:
        for key, value in _items(document):
            token = isinstance(value, str) and len(value) >= _MIN_TOKEN_LENGTH
            if token and _TOKEN_KEY.search(key):
                self.add(value, f"{where} {key}")


def _items(document: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of a JSON document, at any depth."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield str(key), value
            yield from _items(value)
    elif isinstance(document, list):
        for value in document:
            yield from _items(value)


class _RecordTokens:
    """ASGI middleware: the bearer tokens of requests, the tokens in JSON responses."""

    def __init__(self, app, service: str, recorder: IssuedTokens) -> None:
        self.app = app
        self.service = service
        self.recorder = recorder

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = f"{self.service} {scope.get('path', '')}"
        for name, value in scope.get("headers", []):
            if name.lower() == b"authorization":
                scheme, _, credential = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and len(credential) >= _MIN_TOKEN_LENGTH:
                    self.recorder.add(credential.strip(), f"{where} bearer")
        state: dict[str, Any] = {"json": False, "gzip": False, "body": bytearray()}

        async def recording_send(message):
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers", [])}
                state["json"] = b"json" in headers.get(b"content-type", b"")
                state["gzip"] = headers.get(b"content-encoding", b"") == b"gzip"
            elif message["type"] == "http.response.body" and state["json"]:
                state["body"] += message.get("body", b"")
                if not message.get("more_body", False):
                    self._record_body(bytes(state["body"]), state["gzip"], where)
            await send(message)

        await self.app(scope, receive, recording_send)

    def _record_body(self, body: bytes, gzipped: bool, where: str) -> None:
        try:
            document = json.loads(gzip.decompress(body) if gzipped else body)
        except (ValueError, OSError):
            return
        self.recorder.add_from_json(document, where)


# --- scanning -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    secret: str  # its name, never its value
    source: str
    where: str
    context: str  # the text around it, the value itself masked


@dataclass
class Scan:
    """Texts searched for every secret; counts what was searched, keeps what was found."""

    secrets: Mapping[str, str]
    # Values known to be in what is scanned (a playlist id): finding them proves the scan read
    # the content a leak would be in, not an empty or wrong place.
    controls: Mapping[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    items: dict[str, int] = field(default_factory=dict)  # source -> texts searched
    controls_seen: dict[str, set[str]] = field(default_factory=dict)  # control -> sources

    def text(self, source: str, where: str, text: str | bytes | None) -> None:
        if text is None:
            return
        if isinstance(text, bytes):
            text = text.decode("utf-8", errors="replace")
        self.items[source] = self.items.get(source, 0) + 1
        for name, value in self.secrets.items():
            at = text.find(value)
            if at >= 0:
                context = text[max(0, at - 80) : at + len(value) + 80].replace(value, f"<{name}>")
                self.findings.append(Finding(name, source, where, context))
        for name, value in self.controls.items():
            if value in text:
                self.controls_seen.setdefault(name, set()).add(source)

    def value(self, source: str, where: str, value: Any) -> None:
        """A stored value of any type, as text (a JSON column as its JSON)."""
        if value is None:
            return
        if isinstance(value, str | bytes):
            self.text(source, where, value)
        elif isinstance(value, dict | list):
            self.text(source, where, json.dumps(value, default=str))
        else:
            self.text(source, where, str(value))

    def files(self, source: str, root: Path, skip: Iterable[Path] = ()) -> None:
        """Every file under `root`, as bytes decoded leniently."""
        skipped = {path.resolve() for path in skip}
        for path in sorted(root.rglob("*")):
            if path.is_file() and path.resolve() not in skipped:
                self.text(source, str(path.relative_to(root)), path.read_bytes())

    def report(self) -> str:
        return "\n".join(
            f"  {f.secret} in {f.source} ({f.where}): ...{f.context}..." for f in self.findings
        )
