"""The Lucene query subset WS/2 search clients send, parsed into a small query tree.

Supported (classic Lucene query-parser syntax): bare terms and `field:term`, phrases
(`"a b"`, with `~N` slop), groups `( )` and `field:( )`, `AND` `OR` `NOT` `&&` `||` `!`,
`+`/`-` prefixes, backslash escapes of the special characters `+ - & | ! ( ) { } [ ] ^ " ~ * ?
: \\ /` (musicbrainzngs' LUCENE_SPECIAL), `*`/`?` wildcards, `term~` fuzzy terms, `^N` boosts
and `[a TO b]`/`{a TO b}` ranges. The default operator is OR (each clause SHOULD match).
Anything else (unbalanced brackets or quotes, a dangling operator, an unescaped `/`, which
starts a regular expression in Lucene) raises `QuerySyntaxError`, which the server answers
with 400.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class QuerySyntaxError(ValueError):
    """The query is not valid Lucene syntax (the search server answers 400)."""


class Occur(StrEnum):
    MUST = "must"
    SHOULD = "should"
    MUST_NOT = "must_not"


@dataclass(frozen=True)
class Term:
    """One word as typed (escapes removed); `wildcard` when it holds an unescaped * or ?."""

    field: str | None
    text: str
    wildcard: bool = False
    fuzzy: int | None = None  # maximum edits
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    field: str | None
    text: str
    slop: int = 0
    boost: float = 1.0


@dataclass(frozen=True)
class Range:
    field: str | None
    low: str | None  # None for *
    high: str | None
    include_low: bool
    include_high: bool
    boost: float = 1.0


@dataclass(frozen=True)
class Clause:
    occur: Occur
    query: Query


@dataclass(frozen=True)
class Boolean:
    clauses: tuple[Clause, ...] = field(default_factory=tuple)
    boost: float = 1.0


Query = Term | Phrase | Range | Boolean


def parse_query(text: str) -> Query:
    """Parse `text`; raises QuerySyntaxError with what is wrong and where."""
    if not text or not text.strip():
        raise QuerySyntaxError("empty query")
    parser = _Parser(text)
    query = parser.parse_boolean(None, top=True)
    if parser.pos < len(text):
        raise QuerySyntaxError(f"unexpected {text[parser.pos]!r} at {parser.pos}")
    return query


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    # -- characters ---------------------------------------------------------------------------

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def _skip_spaces(self) -> None:
        while self._peek().isspace():
            self.pos += 1

    def _at_word(self, word: str) -> bool:
        end = self.pos + len(word)
        if self.text[self.pos : end] != word:
            return False
        after = self.text[end : end + 1]
        return after == "" or after.isspace() or after in "()"

    # -- grammar -------------------------------------------------------------------------------

    def parse_boolean(self, default_field: str | None, top: bool = False) -> Query:
        clauses: list[Clause] = []
        pending_conj: str | None = None
        while True:
            self._skip_spaces()
            char = self._peek()
            if char == "":
                if not top:
                    raise QuerySyntaxError("a '(' is never closed")
                break
            if char == ")":
                if top:
                    raise QuerySyntaxError(f"unbalanced ')' at {self.pos}")
                break
            conj = self._conjunction()
            if conj is not None:
                if not clauses or pending_conj is not None:
                    raise QuerySyntaxError(f"{conj} without a clause before it at {self.pos}")
                pending_conj = conj
                continue
            occur = Occur.SHOULD
            if self._at_word("NOT") or char == "!":
                self.pos += 3 if self._at_word("NOT") else 1
                occur = Occur.MUST_NOT
            elif char in "+-":
                self.pos += 1
                occur = Occur.MUST if char == "+" else Occur.MUST_NOT
            self._skip_spaces()
            if self._peek() in ("", ")"):
                raise QuerySyntaxError(f"an operator has no clause after it at {self.pos}")
            query = self._clause(default_field)
            if pending_conj == "AND":
                if clauses and clauses[-1].occur is Occur.SHOULD:
                    clauses[-1] = Clause(Occur.MUST, clauses[-1].query)
                if occur is Occur.SHOULD:
                    occur = Occur.MUST
            elif pending_conj == "OR" and occur is Occur.MUST:
                pass  # an explicit + still wins
            clauses.append(Clause(occur, query))
            pending_conj = None
        if pending_conj is not None:
            raise QuerySyntaxError(f"{pending_conj} without a clause after it")
        if not clauses:
            raise QuerySyntaxError("empty group")
        if len(clauses) == 1 and clauses[0].occur is Occur.SHOULD:
            return clauses[0].query
        return Boolean(tuple(clauses))

    def _conjunction(self) -> str | None:
        for word, name in (("AND", "AND"), ("OR", "OR"), ("&&", "AND"), ("||", "OR")):
            if word.isalpha():
                if self._at_word(word):
                    self.pos += len(word)
                    return name
            elif self.text.startswith(word, self.pos):
                self.pos += len(word)
                return name
        return None

    def _clause(self, default_field: str | None) -> Query:
        fieldname = self._field_prefix()
        target = fieldname or default_field
        self._skip_spaces()
        char = self._peek()
        if char == "(":
            self.pos += 1
            query = self.parse_boolean(target)
            if self._peek() != ")":
                raise QuerySyntaxError("a '(' is never closed")
            self.pos += 1
            boost = self._boost()
            if boost != 1.0:
                query = Boolean((Clause(Occur.SHOULD, query),), boost=boost)
            return query
        if char == '"':
            return self._phrase(target)
        if char in "[{":
            return self._range(target)
        if char == "" or char.isspace():
            raise QuerySyntaxError(f"field {fieldname!r} has no value at {self.pos}")
        return self._term(target)

    def _field_prefix(self) -> str | None:
        start = self.pos
        name = []
        while True:
            char = self._peek()
            if char == "" or not (char.isalnum() or char in "_-."):
                break
            name.append(char)
            self.pos += 1
        if name and self._peek() == ":" and name[0] not in "-":
            self.pos += 1
            return "".join(name)
        self.pos = start
        return None

    def _phrase(self, target: str | None) -> Phrase:
        self.pos += 1
        chars = []
        while True:
            char = self._peek()
            if char == "":
                raise QuerySyntaxError("a '\"' is never closed")
            self.pos += 1
            if char == "\\":
                escaped = self._peek()
                if escaped == "":
                    raise QuerySyntaxError("a '\\' escapes nothing at the end")
                chars.append(escaped)
                self.pos += 1
            elif char == '"':
                break
            else:
                chars.append(char)
        slop = 0
        if self._peek() == "~":
            self.pos += 1
            number = self._number()
            slop = int(number) if number is not None else 0
        return Phrase(target, "".join(chars), slop, self._boost())

    def _range(self, target: str | None) -> Range:
        include_low = self._peek() == "["
        self.pos += 1
        self._skip_spaces()
        low = self._range_bound()
        self._skip_spaces()
        if not self._at_word("TO"):
            raise QuerySyntaxError(f"a range needs 'TO' at {self.pos}")
        self.pos += 2
        self._skip_spaces()
        high = self._range_bound()
        self._skip_spaces()
        closing = self._peek()
        if closing not in "]}" or closing == "":
            raise QuerySyntaxError(f"a range is never closed at {self.pos}")
        self.pos += 1
        return Range(target, low, high, include_low, closing == "]", self._boost())

    def _range_bound(self) -> str | None:
        if self._peek() == '"':
            return self._phrase(None).text
        chars = []
        while True:
            char = self._peek()
            if char == "" or char.isspace() or char in "]}":
                break
            if char == "\\":
                self.pos += 1
                char = self._peek()
                if char == "":
                    raise QuerySyntaxError("a '\\' escapes nothing at the end")
            chars.append(char)
            self.pos += 1
        if not chars:
            raise QuerySyntaxError(f"a range bound is missing at {self.pos}")
        text = "".join(chars)
        return None if text == "*" else text

    def _term(self, target: str | None) -> Term:
        chars: list[str] = []
        wildcard = False
        while True:
            char = self._peek()
            if char == "" or char.isspace() or char in '()[]{}^"~:' or char == "\\":
                if char != "\\":
                    break
                escaped = self._peek(1)
                if escaped == "":
                    raise QuerySyntaxError("a '\\' escapes nothing at the end")
                chars.append(escaped)
                self.pos += 2
                continue
            if char == "/":
                raise QuerySyntaxError(
                    f"unescaped '/' at {self.pos} starts a regular expression (escape it as \\/)"
                )
            if char in "*?":
                wildcard = True
            elif char in "!&|" and not chars:
                raise QuerySyntaxError(f"unexpected {char!r} at {self.pos}")
            chars.append(char)
            self.pos += 1
        if not chars:
            raise QuerySyntaxError(f"unexpected {self._peek()!r} at {self.pos}")
        fuzzy = None
        if self._peek() == "~":
            self.pos += 1
            number = self._number()
            if number is None or number >= 1:
                fuzzy = min(2, int(number)) if number is not None else 2
            else:  # the old similarity form, term~0.8
                fuzzy = 1 if number >= 0.5 else 2
        return Term(target, "".join(chars), wildcard, fuzzy, self._boost())

    def _number(self) -> float | None:
        start = self.pos
        while self._peek().isdigit() or self._peek() == ".":
            self.pos += 1
        if self.pos == start:
            return None
        try:
            return float(self.text[start : self.pos])
        except ValueError:
            raise QuerySyntaxError(f"bad number at {start}") from None

    def _boost(self) -> float:
        if self._peek() != "^":
            return 1.0
        self.pos += 1
        number = self._number()
        if number is None:
            raise QuerySyntaxError(f"'^' needs a number at {self.pos}")
        return number
