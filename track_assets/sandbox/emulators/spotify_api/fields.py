"""The playlist endpoints' `fields` filter: `a,b.c,items(added_at,track(name))`, `!x` excludes.

Syntax as documented for `GET /playlists/{id}` and `/items` (openapi `QueryFields`): a dot walks
into an object, parentheses list fields inside an object or inside each element of an array,
and `!` leaves fields out (`album(!external_urls,images)`: a `!` opening a group negates the
whole group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FieldsSyntaxError(ValueError):
    """The `fields` value does not parse."""


@dataclass
class FieldSelection:
    """Kept fields (None: the whole value) and left-out fields of one object level."""

    include: dict[str, FieldSelection | None] = field(default_factory=dict)
    exclude: set[str] = field(default_factory=set)

    def add(self, path: list[str], sub: FieldSelection | None, negated: bool) -> None:
        head, rest = path[0], path[1:]
        if negated and not rest:
            self.exclude.add(head)
            return
        if rest:
            sub = _nested(rest, sub, negated)
        if head in self.include:
            existing = self.include[head]
            self.include[head] = None if existing is None or sub is None else existing.merged(sub)
        else:
            self.include[head] = sub

    def merged(self, other: FieldSelection) -> FieldSelection:
        result = FieldSelection(dict(self.include), self.exclude | other.exclude)
        for name, sub in other.include.items():
            if name in result.include:
                existing = result.include[name]
                result.include[name] = (
                    None if existing is None or sub is None else existing.merged(sub)
                )
            else:
                result.include[name] = sub
        return result


def _nested(path: list[str], sub: FieldSelection | None, negated: bool) -> FieldSelection:
    selection = FieldSelection()
    selection.add(path, sub, negated)
    return selection


def parse_fields(text: str) -> FieldSelection:
    selection, position = _parse_group(text, 0)
    if position != len(text):
        raise FieldsSyntaxError(f"unexpected {text[position]!r} at {position}")
    return selection


def _parse_group(text: str, position: int) -> tuple[FieldSelection, int]:
    selection = FieldSelection()
    group_negated = text.startswith("!", position)
    while True:
        negated = group_negated
        if text.startswith("!", position):
            negated = True
            position += 1
        start = position
        while position < len(text) and text[position] not in ",()!":
            position += 1
        path = [part.strip() for part in text[start:position].split(".")]
        if not all(path):
            raise FieldsSyntaxError(f"empty field name at {start}")
        sub = None
        if text.startswith("(", position):
            sub, position = _parse_group(text, position + 1)
            if not text.startswith(")", position):
                raise FieldsSyntaxError("unbalanced parentheses")
            position += 1
        selection.add(path, sub, negated)
        if text.startswith(",", position):
            position += 1
            continue
        return selection, position


def apply_fields(value: Any, selection: FieldSelection | None) -> Any:
    """`value` cut down to `selection` (applied to each element of a list)."""
    if selection is None:
        return value
    if isinstance(value, list):
        return [apply_fields(element, selection) for element in value]
    if not isinstance(value, dict):
        return value
    if selection.include:
        return {
            name: apply_fields(value[name], sub)
            for name, sub in selection.include.items()
            if name in value and name not in selection.exclude
        }
    return {name: item for name, item in value.items() if name not in selection.exclude}
