"""Who a credited writer is: names and identifiers compared as evidence, never a guess.

One person is seen three ways: Spotify credits the name the public knows, The MLC lists the
legal name (upper case, often with middle names or initials, sometimes transliterated) with an
IPI, MusicBrainz knows an artist with aliases (typed "Legal name", "Artist name", "Search hint",
with locales and sort names), IPIs and ISNIs. A match between two views carries a confidence and
the evidence that made it:
- identifiers first: an IPI, ISNI or Spotify artist URI known on both sides decides (agreeing:
  certain; disagreeing: never the same person, whatever the names say);
- then names, through every name each side knows (so a stage name reaches a legal name, and a
  native-script name a Latin one, only through an alias that says so). Two names agree when they
  are the same words (case, diacritics, punctuation, Unicode hyphens and apostrophes, spacing
  folded), the same words in another order ("LAST FIRST MIDDLE"), or the same first and last
  name with middle names or initials on one side only. A shared first or last name alone is
  never agreement.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from track_assets.db.records import MusicBrainzArtist

# Letters NFKD does not decompose into a base letter and a mark.
_FOLDED_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D",
     "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D", "\u0131": "i"}
)  # fmt: skip
# Apostrophes join ("O'Brien" = "OBRIEN"); every other non-word character separates words
# (Unicode hyphens included: "Jean\u2010Luc" = "JEAN LUC").
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc\u02b9\u00b4\u0060\u2032]")
_SEPARATORS = re.compile(r"[^\w]+")
# Generational suffixes say nothing about who is meant on either side.
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def name_words(name: str) -> tuple[str, ...]:
    """A person's name as folded words: "Beyoncé Giselle KNOWLES-Carter" ->
    ("beyonce", "giselle", "knowles", "carter"); "Moore, Sonny" (a sort name) -> ("sonny",
    "moore"); "&" reads as "and"."""
    text = name.strip()
    if text.count(",") == 1:
        last, given = (part.strip() for part in text.split(","))
        if last and given and given.casefold().rstrip(".") not in _SUFFIXES:
            text = f"{given} {last}"
    text = unicodedata.normalize("NFKD", text.translate(_FOLDED_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = _APOSTROPHES.sub("", text.replace("&", " and "))
    words = _SEPARATORS.sub(" ", text).replace("_", " ").split()
    kept = [w for w in words if w not in _SUFFIXES]
    return tuple(kept or words)


class NameAgreement(StrEnum):
    """How two names agree, strongest first."""

    SAME = "same name"  # the same words in the same order (or the same letters, spaced apart)
    REORDERED = "same words, other order"  # "LAST FIRST MIDDLE" against "First Middle Last"
    MIDDLE_NAMES = "same first and last name, middle names or initials on one side only"


NAME_CONFIDENCE: dict[NameAgreement, float] = {
    NameAgreement.SAME: 0.9,
    NameAgreement.REORDERED: 0.85,
    NameAgreement.MIDDLE_NAMES: 0.75,
}
IDENTIFIER_CONFIDENCE = 1.0
# A "Search hint" alias is a spelling people search by, not a name the person uses.
HINT_PENALTY = 0.1


def _same_word(a: str, b: str) -> bool:
    return a == b


def _initial_of(a: str, b: str) -> bool:
    """One word is the other's initial ("R" and "ROBERT")."""
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _with_middle_names(short: Sequence[str], long: Sequence[str]) -> bool:
    """`short` is `long` with middle names or initials left out or abbreviated: the same first
    word, the same last word, every other word of `short` found in order among `long`'s middle
    words (whole, or as an initial), and at least two whole words shared."""
    if len(short) < 2 or short[0] != long[0] or short[-1] != long[-1]:
        return False
    if len(short[0]) == 1 or len(short[-1]) == 1:
        return False
    middle = iter(long[1:-1])
    for word in short[1:-1]:
        if not any(_same_word(word, other) or _initial_of(word, other) for other in middle):
            return False
    return True


def _orders(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The name as written and, for a name written "LAST FIRST MIDDLE", as "FIRST MIDDLE LAST"
    (and the reverse)."""
    if len(words) < 2:
        return (words,)
    return (words, words[1:] + words[:1], words[-1:] + words[:-1])


def compare_names(a: str, b: str) -> NameAgreement | None:
    """How the names `a` and `b` agree (see the module docstring), or None."""
    left, right = name_words(a), name_words(b)
    if not left or not right:
        return None
    if left == right or "".join(left) == "".join(right):
        return NameAgreement.SAME
    if len(left) > 1 and sorted(left) == sorted(right):
        return NameAgreement.REORDERED
    short, long = sorted((left, right), key=len)
    for shorter in _orders(short) if len(short) == len(long) else (short,):
        if any(_with_middle_names(shorter, order) for order in _orders(long)):
            return NameAgreement.MIDDLE_NAMES
    return None


# --- people ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KnownName:
    """One name a source knows a person by, and which (shown in the evidence)."""

    text: str
    source: str  # "Spotify credit", "MLC writer", "MusicBrainz name", "MusicBrainz alias (...)"
    hint: bool = False  # a MusicBrainz "Search hint": weaker than a name the person uses


def ipi_key(ipi: str | None) -> str | None:
    """IPI name numbers compared as 11 digits (they are often written without leading zeros)."""
    digits = "".join(c for c in ipi or "" if c.isdigit())
    return digits.zfill(11) if digits.strip("0") else None


def iswc_key(iswc: str | None) -> str | None:
    """ISWCs compared as "T" and ten digits, whatever the dots and dashes ("T-345.246.800-1")."""
    compact = "".join(c for c in (iswc or "").upper() if c.isalnum())
    return compact or None


def isni_key(isni: str | None) -> str | None:
    """ISNIs compared as 16 characters without spaces (the last may be X)."""
    compact = "".join(c for c in (isni or "").upper() if c.isalnum())
    return compact or None


@dataclass(frozen=True)
class PersonView:
    """Everything one source (or several, merged) says about a person."""

    names: tuple[KnownName, ...]
    ipis: frozenset[str] = frozenset()
    isnis: frozenset[str] = frozenset()
    spotify_artist_uri: str | None = None

    @classmethod
    def of(
        cls,
        names: Iterable[KnownName],
        *,
        ipis: Iterable[str | None] = (),
        isnis: Iterable[str | None] = (),
        spotify_artist_uri: str | None = None,
    ) -> PersonView:
        return cls(
            names=tuple(n for n in names if n.text and n.text.strip()),
            ipis=frozenset(k for k in map(ipi_key, ipis) if k),
            isnis=frozenset(k for k in map(isni_key, isnis) if k),
            spotify_artist_uri=spotify_artist_uri or None,
        )

    def merged(self, other: PersonView) -> PersonView:
        """This view with another source's names and identifiers added (the same person)."""
        return PersonView(
            names=self.names + tuple(n for n in other.names if n not in self.names),
            ipis=self.ipis | other.ipis,
            isnis=self.isnis | other.isnis,
            spotify_artist_uri=self.spotify_artist_uri or other.spotify_artist_uri,
        )

    @property
    def label(self) -> str:
        return self.names[0].text if self.names else "(no name)"


@dataclass(frozen=True)
class IdentityMatch:
    """Whether two views are the same person: `same` with a confidence and the evidence, or
    not the same because an identifier disagrees (`contradictions`), or no evidence either way
    (`same` False, nothing listed)."""

    same: bool
    confidence: float = 0.0
    evidence: tuple[str, ...] = ()
    contradictions: tuple[str, ...] = ()

    @property
    def contradicted(self) -> bool:
        return bool(self.contradictions)

    def describe(self) -> str:
        return "; ".join(self.evidence or self.contradictions)


NO_EVIDENCE = IdentityMatch(same=False)


def _identifier_evidence(a: PersonView, b: PersonView) -> tuple[list[str], list[str]]:
    agree: list[str] = []
    disagree: list[str] = []
    for label, left, right in (("IPI", a.ipis, b.ipis), ("ISNI", a.isnis, b.isnis)):
        if left and right:
            shared = sorted(left & right)
            if shared:
                agree.append(f"{label} {shared[0]} on both sides")
            else:
                disagree.append(f"{label}s differ ({', '.join(sorted(left))} vs "
                                f"{', '.join(sorted(right))})")  # fmt: skip
    if a.spotify_artist_uri and b.spotify_artist_uri:
        if a.spotify_artist_uri == b.spotify_artist_uri:
            agree.append(f"Spotify artist {a.spotify_artist_uri} on both sides")
        else:
            disagree.append("Spotify artist URIs differ")
    return agree, disagree


def best_name_agreement(a: PersonView, b: PersonView) -> tuple[float, str] | None:
    """The strongest agreement between any name of `a` and any name of `b`, with its evidence."""
    best: tuple[float, str] | None = None
    for left in a.names:
        for right in b.names:
            agreement = compare_names(left.text, right.text)
            if agreement is None:
                continue
            confidence = NAME_CONFIDENCE[agreement] - HINT_PENALTY * (left.hint or right.hint)
            evidence = f"{left.source} {left.text!r} and {right.source} {right.text!r}: {agreement}"
            if best is None or confidence > best[0]:
                best = (round(confidence, 4), evidence)
    return best


def match_people(a: PersonView, b: PersonView) -> IdentityMatch:
    """Whether `a` and `b` are one person: an identifier on both sides decides; otherwise the
    best agreement of their names (see the module docstring)."""
    agree, disagree = _identifier_evidence(a, b)
    if disagree and not agree:
        return IdentityMatch(same=False, contradictions=tuple(disagree))
    named = best_name_agreement(a, b)
    if agree:
        # An IPI agreeing outweighs a second IPI listed on one side only; a Spotify URI or ISNI
        # that disagrees while an IPI agrees is left to the evidence text.
        evidence = tuple(agree) + ((named[1],) if named else ())
        return IdentityMatch(
            same=True, confidence=IDENTIFIER_CONFIDENCE, evidence=evidence,
            contradictions=tuple(disagree),
        )  # fmt: skip
    if named is None:
        return NO_EVIDENCE
    return IdentityMatch(same=True, confidence=named[0], evidence=(named[1],))


# --- several people on each side --------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    """A person on the left matched to one on the right (indices), or why not."""

    left: int
    right: int | None
    match: IdentityMatch = NO_EVIDENCE
    # Right-hand people that agreed equally well (a tie is left unmatched, never guessed).
    tied_with: tuple[int, ...] = field(default=())


def assign_people(left: Sequence[PersonView], right: Sequence[PersonView]) -> list[Assignment]:
    """Each person on the left matched to at most one on the right and vice versa, strongest
    evidence first. A left person whose best candidates tie, or who ties with another left
    person for one candidate, stays unmatched with the tie recorded."""
    scored = {(i, j): match_people(a, b) for i, a in enumerate(left) for j, b in enumerate(right)}
    pairs = sorted(
        ((m.confidence, i, j) for (i, j), m in scored.items() if m.same),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    taken_left: set[int] = set()
    taken_right: set[int] = set()
    result: dict[int, Assignment] = {}
    for confidence, i, j in pairs:
        if i in taken_left or j in taken_right:
            continue
        rivals_right = [
            jj for c, ii, jj in pairs
            if ii == i and jj != j and c == confidence and jj not in taken_right
        ]  # fmt: skip
        rivals_left = [
            ii for c, ii, jj in pairs
            if jj == j and ii != i and c == confidence and ii not in taken_left
        ]  # fmt: skip
        if rivals_right or rivals_left:
            # Unsure stays unmatched: this person, and (when two people claim it) the candidate.
            taken_left.add(i)
            if rivals_left:
                taken_right.add(j)
            result[i] = Assignment(i, None, NO_EVIDENCE, tuple(sorted({j, *rivals_right})))
            continue
        taken_left.add(i)
        taken_right.add(j)
        result[i] = Assignment(i, j, scored[(i, j)])
    return [result.get(i, Assignment(i, None)) for i in range(len(left))]


# --- what MusicBrainz knows of a person -------------------------------------------------------

SEARCH_HINT = "Search hint"


def musicbrainz_view(artist: MusicBrainzArtist) -> PersonView:
    """A stored MusicBrainz artist as identity evidence: its name, sort name and every alias
    (each labelled with its type and locale, a "Search hint" counting less), IPIs and ISNIs."""
    names = [KnownName(artist.name, "MusicBrainz name")]
    if artist.sort_name:
        names.append(KnownName(artist.sort_name, "MusicBrainz sort name"))
    for alias in artist.aliases or ():
        kind = ", ".join(str(p) for p in (alias.get("type"), alias.get("locale")) if p)
        source = f"MusicBrainz alias ({kind})" if kind else "MusicBrainz alias"
        hint = alias.get("type") == SEARCH_HINT
        names.append(KnownName(alias.get("name") or "", source, hint=hint))
        if alias.get("sort_name"):
            names.append(KnownName(alias["sort_name"], f"{source} sort name", hint=hint))
    return PersonView.of(names, ipis=artist.ipis or (), isnis=artist.isnis or ())
