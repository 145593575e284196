"""Search over catalog artists and works: which documents a Lucene query matches, and their
relative scores.

Scoring rule (a small classic-Lucene similarity, then made relative as MusicBrainz does):
- text fields are folded (NFKD without marks, casefolded) and split into words;
- a matching word scores sqrt(freq) * idf^2 / sqrt(words in the value), idf = 1 + ln(N/(df+1));
  a phrase scores the sum of its words' idf^2 over the same length norm; wildcard, fuzzy,
  keyword and range matches score idf^2 (keywords) or 1 (patterns, ranges);
- a multi-valued field (aliases) scores its best value; an unfielded word scores its best
  default field (artist: name, sort name, alias; work: title, alias);
- a boolean query sums its matching clauses times matched/total (Lucene's coord) and its boost;
- the best hit scores 100 and the others round(100 * raw / best), at least 1.
So equal names score equally (namesakes tie), and an exact one-word name beats a longer name
containing it ("Kasabian" 100, "Mother Kasabian" 71).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from typing import Any

from track_assets.sandbox.emulators.musicbrainz.facts import COUNTRY_AREAS
from track_assets.sandbox.emulators.musicbrainz.lucene import (
    Boolean,
    Occur,
    Phrase,
    Query,
    QuerySyntaxError,
    Range,
    Term,
)

_WORD = re.compile(r"\w+")


class FieldKind(StrEnum):
    TEXT = "text"  # folded words
    ACCENT = "accent"  # casefolded words, accents kept
    KEYWORD = "keyword"  # the whole value, casefolded
    CODE = "code"  # the whole value, letters and digits only (ISWC, IPI, ISNI)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _analyse(kind: FieldKind, text: str) -> tuple[str, ...]:
    if kind is FieldKind.TEXT:
        return tuple(_WORD.findall(fold(text)))
    if kind is FieldKind.ACCENT:
        return tuple(_WORD.findall(text.casefold()))
    if kind is FieldKind.CODE:
        return (re.sub(r"[^0-9a-z]", "", text.casefold()),)
    return (text.casefold(),)


@dataclass(frozen=True)
class SearchSchema:
    """The searchable fields of one entity type and the ones an unfielded word searches."""

    entity: str
    fields: Mapping[str, FieldKind]
    default_fields: tuple[str, ...]


ARTIST_SCHEMA = SearchSchema(
    "artist",
    {
        "artist": FieldKind.TEXT,
        "artistaccent": FieldKind.ACCENT,
        "sortname": FieldKind.TEXT,
        "alias": FieldKind.TEXT,
        "primary_alias": FieldKind.TEXT,
        "arid": FieldKind.KEYWORD,
        "type": FieldKind.KEYWORD,
        "gender": FieldKind.KEYWORD,
        "country": FieldKind.KEYWORD,
        "comment": FieldKind.TEXT,
        "ipi": FieldKind.CODE,
        "isni": FieldKind.CODE,
        "begin": FieldKind.KEYWORD,
        "end": FieldKind.KEYWORD,
        "ended": FieldKind.KEYWORD,
        "area": FieldKind.TEXT,
        "beginarea": FieldKind.TEXT,
        "endarea": FieldKind.TEXT,
        "tag": FieldKind.TEXT,
    },
    ("artist", "sortname", "alias"),
)

WORK_SCHEMA = SearchSchema(
    "work",
    {
        "work": FieldKind.TEXT,
        "workaccent": FieldKind.ACCENT,
        "alias": FieldKind.TEXT,
        "wid": FieldKind.KEYWORD,
        "arid": FieldKind.KEYWORD,
        "artist": FieldKind.TEXT,
        "iswc": FieldKind.CODE,
        "recording": FieldKind.TEXT,
        "recording_count": FieldKind.KEYWORD,
        "type": FieldKind.KEYWORD,
        "comment": FieldKind.TEXT,
        "lang": FieldKind.KEYWORD,
        "tag": FieldKind.TEXT,
    },
    ("work", "alias"),
)


def artist_document(artist: Any) -> dict[str, list[str]]:
    """The searchable values of a catalog `MbArtist`."""
    area = COUNTRY_AREAS.get(artist.country or "")
    return {
        "artist": [artist.name],
        "artistaccent": [artist.name],
        "sortname": [artist.sort_name],
        "alias": [alias.name for alias in artist.aliases],
        "primary_alias": [alias.name for alias in artist.aliases if alias.primary],
        "arid": [artist.mbid],
        "type": [artist.type] if artist.type else [],
        "gender": [artist.gender] if artist.gender else [],
        "country": [artist.country] if artist.country else [],
        "comment": [artist.disambiguation] if artist.disambiguation else [],
        "ipi": list(artist.ipis),
        "isni": list(artist.isnis),
        "begin": [artist.begin_date] if artist.begin_date else [],
        "ended": ["false"],
        "area": [area[1]] if area else [],
    }


def work_document(work: Any, catalog: Any) -> dict[str, list[str]]:
    """The searchable values of a catalog `MbWork` (writers and recordings from `catalog`)."""
    writers = [catalog.mb_artists_by_mbid.get(rel.artist_mbid) for rel in work.writers]
    recordings = [r for r in catalog.mb_recordings if work.mbid in r.work_mbids]
    return {
        "work": [work.title],
        "workaccent": [work.title],
        "wid": [work.mbid],
        "arid": sorted({rel.artist_mbid for rel in work.writers}),
        "artist": sorted({w.name for w in writers if w is not None}),
        "iswc": list(work.iswcs),
        "recording": [r.title for r in recordings],
        "recording_count": [str(len(recordings))],
    }


@dataclass(frozen=True)
class Hit:
    index: int  # position in the documents given to the index
    score: int  # 1-100, the best hit 100


class SearchIndex:
    """Documents of one entity type, searchable with parsed Lucene queries."""

    def __init__(self, schema: SearchSchema, documents: Sequence[Mapping[str, Iterable[str]]]):
        self.schema = schema
        self._values: list[dict[str, list[tuple[str, tuple[str, ...]]]]] = []
        document_frequency: dict[tuple[str, str], int] = {}
        for document in documents:
            analysed: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
            for name, kind in schema.fields.items():
                values = [v for v in document.get(name, ()) if v]
                analysed[name] = [(v, _analyse(kind, v)) for v in values]
                for token in {t for _, tokens in analysed[name] for t in tokens}:
                    key = (name, token)
                    document_frequency[key] = document_frequency.get(key, 0) + 1
            self._values.append(analysed)
        self._df = document_frequency
        self._count = len(documents)

    def search(self, query: Query, sort_key: Callable[[int], Any] = lambda i: i) -> list[Hit]:
        """Matching documents, best first (ties by `sort_key`), with relative scores."""
        self._check_fields(query)
        raw = []
        for index in range(len(self._values)):
            score = self._evaluate(query, index)
            if score is not None and score > 0:
                raw.append((index, score))
        if not raw:
            return []
        best = max(score for _, score in raw)
        raw.sort(key=lambda pair: (-pair[1], sort_key(pair[0])))
        return [Hit(index, max(1, round(100 * score / best))) for index, score in raw]

    # -- validation ---------------------------------------------------------------------------

    def _check_fields(self, query: Query) -> None:
        if isinstance(query, Boolean):
            for clause in query.clauses:
                self._check_fields(clause.query)
            return
        if query.field is not None and query.field not in self.schema.fields:
            # Solr's standard parser refuses undefined fields; the server answers 400.
            raise QuerySyntaxError(f"undefined field {query.field!r} for {self.schema.entity}")

    # -- evaluation -----------------------------------------------------------------------------

    def _fields_of(self, query: Term | Phrase | Range) -> tuple[str, ...]:
        return (query.field,) if query.field is not None else self.schema.default_fields

    def _evaluate(self, query: Query, index: int) -> float | None:
        if isinstance(query, Boolean):
            return self._evaluate_boolean(query, index)
        best: float | None = None
        for name in self._fields_of(query):
            score = self._evaluate_field(query, name, index)
            if score is not None and (best is None or score > best):
                best = score
        return None if best is None else best * query.boost

    def _evaluate_boolean(self, query: Boolean, index: int) -> float | None:
        total = 0.0
        matched = 0
        scored = 0
        for clause in query.clauses:
            score = self._evaluate(clause.query, index)
            if clause.occur is Occur.MUST_NOT:
                if score is not None:
                    return None
                continue
            scored += 1
            if clause.occur is Occur.MUST and score is None:
                return None
            if score is not None:
                total += score
                matched += 1
        if matched == 0:
            return None
        return total * matched / scored * query.boost

    def _idf(self, name: str, token: str) -> float:
        df = self._df.get((name, token), 0)
        return 1.0 + math.log(self._count / (df + 1))

    def _evaluate_field(self, query: Term | Phrase | Range, name: str, index: int) -> float | None:
        kind = self.schema.fields[name]
        values = self._values[index].get(name, [])
        if not values:
            return None
        if isinstance(query, Range):
            return self._range_score(query, kind, values)
        if isinstance(query, Term) and (query.wildcard or query.fuzzy is not None):
            return self._pattern_score(query, kind, values)
        tokens = _analyse(kind, query.text)
        if not tokens or tokens == ("",):
            return None
        slop = query.slop if isinstance(query, Phrase) else 0
        weight = sum(self._idf(name, token) ** 2 for token in tokens)
        best: float | None = None
        for _, value_tokens in values:
            frequency = _phrase_frequency(tokens, value_tokens, slop)
            if frequency:
                norm = 1.0 / math.sqrt(len(value_tokens))
                score = math.sqrt(frequency) * weight * norm
                best = score if best is None else max(best, score)
        return best

    def _pattern_score(
        self, query: Term, kind: FieldKind, values: list[tuple[str, tuple[str, ...]]]
    ) -> float | None:
        if kind in (FieldKind.KEYWORD, FieldKind.CODE):
            pattern = query.text.casefold()
        else:
            pattern = fold(query.text) if kind is FieldKind.TEXT else query.text.casefold()
        for _, value_tokens in values:
            for token in value_tokens:
                if query.wildcard and fnmatchcase(token, pattern):
                    return 1.0 / math.sqrt(len(value_tokens))
                if query.fuzzy is not None and _within_edits(pattern, token, query.fuzzy):
                    return 1.0 / math.sqrt(len(value_tokens))
        return None

    def _range_score(
        self, query: Range, kind: FieldKind, values: list[tuple[str, tuple[str, ...]]]
    ) -> float | None:
        low = query.low.casefold() if query.low is not None else None
        high = query.high.casefold() if query.high is not None else None
        for raw, _ in values:
            value = raw.casefold()
            if low is not None and (value < low or (value == low and not query.include_low)):
                continue
            if high is not None and (value > high or (value == high and not query.include_high)):
                continue
            return 1.0
        return None


def _phrase_frequency(tokens: tuple[str, ...], value: tuple[str, ...], slop: int) -> int:
    """How often `tokens` occur in order in `value`, each gap at most `slop` words in all."""
    if len(tokens) == 1:
        return value.count(tokens[0])
    count = 0
    for start, token in enumerate(value):
        if token != tokens[0]:
            continue
        position = start
        gaps = 0
        for wanted in tokens[1:]:
            following = [i for i in range(position + 1, len(value)) if value[i] == wanted]
            if not following:
                break
            gaps += following[0] - position - 1
            position = following[0]
        else:
            if gaps <= slop:
                count += 1
    return count


def _within_edits(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit
