"""Name and title normalisation shared by the catalog's indexes and its ground truth."""

from __future__ import annotations

import re
import unicodedata

_NOT_WORD = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")
_FEATURING = re.compile(r"\s*[(\[](?:feat\.?|ft\.?|featuring|with)\s[^)\]]*[)\]]", re.IGNORECASE)


def normalise_name(text: str) -> str:
    """Compare names the way careful matchers do (docs/matching.md#normalising-names-and-titles).

    NFKD without combining marks, casefolded, "&" read as "and", punctuation dropped,
    whitespace collapsed: "Beyoncé" == "beyonce", "Simon & Garfunkel" == "simon and garfunkel".
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = bare.casefold().replace("&", " and ")
    bare = _NOT_WORD.sub(" ", bare).replace("_", " ")
    return _SPACES.sub(" ", bare).strip()


def name_tokens(text: str) -> tuple[str, ...]:
    """The normalised words of a name, sorted: "HAHEEB SAHEEB" matches "Saheeb Haheeb"."""
    return tuple(sorted(normalise_name(text).split()))


def normalise_title(text: str) -> str:
    """A track or work title without its "(feat. ...)" / "(with ...)" part, normalised: Spotify
    titles carry featured artists, MLC and MusicBrainz work titles do not."""
    return normalise_name(_FEATURING.sub("", text))
