"""What `track-assets doctor` found: one `Check` per line, the report as text or JSON, and the
scrubbing that keeps every configured secret out of both."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

JSON_FORMAT = 1  # bumped when a key of the JSON document changes meaning or goes away
MASK = "***"
# Shorter values are not masked: replacing every "ab" of a report would garble it, and a
# credential that short is not one any of the services issues.
MIN_MASKED_LENGTH = 6


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"  # the pipeline would fail on this: the command exits 1
    WARN = "warn"  # works, or is not needed yet, but something is missing or degraded
    SKIP = "skip"  # not checked (not configured, or an earlier check failed)


@dataclass(frozen=True)
class Check:
    """One line. `target` says where the checked thing lives: "sandbox", "real" (the service's
    own host), "custom" (credentials set, a URL changed), "none" (not configured), or for the
    database and the instance their storage ("sqlite", "postgresql")."""

    name: str
    status: Status
    detail: str
    target: str = ""
    facts: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status.value,
            "target": self.target or None,
            "detail": self.detail,
            "facts": dict(self.facts),
        }


@dataclass(frozen=True)
class Report:
    checks: tuple[Check, ...]

    @property
    def failed(self) -> bool:
        return any(check.status is Status.FAIL for check in self.checks)

    def counts(self) -> dict[str, int]:
        return {
            status.value: sum(1 for c in self.checks if c.status is status) for status in Status
        }

    def lines(self) -> list[str]:
        """`PASS  name  target  detail`, one a check, then the counts."""
        width = max((len(check.name) for check in self.checks), default=0)
        rows = [
            f"{check.status.value.upper():4}  {check.name:{width}}  {check.target or '-':8}  "
            f"{check.detail}"
            for check in self.checks
        ]
        counts = ", ".join(f"{n} {status}" for status, n in self.counts().items() if n)
        return [*rows, f"{'FAILED' if self.failed else 'OK'}: {counts}"]

    def as_json(self) -> dict[str, Any]:
        return {
            "format": JSON_FORMAT,
            "ok": not self.failed,
            "counts": self.counts(),
            "checks": [check.as_json() for check in self.checks],
        }

    def to_json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False)


def count_of(n: int, noun: str) -> str:
    """`1 recording`, `2 recordings`."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def scrub(check: Check, secrets: Iterable[str]) -> Check:
    """`check` with every secret value in its detail and facts replaced by ***: a last guard
    behind the clients' messages, which never quote a credential."""
    values = sorted(
        {s for s in secrets if s and len(s) >= MIN_MASKED_LENGTH}, key=len, reverse=True
    )
    if not values:
        return check
    return replace(
        check,
        detail=_masked(check.detail, values),
        facts={key: _masked_value(value, values) for key, value in check.facts.items()},
    )


def _masked(text: str, values: list[str]) -> str:
    for value in values:
        text = text.replace(value, MASK)
    return text


def _masked_value(value: Any, values: list[str]) -> Any:
    if isinstance(value, str):
        return _masked(value, values)
    if isinstance(value, Mapping):
        return {key: _masked_value(item, values) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_masked_value(item, values) for item in value]
    return value
