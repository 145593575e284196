"""Reading a service's JSON body strictly: a body that is not what the endpoint documents
raises the service's `MalformedResponse`, naming the endpoint and the key path."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from track_assets.services.http.errors import ServiceError


def is_json(body: bytes | str) -> bool:
    """Whether `body` parses as JSON at all (a cut-off body or an HTML page does not)."""
    try:
        json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: nested too deep
        return False
    return True


class MalformedResponse(ServiceError):
    """Base of each service's malformed-body error; subclasses set SERVICE and the hint."""

    SERVICE = ""
    HINT = "the body was cut off or the service changed its format; rerun"

    def __init__(self, endpoint: str, key: str, problem: str) -> None:
        message = (
            f"{self.SERVICE} {endpoint}: malformed response at {key!r}: {problem}. {self.HINT}."
        )
        super().__init__(message, service=self.SERVICE, endpoint=endpoint)
        self.key = key
        self.problem = problem


class JsonReader:
    """Typed access to one response's JSON; subclasses set `error` and add their own types."""

    error: type[MalformedResponse] = MalformedResponse
    parse_float: Callable[[str], Any] | None = None

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint

    def fail(self, key: str, problem: str) -> MalformedResponse:
        return self.error(self.endpoint, key, problem)

    def json(self, body: bytes | str) -> Any:
        try:
            return json.loads(body, parse_float=self.parse_float)
        except (ValueError, UnicodeDecodeError) as error:
            raise self.fail("(body)", f"not valid JSON ({error})") from None
        except RecursionError:
            raise self.fail("(body)", "nested too deeply to read") from None

    def mapping(self, value: Any, key: str) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(key, f"expected an object, got {type(value).__name__}")
        return value

    def items(self, value: Any, key: str) -> list[Any]:
        """A list; a missing (null) list reads as empty."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, f"expected a list, got {type(value).__name__}")
        return value
