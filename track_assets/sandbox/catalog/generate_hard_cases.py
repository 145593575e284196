"""Generated hard cases: `generate_hard_cases(seed, cases)` writes a hard-cases file (the format
of hard_cases.json) whose expected answers follow from how each case was built, by the rules of
README "How a writer is matched" and "Songwriter leads" (never computed by the pipeline)."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from track_assets.sandbox.catalog.hard_cases import FORMAT
from track_assets.sandbox.catalog.vocabulary import (
    FIRST_NAMES,
    LAST_NAMES,
    NAMESAKE_DISAMBIGUATIONS,
    PUBLISHERS,
    STAGE_PREFIXES,
    STAGE_SURNAMES,
    TITLE_ADJECTIVES,
    TITLE_NOUNS,
    TITLE_PHRASES,
)

REFERENCE_DATE = "2026-11-01"
DEFAULT_CASES = 120
SIGNED_SHARE = 99.5  # the known share from which a work counts as wholly claimed (3 x 33.33)
PLAYLISTS = (
    {"key": "main", "name": "Generated Hard Cases: Main", "chartmetric": "current"},
    {"key": "indie", "name": "Generated Hard Cases: Indie", "chartmetric": "none"},
    {"key": "fresh", "name": "Generated Hard Cases: Fresh Adds", "chartmetric": "lagging"},
)

# --- word lists (besides the generator's vocabulary) --------------------------------------------

_PLAIN_FIRST = tuple(n for n in FIRST_NAMES if n.isascii() and n.isalpha())
_PLAIN_LAST = tuple(n for n in LAST_NAMES if n.isascii() and n.isalpha())
# (as written, as The MLC folds it)
_ACCENTED_FIRST = (
    ("Zoë", "ZOE"), ("Renée", "RENEE"), ("Inès", "INES"), ("José", "JOSE"), ("Søren", "SOREN"),
    ("Bjørn", "BJORN"), ("Łukasz", "LUKASZ"), ("Małgorzata", "MALGORZATA"), ("Jürgen", "JURGEN"),
    ("Anaïs", "ANAIS"), ("Hélène", "HELENE"), ("Andrés", "ANDRES"), ("François", "FRANCOIS"),
    ("Åsa", "ASA"), ("Raúl", "RAUL"), ("Mónica", "MONICA"), ("Zsófia", "ZSOFIA"), ("Jiří", "JIRI"),
    ("Dagný", "DAGNY"), ("Noémie", "NOEMIE"),
)  # fmt: skip
_ACCENTED_LAST = (
    ("Brønnum", "BRONNUM"), ("Strauß", "STRAUSS"), ("Wałęsa", "WALESA"), ("Nørgaard", "NORGAARD"),
    ("Groß", "GROSS"), ("Dvořák", "DVORAK"), ("Sørensen", "SORENSEN"), ("Gómez", "GOMEZ"),
    ("Pérez", "PEREZ"), ("Østergaard", "OSTERGAARD"), ("Weiß", "WEISS"), ("Michałowski",
    "MICHALOWSKI"), ("Łukasiewicz", "LUKASIEWICZ"), ("Müller", "MULLER"), ("Kovačević",
    "KOVACEVIC"), ("Çelik", "CELIK"), ("Håkansson", "HAKANSSON"), ("Ibáñez", "IBANEZ"),
    ("Núñez", "NUNEZ"), ("Świątek", "SWIATEK"),
)  # fmt: skip
_HYPHENATED_FIRST = (
    ("Jean", "Baptiste"), ("Anne", "Marie"), ("Jean", "Luc"), ("Marie", "Claire"), ("Hans", "Peter"),
    ("Karl", "Heinz"), ("Mary", "Kate"), ("Jo", "Ann"), ("Pierre", "Louis"), ("Eva", "Lotta"),
)  # fmt: skip
_UNICODE_HYPHENS = ("\u2010", "\u2011")  # HYPHEN, NON-BREAKING HYPHEN
_UNICODE_APOSTROPHES = (
    "\u2019",
    "\u02bc",
)  # RIGHT SINGLE QUOTATION MARK, MODIFIER LETTER APOSTROPHE
_APOSTROPHE_LAST = (
    ("O", "Donnell"), ("O", "Neill"), ("D", "Angelo"), ("D", "Souza"), ("O", "Connor"), ("O", "Hara"),
    ("O", "Sullivan"), ("D", "Amico"), ("L", "Heureux"), ("O", "Malley"), ("N", "Diaye"),
    ("D", "Arcy"), ("O", "Rourke"), ("M", "Bala"), ("O", "Keefe"),
)  # fmt: skip
# Nicknames a credit may use where The MLC holds the given name.
_NICKNAMES = (
    ("Beto", "Roberto"), ("Bobby", "Robert"), ("Manny", "Manuel"), ("Paco", "Francisco"),
    ("Nacho", "Ignacio"), ("Lupe", "Guadalupe"), ("Sasha", "Alexander"), ("Liz", "Elizabeth"),
    ("Peggy", "Margaret"), ("Jim", "James"), ("Tony", "Antonio"), ("Kate", "Katherine"),
)  # fmt: skip
_GENERIC_TITLES = (
    "Stay", "Intro", "Forever", "Home", "Alive", "Outro", "Closer", "Runaway", "Falling",
    "Breathe", "Tonight", "Gold",
)  # fmt: skip
_EXTRA_ADJECTIVES = (
    "Amber", "Hollow", "Distant", "Northern", "Faded", "Restless", "Silent", "Glass", "Copper",
    "Violet", "Rusty", "Frozen", "Gentle", "Hidden", "Lucky", "Painted", "Sleepless", "Stolen",
    "Twisted", "Weightless",
)  # fmt: skip
_SOCIAL = (
    "https://www.instagram.com/{}",
    "https://www.tiktok.com/@{}",
    "https://soundcloud.com/{}",
)


@dataclass(frozen=True)
class _Script:
    """Native-script names: given and family names (native, Latin) per group that combine."""

    name: str
    family_first: bool  # written family name first, without a space (CJK, Hangul)
    groups: tuple[tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]], ...]


_SCRIPTS = (
    _Script("Cyrillic", False, (
        ((("Алина", "Alina"), ("Екатерина", "Ekaterina"), ("Дарья", "Darya"), ("Полина", "Polina"),
          ("Ксения", "Kseniya"), ("Вероника", "Veronika")),
         (("Соколова", "Sokolova"), ("Волкова", "Volkova"), ("Морозова", "Morozova"),
          ("Лебедева", "Lebedeva"), ("Новикова", "Novikova"), ("Козлова", "Kozlova"))),
        ((("Дмитрий", "Dmitry"), ("Артём", "Artyom"), ("Илья", "Ilya"), ("Максим", "Maksim"),
          ("Никита", "Nikita"), ("Фёдор", "Fyodor")),
         (("Соколов", "Sokolov"), ("Волков", "Volkov"), ("Морозов", "Morozov"),
          ("Лебедев", "Lebedev"), ("Новиков", "Novikov"), ("Козлов", "Kozlov"))),
    )),
    _Script("Greek", False, (
        ((("Νίκος", "Nikos"), ("Γιώργος", "Giorgos"), ("Κώστας", "Kostas"), ("Δημήτρης", "Dimitris"),
          ("Σπύρος", "Spyros"), ("Άλκης", "Alkis")),
         (("Παππάς", "Pappas"), ("Παπαδόπουλος", "Papadopoulos"), ("Οικονόμου", "Oikonomou"),
          ("Γεωργίου", "Georgiou"), ("Καραγιάννης", "Karagiannis"), ("Βλάχος", "Vlachos"))),
        ((("Ελένη", "Eleni"), ("Μαρία", "Maria"), ("Κατερίνα", "Katerina"), ("Σοφία", "Sofia"),
          ("Δέσποινα", "Despoina"), ("Αθηνά", "Athina")),
         (("Παππά", "Pappa"), ("Παπαδοπούλου", "Papadopoulou"), ("Μαυρίδου", "Mavridou"),
          ("Αντωνίου", "Antoniou"), ("Καραγιάννη", "Karagianni"), ("Βλάχου", "Vlachou"))),
    )),
    _Script("Japanese", True, (
        ((("美咲", "Misaki"), ("翔太", "Shota"), ("陽菜", "Hina"), ("大輝", "Daiki"), ("結衣", "Yui"),
          ("蓮", "Ren"), ("葵", "Aoi"), ("悠真", "Yuma")),
         (("佐藤", "Sato"), ("鈴木", "Suzuki"), ("高橋", "Takahashi"), ("田中", "Tanaka"),
          ("伊藤", "Ito"), ("渡辺", "Watanabe"), ("山本", "Yamamoto"), ("中村", "Nakamura"))),
    )),
    _Script("Korean", True, (
        ((("하늘", "Haneul"), ("민준", "Minjun"), ("서연", "Seoyeon"), ("지훈", "Jihoon"),
          ("수빈", "Subin"), ("예은", "Yeeun"), ("도윤", "Doyun"), ("하은", "Haeun")),
         (("김", "Kim"), ("이", "Lee"), ("박", "Park"), ("최", "Choi"), ("정", "Jung"), ("강", "Kang"),
          ("조", "Cho"), ("윤", "Yoon"))),
    )),
    _Script("Chinese", True, (
        ((("思妤", "Szu-yu"), ("家豪", "Chia-hao"), ("怡君", "Yi-chun"), ("俊傑", "Chun-chieh"),
          ("雅婷", "Ya-ting"), ("志明", "Chih-ming"), ("冠宇", "Kuan-yu"), ("詩涵", "Shih-han")),
         (("陳", "Chen"), ("林", "Lin"), ("王", "Wang"), ("張", "Chang"), ("李", "Li"),
          ("黃", "Huang"), ("吳", "Wu"), ("劉", "Liu"))),
    )),
)  # fmt: skip


# --- records --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Someone as they write their name, and as The MLC lists it (upper case ASCII)."""

    first: str
    last: str
    middle: str = ""
    mlc_first: str = ""
    mlc_last: str = ""
    mlc_middle: str = ""

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first, self.middle, self.last) if p)

    @property
    def short_name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def sort_name(self) -> str:
        return f"{self.last}, " + " ".join(p for p in (self.first, self.middle) if p)


@dataclass(frozen=True)
class NativeName:
    """A person credited in their own script, with the Latin name The MLC lists."""

    native: str
    native_sort: str
    alias: str  # the Latin legal name as MusicBrainz writes it
    alias_sort: str
    person: Person
    script: str


@dataclass(frozen=True)
class MlcWriter:
    key: str
    first_name: str | None
    last_name: str
    ipi: str | None

    @property
    def listed_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p)


@dataclass(frozen=True)
class Publisher:
    name: str
    share: float
    writers: tuple[str, ...] = ()  # MLC writer keys it represents
    administrators: tuple[tuple[str, float], ...] = ()

    @property
    def known_share(self) -> float:
        # A publisher at 0 collects through its administrators (SB5VH7).
        return self.share or sum(share for _, share in self.administrators)


@dataclass(frozen=True)
class MlcWork:
    song_code: str
    writers: tuple[MlcWriter, ...]
    publishers: tuple[Publisher, ...] = ()
    iswc: str | None = None

    @property
    def known_share(self) -> float:
        return sum(p.known_share for p in self.publishers)

    @property
    def represented(self) -> frozenset[str]:
        return frozenset(key for p in self.publishers if p.known_share > 0 for key in p.writers)


@dataclass(frozen=True)
class Credit:
    """A credited writer, who the construction says they are, and whether evidence connects."""

    key: str
    name: str
    same_as: str | None  # the MLC writer key of the same person, on the track's work
    connected: bool  # the README's rules connect the credit to that writer
    artist: str | None  # the MusicBrainz artist key the evidence ties to the credit
    spotify: bool = False


@dataclass(frozen=True)
class ExpectedAnswers:
    work: str | None
    status: str
    writers: dict[str, dict[str, str | None]]


# --- drawing names and identifiers -----------------------------------------------------------------


class _Draw:
    """Every random choice of one file: names, titles and identifiers, unique across cases."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names: set[str] = set()  # folded "FIRST LAST" (and stage and native names)
        self.titles = self._title_pool()
        self.ipis: set[str] = set()
        self.iswcs: set[str] = set()
        self.song_codes = 0
        self.other_isrcs = 0

    def _title_pool(self) -> list[str]:
        adjectives = (*TITLE_ADJECTIVES, *_EXTRA_ADJECTIVES)
        pool = [f"{a} {n}" for a in adjectives for n in TITLE_NOUNS if a != n]
        pool += [t for t in TITLE_PHRASES if t.isascii()]
        self.rng.shuffle(pool)
        return pool

    def title(self) -> str:
        if not self.titles:
            raise ValueError("too many cases: the generated titles ran out")
        return self.titles.pop()

    def generic_title(self) -> str:
        return self.rng.choice(_GENERIC_TITLES)

    def _claim(self, folded: str) -> bool:
        if folded in self.names:
            return False
        self.names.add(folded)
        return True

    def _attempts(self, make: Callable[[], Any], folded: Callable[[Any], str]) -> Any:
        for _ in range(10_000):
            candidate = make()
            if self._claim(folded(candidate)):
                return candidate
        raise ValueError("too many cases: the generated names ran out")

    def person(self, taken: set[str], middle: bool = False) -> Person:
        """A plain (ASCII) name whose first and last words no one else in the case uses."""

        def make() -> Person:
            first = self.rng.choice([n for n in _PLAIN_FIRST if n.upper() not in taken])
            last = self.rng.choice([n for n in _PLAIN_LAST if n.upper() not in taken])
            extra = ""
            if middle:
                extra = self.rng.choice([n for n in _PLAIN_FIRST if n not in (first,)])
            return _person(first, last, extra)

        return self._taken(self._attempts(make, _folded), taken)

    def accented_person(self, taken: set[str]) -> Person:
        def make() -> Person:
            (first, mlc_first), (last, mlc_last) = (
                self.rng.choice(_ACCENTED_FIRST),
                self.rng.choice(_ACCENTED_LAST),
            )
            return Person(first, last, "", mlc_first, mlc_last)

        return self._taken(self._attempts(make, _folded), taken)

    def hyphenated_person(self, taken: set[str]) -> Person:
        """A hyphen (U+2010 or U+2011) in the first name or a double-barrelled last name."""

        def make() -> Person:
            hyphen = self.rng.choice(_UNICODE_HYPHENS)
            if self.rng.random() < 0.5:
                one, two = self.rng.choice(_HYPHENATED_FIRST)
                last = self.rng.choice(_PLAIN_LAST)
                return Person(f"{one}{hyphen}{two}", last, "", f"{one} {two}".upper(), last.upper())
            first = self.rng.choice(_PLAIN_FIRST)
            one, two = self.rng.sample(_PLAIN_LAST, 2)
            return Person(first, f"{one}{hyphen}{two}", "", first.upper(), f"{one} {two}".upper())

        return self._taken(self._attempts(make, _folded), taken)

    def apostrophe_person(self, taken: set[str]) -> Person:
        def make() -> Person:
            first = self.rng.choice(_PLAIN_FIRST)
            prefix, rest = self.rng.choice(_APOSTROPHE_LAST)
            mark = self.rng.choice(_UNICODE_APOSTROPHES)
            return Person(
                first, f"{prefix}{mark}{rest}", "", first.upper(), f"{prefix}{rest}".upper()
            )

        return self._taken(self._attempts(make, _folded), taken)

    def nickname_person(self, taken: set[str]) -> tuple[str, Person]:
        """A credit under a nickname ("Beto Okafor") and the person's legal name."""

        def make() -> tuple[str, Person]:
            nickname, given = self.rng.choice(_NICKNAMES)
            last = self.rng.choice([n for n in _PLAIN_LAST if n.upper() not in taken])
            return f"{nickname} {last}", _person(given, last, self.rng.choice(_PLAIN_FIRST))

        credit, person = self._attempts(make, lambda c: _folded(c[1]))
        self._claim(credit.upper())
        return credit, self._taken(person, taken)

    def native(self) -> NativeName:
        def make() -> NativeName:
            script = self.rng.choice(_SCRIPTS)
            givens, families = self.rng.choice(script.groups)
            (given, latin_given), (family, latin_family) = (
                self.rng.choice(givens),
                self.rng.choice(families),
            )
            person = Person(
                latin_given,
                latin_family,
                "",
                latin_given.upper().replace("-", " "),
                latin_family.upper(),
            )
            if script.family_first:
                native, native_sort = family + given, family + given
            else:
                native, native_sort = f"{given} {family}", f"{family}, {given}"
            # Chinese legal names are romanised family name first ("Chen Szu-yu").
            alias = (
                f"{latin_family} {latin_given}"
                if script.name == "Chinese"
                else f"{latin_given} {latin_family}"
            )
            return NativeName(
                native, native_sort, alias, f"{latin_family}, {latin_given}", person, script.name
            )

        name = self._attempts(make, lambda n: _folded(n.person))
        self._claim(name.native)
        return name

    def native_in(self, taken: set[str]) -> NativeName:
        name = self.native()
        self._taken(name.person, taken)
        return name

    def stage_name(self) -> str:
        def make() -> str:
            surname = self.rng.choice([s for s in STAGE_SURNAMES if s != "Jr"])
            return f"{self.rng.choice(STAGE_PREFIXES)} {surname}"

        return self._attempts(make, str.upper)

    @staticmethod
    def _taken(person: Person, taken: set[str]) -> Person:
        taken.update((person.mlc_first, person.mlc_last, *person.mlc_middle.split()))
        return person

    def ipi(self) -> str:
        while True:
            ipi = f"00{self.rng.randrange(100_000_000, 1_000_000_000)}"
            if ipi not in self.ipis:
                self.ipis.add(ipi)
                return ipi

    def iswc(self) -> str:
        while True:
            iswc = f"T9{self.rng.randrange(100_000_000, 1_000_000_000)}"
            if iswc not in self.iswcs:
                self.iswcs.add(iswc)
                return iswc

    def song_code(self) -> str:
        self.song_codes += 1
        return f"G{self.song_codes:05d}"

    def other_isrc(self) -> str:
        self.other_isrcs += 1
        return f"QZHCH26{self.other_isrcs:05d}"

    def publishers(self, count: int) -> list[str]:
        return self.rng.sample([name for name, _ in PUBLISHERS], count)

    def share(self) -> int:
        return self.rng.choice((25, 30, 40, 50, 60, 70, 75))

    def link(self, name: str) -> str:
        slug = "".join(c for c in name.lower() if c.isascii() and c.isalnum()) or "artist"
        return self.rng.choice(_SOCIAL).format(f"{slug}{self.rng.randrange(10, 99)}")


def _person(first: str, last: str, middle: str = "") -> Person:
    return Person(first, last, middle, first.upper(), last.upper(), middle.upper())


def _folded(person: Person) -> str:
    return f"{person.mlc_first} {person.mlc_last}"


# --- one case -------------------------------------------------------------------------------------


@dataclass
class _Draft:
    """One case as it is built: what each service holds and who each credit really is."""

    draw: _Draw
    number: int
    kind: str
    slug: str
    title: str = ""
    performer: str = ""
    playlist: str = "main"
    missing_from_chartmetric: bool = False
    credits: list[Credit] = field(default_factory=list)
    works: list[MlcWork] = field(default_factory=list)
    recordings: list[str | None] | None = None
    recordings_isrc: str | None = None
    no_recording: bool = False  # The MLC has no recording of the ISRC
    ambiguous: bool = False  # several works and none is the track's by the evidence
    artists: list[dict] = field(default_factory=list)
    mb_works: list[dict] = field(default_factory=list)
    mb_recording: dict | None = None
    other_works_titled: list[dict] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # name words used in the case
    writer_count: int = 0

    @property
    def rng(self) -> random.Random:
        return self.draw.rng

    def credit(
        self,
        name: str,
        same_as: MlcWriter | None,
        connected: bool = True,
        artist: str | None = None,
        spotify: bool = False,
    ) -> str:
        key = f"w{len(self.credits) + 1}"
        self.credits.append(
            Credit(key, name, same_as.key if same_as else None, connected, artist, spotify)
        )
        if not self.performer:
            self.performer = name
        return key

    def mlc_writer(self, person: Person, style: str = "legal", ipi: str | None = "") -> MlcWriter:
        self.writer_count += 1
        first, last = _mlc_names(person, style)
        return MlcWriter(
            f"m{self.writer_count}", first, last, self.draw.ipi() if ipi == "" else ipi
        )

    def plain_writer(self) -> tuple[str, MlcWriter]:
        """A co-writer credited by the name The MLC lists (same words)."""
        person = self.draw.person(self.taken)
        writer = self.mlc_writer(person)
        return self.credit(person.short_name, writer), writer

    def artist(self, name: str, sort_name: str, **details: Any) -> str:
        key = f"a{len(self.artists) + 1}"
        self.artists.append({"key": key, "name": name, "sort_name": sort_name, **details})
        return key

    def mb_work(self, artists: list[str], title: str | None = None, iswc: str | None = None) -> str:
        key = f"mw{len(self.mb_works) + 1}"
        work: dict[str, Any] = {"key": key, "title": title or self.title}
        if iswc:
            work["iswcs"] = [iswc]
        work["writers"] = artists
        self.mb_works.append(work)
        return key

    def work(
        self,
        writers: list[MlcWriter],
        publishers: list[Publisher] | tuple[Publisher, ...] = (),
        iswc: str | None = None,
    ) -> MlcWork:
        work = MlcWork(self.draw.song_code(), tuple(writers), tuple(publishers), iswc)
        self.works.append(work)
        return work


def _mlc_names(person: Person, style: str) -> tuple[str | None, str]:
    """How The MLC lists the person: "legal" (FIRST MIDDLE / LAST), "no_middle", "middle_initial"
    (FIRST M / LAST), or "last_first" (the whole name, LAST FIRST MIDDLE, in the last-name field)."""
    if style == "no_middle":
        return person.mlc_first, person.mlc_last
    if style == "middle_initial":
        return f"{person.mlc_first} {person.mlc_middle[0]}", person.mlc_last
    if style == "last_first":
        return None, " ".join(
            p for p in (person.mlc_last, person.mlc_first, person.mlc_middle) if p
        )
    return " ".join(p for p in (person.mlc_first, person.mlc_middle) if p), person.mlc_last


# --- publishing -------------------------------------------------------------------------------------


def publishers_for(
    draw: _Draw, writers: list[MlcWriter], plan: str, unrepresented: set[str] = frozenset()
) -> list[Publisher]:
    """Publishers for a plan: "signed" (one per writer, the whole work), "split" (one publisher
    for the represented writers at part of the share; the `unrepresented` have nobody) or
    "unsigned" (none)."""
    if plan == "unsigned":
        return []
    if plan == "signed":
        share = {1: 100, 2: 50, 3: 33.33}[len(writers)]
        names = draw.publishers(len(writers))
        return [Publisher(n, share, (w.key,)) for n, w in zip(names, writers, strict=True)]
    represented = tuple(w.key for w in writers if w.key not in unrepresented)
    return [Publisher(draw.publishers(1)[0], draw.share(), represented)]


def _plan(draw: _Draw, signable: bool = True) -> str:
    """A random publishing plan; `signable`: the target must be signable (not "signed")."""
    return draw.rng.choice(("split", "unsigned") if signable else ("signed", "split", "unsigned"))


def publisher_status(work: MlcWork) -> str:
    """README "publisher status": signed when the known share is whole and every writer is
    represented, unsigned when nothing is claimed, split otherwise."""
    known = work.known_share
    if not work.publishers or known == 0:
        return "unsigned"
    if known >= SIGNED_SHARE and all(w.key in work.represented for w in work.writers):
        return "signed"
    return "split"


def lead_reason(matched: bool, represented: bool, status: str, known_share: float) -> str | None:
    """README "Songwriter leads": the lead a credited writer gives on the track's work."""
    if matched:
        return None if represented or status == "signed" else "unrepresented"
    if status == "unsigned":
        return "no_publisher"
    if status == "split" and known_share < SIGNED_SHARE:
        return "unmatched_on_split"
    return None


def expected_answers(draft: _Draft, work: MlcWork | None) -> ExpectedAnswers:
    """The answers that follow from the construction: `work` is the track's own work (None when
    The MLC holds none or nothing tells which)."""
    if work is None:
        status = (
            "ambiguous" if draft.ambiguous else "not_found" if draft.no_recording else "not_linked"
        )
        writers = {
            c.key: {"mlc": None, "musicbrainz": c.artist, "lead": None} for c in draft.credits
        }
        return ExpectedAnswers(None, status, writers)
    status = publisher_status(work)
    writers = {}
    for c in draft.credits:
        matched = c.connected and c.same_as is not None
        writers[c.key] = {
            "mlc": c.same_as if matched else None,
            "musicbrainz": c.artist,
            "lead": lead_reason(matched, c.same_as in work.represented, status, work.known_share),
        }
    return ExpectedAnswers(work.song_code, status, writers)


# --- the classes ----------------------------------------------------------------------------------


def _co_writers(d: _Draft, most: int = 2) -> list[MlcWriter]:
    return [d.plain_writer()[1] for _ in range(d.rng.randint(0, most))]


def _with_publishing(
    d: _Draft, target: MlcWriter, others: list[MlcWriter], signable: bool
) -> MlcWork:
    plan = _plan(d.draw, signable)
    writers = [target, *others]
    return d.work(writers, publishers_for(d.draw, writers, plan, {target.key}))


def _status_note(work: MlcWork) -> str:
    if not work.publishers:
        return "nobody publishes the work"
    known = work.known_share
    if known >= SIGNED_SHARE:
        return "publishers hold the whole work"
    return f"publishers claim {known:g}% of the work"


def stage_name_alias(d: _Draft, linked_by: str) -> tuple[str, MlcWork]:
    person = d.draw.person(d.taken, middle=d.rng.random() < 0.7)
    stage = d.draw.stage_name()
    writer = d.mlc_writer(person)
    same_ipi = d.rng.random() < 0.5
    alias = {
        "name": person.name,
        "sort_name": person.sort_name,
        "type": "Legal name",
        "locale": None,
    }
    details: dict[str, Any] = {"aliases": [alias], "links": [d.draw.link(stage)]}
    if same_ipi:
        details["ipis"] = [writer.ipi]
    spotify = linked_by == "spotify" or d.rng.random() < 0.5
    key = f"w{len(d.credits) + 1}"
    if linked_by == "spotify":
        details["spotify_of"] = key
    artist = d.artist(stage, stage, **details)
    d.credit(stage, writer, True, artist, spotify)
    if linked_by == "evidence":
        d.mb_recording = {"works": [d.mb_work([artist])]}
    work = _with_publishing(d, writer, _co_writers(d), signable=False)
    how = (
        "the recording's MusicBrainz work lists"
        if linked_by == "evidence"
        else "MusicBrainz links the Spotify page of"
    )
    ipi = f", and carries the same IPI {writer.ipi}" if same_ipi else ""
    return (
        f"Spotify credits the stage name '{stage}'; {how} {stage}, whose Legal name alias "
        f"'{person.name}' is the MLC's '{writer.listed_name}'{ipi}; {_status_note(work)}.",
        work,
    )


def stage_name_evidence(d: _Draft) -> tuple[str, MlcWork]:
    return stage_name_alias(d, "evidence")


def stage_name_spotify(d: _Draft) -> tuple[str, MlcWork]:
    return stage_name_alias(d, "spotify")


def stage_name_ipi_only(d: _Draft) -> tuple[str, MlcWork]:
    person = d.draw.person(d.taken, middle=d.rng.random() < 0.5)
    stage = d.draw.stage_name()
    writer = d.mlc_writer(person)
    artist = d.artist(stage, stage, ipis=[writer.ipi])
    d.credit(stage, writer, True, artist)
    d.mb_recording = {"works": [d.mb_work([artist])]}
    work = _with_publishing(d, writer, _co_writers(d), signable=False)
    return (
        f"No alias, but '{stage}' (the recording's MusicBrainz work lists him) carries IPI "
        f"{writer.ipi}, the IPI of the MLC's '{writer.listed_name}'; {_status_note(work)}.",
        work,
    )


def stage_name_no_bridge(d: _Draft) -> tuple[str, MlcWork]:
    person = d.draw.person(d.taken, middle=d.rng.random() < 0.5)
    stage = d.draw.stage_name()
    writer = d.mlc_writer(person)
    artist = d.artist(stage, stage)
    d.credit(stage, writer, False, artist)
    d.mb_recording = {"works": [d.mb_work([artist])]}
    work = _with_publishing(d, writer, _co_writers(d), signable=False)
    return (
        f"MusicBrainz links '{stage}' through the recording's work but holds no legal name or "
        f"IPI, so nothing connects the stage name to the MLC's '{writer.listed_name}': "
        f"unmatched; {_status_note(work)}.",
        work,
    )


def _middle_case(d: _Draft, credit_of: Callable[[Person], str], style: str, note: str):
    person = d.draw.person(d.taken, middle=True)
    writer = d.mlc_writer(person, style)
    credit = credit_of(person)
    d.credit(credit, writer)
    work = _with_publishing(d, writer, _co_writers(d), signable=False)
    return (
        f"'{credit}' is the MLC's '{writer.listed_name}' ({note}); {_status_note(work)}.",
        work,
    )


def middle_name_at_mlc(d: _Draft):
    return _middle_case(d, lambda p: p.short_name, "legal", "the middle name on the MLC only")


def middle_initial_on_credit(d: _Draft):
    return _middle_case(
        d,
        lambda p: f"{p.first} {p.middle[0]}. {p.last}",
        "legal",
        "the credit abbreviates the middle name",
    )


def middle_name_on_credit(d: _Draft):
    return _middle_case(d, lambda p: p.name, "no_middle", "the middle name on Spotify only")


def middle_initial_at_mlc(d: _Draft):
    return _middle_case(
        d, lambda p: p.short_name, "middle_initial", "a middle initial on the MLC only"
    )


def last_first_middle_at_mlc(d: _Draft):
    return _middle_case(
        d, lambda p: p.short_name, "last_first", "LAST FIRST MIDDLE in the last-name field"
    )


def _order_case(d: _Draft, credit_of: Callable[[Person], str], style: str, note: str):
    person = d.draw.person(d.taken)
    writer = d.mlc_writer(person, style)
    credit = credit_of(person)
    d.credit(credit, writer)
    work = _with_publishing(d, writer, _co_writers(d), signable=False)
    return (
        f"'{credit}' is the MLC's '{writer.listed_name}' ({note}); {_status_note(work)}.",
        work,
    )


def last_first_at_mlc(d: _Draft):
    return _order_case(d, lambda p: p.short_name, "last_first", "LAST FIRST in one field")


def sort_name_credit(d: _Draft):
    return _order_case(
        d, lambda p: f"{p.last}, {p.first}", "legal", "Spotify credits the sort name"
    )


def family_name_first_credit(d: _Draft):
    return _order_case(
        d, lambda p: f"{p.last} {p.first}", "legal", "Spotify credits the family name first"
    )


def _folding_case(d: _Draft, person: Person, note: str):
    writer = d.mlc_writer(person)
    d.credit(person.short_name, writer)
    work = _with_publishing(d, writer, _co_writers(d), signable=False)
    return (
        f"'{person.short_name}' is the MLC's '{writer.listed_name}' ({note}); "
        f"{_status_note(work)}.",
        work,
    )


def accented_name(d: _Draft):
    return _folding_case(d, d.draw.accented_person(d.taken), "accents and letters fold to ASCII")


def unicode_hyphen(d: _Draft):
    person = d.draw.hyphenated_person(d.taken)
    mark = next(h for h in _UNICODE_HYPHENS if h in person.short_name)
    return _folding_case(d, person, f"the U+{ord(mark):04X} hyphen folds to a space")


def unicode_apostrophe(d: _Draft):
    person = d.draw.apostrophe_person(d.taken)
    mark = next(h for h in _UNICODE_APOSTROPHES if h in person.short_name)
    return _folding_case(d, person, f"the U+{ord(mark):04X} apostrophe folds away")


def native_script_alias(d: _Draft, linked_by: str):
    name = d.draw.native_in(d.taken)
    writer = d.mlc_writer(name.person)
    alias = {"name": name.alias, "sort_name": name.alias_sort, "type": "Legal name", "locale": "en"}
    details: dict[str, Any] = {"aliases": [alias]}
    key = f"w{len(d.credits) + 1}"
    if linked_by == "spotify":
        details["spotify_of"] = key
    artist = d.artist(name.native, name.native_sort, **details)
    d.credit(name.native, writer, True, artist, linked_by == "spotify")
    if linked_by == "evidence":
        d.mb_recording = {"works": [d.mb_work([artist])]}
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=False)
    how = "the recording's work" if linked_by == "evidence" else "the Spotify page"
    return (
        f"Spotify credits '{name.native}' ({name.script}); MusicBrainz ({how}) gives the Legal "
        f"name alias '{name.alias}', the MLC's '{writer.listed_name}'; {_status_note(work)}.",
        work,
    )


def native_script_evidence(d: _Draft):
    return native_script_alias(d, "evidence")


def native_script_spotify(d: _Draft):
    return native_script_alias(d, "spotify")


def native_script_no_alias(d: _Draft):
    name = d.draw.native_in(d.taken)
    writer = d.mlc_writer(name.person)
    artist = d.artist(name.native, name.native_sort)
    d.credit(name.native, writer, False, artist)
    d.mb_recording = {"works": [d.mb_work([artist])]}
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=False)
    return (
        f"MusicBrainz links '{name.native}' ({name.script}) through the recording's work but "
        f"holds no Latin alias: nothing bridges the native script to the MLC's "
        f"'{writer.listed_name}', so no MLC match; {_status_note(work)}.",
        work,
    )


def _namesakes(d: _Draft, count: int) -> tuple[Person, MlcWriter, list[str]]:
    person = d.draw.person(d.taken)
    writer = d.mlc_writer(person)
    roles = d.rng.sample(NAMESAKE_DISAMBIGUATIONS, count)
    keys = [d.artist(person.short_name, person.sort_name, disambiguation=role) for role in roles]
    return person, writer, keys


def namesakes_recording_decides(d: _Draft):
    person, writer, (_, songwriter) = _namesakes(d, 2)
    d.credit(person.short_name, writer, True, songwriter)
    d.mb_recording = {"works": [d.mb_work([songwriter])]}
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=True)
    return (
        f"Two MusicBrainz artists are called '{person.short_name}'; the recording's work names "
        f"the second; the credit is the MLC's '{writer.listed_name}'; {_status_note(work)}.",
        work,
    )


def namesakes_ipi_decides(d: _Draft):
    person, writer, (_, songwriter) = _namesakes(d, 2)
    d.artists[-1]["ipis"] = [writer.ipi]
    d.credit(person.short_name, writer, True, songwriter)
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=True)
    return (
        f"Two MusicBrainz artists are called '{person.short_name}'; only the second carries "
        f"IPI {writer.ipi}, the MLC writer's: that is him or her; {_status_note(work)}.",
        work,
    )


def namesakes_nothing_decides(d: _Draft):
    person, writer, _ = _namesakes(d, 2)
    d.credit(person.short_name, writer)
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=True)
    return (
        f"Two MusicBrainz artists are called '{person.short_name}' and nothing (recording, "
        f"Spotify link, work, IPI) says which, if either: no link; {_status_note(work)}.",
        work,
    )


def namesake_generic_title(d: _Draft):
    d.title = d.draw.generic_title()
    person, writer, (stranger,) = _namesakes(d, 1)
    d.mb_work([stranger])
    others = d.rng.randint(5, 8)
    d.other_works_titled.append({"title": d.title, "count": others})
    d.credit(person.short_name, writer)
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=True)
    return (
        f"A MusicBrainz '{person.short_name}' wrote a work called '{d.title}', but so did "
        f"{others} others: a generic title proves nothing, so no link; {_status_note(work)}.",
        work,
    )


def ipi_disagrees(d: _Draft):
    person, writer, (other,) = _namesakes(d, 1)
    other_ipi = d.draw.ipi()
    d.artists[-1]["ipis"] = [other_ipi]
    d.mb_work([other])
    d.credit(person.short_name, writer)
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=True)
    return (
        f"A MusicBrainz '{person.short_name}' wrote a work titled '{d.title}', but his or her "
        f"IPI {other_ipi} is not the MLC writer's {writer.ipi}: another person, never linked; "
        f"the credit is still the MLC's '{writer.listed_name}'; {_status_note(work)}.",
        work,
    )


def iswc_disagrees(d: _Draft):
    person, writer, (other,) = _namesakes(d, 1)
    theirs, ours = d.draw.iswc(), d.draw.iswc()
    d.mb_recording = {"works": [d.mb_work([other], iswc=theirs)]}
    d.credit(person.short_name, writer)
    plan = _plan(d.draw, signable=True)
    writers = [writer, *_co_writers(d, 1)]
    work = d.work(writers, publishers_for(d.draw, writers, plan, {writer.key}), ours)
    return (
        f"The recording's MusicBrainz work by a '{person.short_name}' has ISWC {theirs}, the "
        f"MLC work {ours}: another composition, so no link; the credit is still the MLC's "
        f"'{writer.listed_name}'; {_status_note(work)}.",
        work,
    )


def ipi_agrees_nickname(d: _Draft):
    credit, person = d.draw.nickname_person(d.taken)
    writer = d.mlc_writer(person)
    artist = d.artist(credit, f"{person.last}, {credit.split()[0]}", ipis=[writer.ipi])
    d.credit(credit, writer, True, artist)
    d.mb_recording = {"works": [d.mb_work([artist])]}
    work = _with_publishing(d, writer, _co_writers(d, 1), signable=False)
    return (
        f"'{credit}' (the recording's MusicBrainz work lists him or her) carries IPI "
        f"{writer.ipi}, the MLC's '{writer.listed_name}': the IPI decides, whatever the "
        f"nickname; {_status_note(work)}.",
        work,
    )


def iswc_agrees_generic_title(d: _Draft):
    d.title = d.draw.generic_title()
    person, writer, (artist,) = _namesakes(d, 1)
    iswc = d.draw.iswc()
    d.mb_work([artist], iswc=iswc)
    d.other_works_titled.append({"title": d.title, "count": d.rng.randint(5, 8)})
    d.credit(person.short_name, writer, True, artist)
    plan = _plan(d.draw, signable=False)
    writers = [writer, *_co_writers(d, 1)]
    work = d.work(writers, publishers_for(d.draw, writers, plan, {writer.key}), iswc)
    return (
        f"'{d.title}' is a generic title, but the MusicBrainz work by '{person.short_name}' has "
        f"ISWC {iswc}, the MLC work's: the same song, so that artist; {_status_note(work)}.",
        work,
    )


def covers_writers_decide(d: _Draft):
    d.performer = d.draw.stage_name()
    credited = [d.plain_writer()[1] for _ in range(d.rng.randint(1, 2))]
    plan = d.rng.choice(("signed", "split", "unsigned"))
    target = {credited[-1].key} if plan == "split" else set()
    ours = d.work(credited, publishers_for(d.draw, credited, plan, target))
    other = d.mlc_writer(d.draw.person(d.taken))
    d.work([other], publishers_for(d.draw, [other], "signed"))
    return (
        f"The ISRC is linked at the MLC to two works titled '{d.title.upper()}'; this cover "
        f"credits the writers of {ours.song_code}, not the other song's "
        f"'{other.listed_name}'; {_status_note(ours)}.",
        ours,
    )


def covers_nothing_decides(d: _Draft):
    d.performer = d.draw.stage_name()
    person = d.draw.person(d.taken)
    d.credit(person.short_name, None)
    first = d.mlc_writer(d.draw.person(d.taken))
    second = d.mlc_writer(d.draw.person(d.taken))
    d.work([first])
    d.work([second], publishers_for(d.draw, [second], "signed"))
    d.ambiguous = True
    return (
        f"Two MLC works '{d.title.upper()}' by other people ('{first.listed_name}', "
        f"'{second.listed_name}'), no ISWC from MusicBrainz, and the credited "
        f"'{person.short_name}' is on neither: the track's work cannot be told.",
        None,
    )


def represented_by_publisher(d: _Draft):
    _, target = d.plain_writer()
    _, other = d.plain_writer()
    work = d.work(
        [target, other], [Publisher(d.draw.publishers(1)[0], d.draw.share(), (target.key,))]
    )
    return (
        f"A publisher represents '{target.listed_name}' at {work.known_share:g}%; "
        f"'{other.listed_name}' has nobody and is signable.",
        work,
    )


def represented_by_administrator(d: _Draft):
    _, target = d.plain_writer()
    others = _co_writers(d, 1)
    share = 100 if not others else 50
    admin = d.draw.publishers(1)[0]
    publisher = Publisher(f"{target.last_name} MUSIC", 0, (target.key,), ((admin, share),))
    work = d.work([target, *others], [publisher])
    note = f"'{others[0].listed_name}' has nobody" if others else "no other writer"
    return (
        f"The writer's own company holds 0% and its administrator {admin} collects {share}% for "
        f"'{target.listed_name}' (represented, never a lead); {note}.",
        work,
    )


def one_publisher_for_both(d: _Draft):
    _, first = d.plain_writer()
    _, second = d.plain_writer()
    share = d.rng.choice((20, 30, 40))
    name = d.draw.publishers(1)[0]
    work = d.work([first, second], [Publisher(name, share, (first.key, second.key))])
    return (
        f"One publisher at {share}% represents both writers: split by share, but neither is "
        "signable.",
        work,
    )


def two_publishers_signed(d: _Draft):
    writers = [d.plain_writer()[1] for _ in range(d.rng.randint(2, 3))]
    work = d.work(writers, publishers_for(d.draw, writers, "signed"))
    return "One publisher per writer, the shares adding up: signed, nobody signable.", work


def no_publisher_matched(d: _Draft):
    writers = [d.plain_writer()[1] for _ in range(d.rng.randint(1, 2))]
    work = d.work(writers)
    return "The work has writers and no publisher at all: unsigned, every writer signable.", work


def no_publisher_unmatched_stage_name(d: _Draft):
    person = d.draw.person(d.taken)
    stage = d.draw.stage_name()
    writer = d.mlc_writer(person)
    d.credit(stage, writer, False)
    others = _co_writers(d, 1)
    work = d.work([writer, *others])
    return (
        f"Stage name '{stage}' with nothing connecting it to '{writer.listed_name}', but nobody "
        "publishes the work at all: a certain lead as no_publisher.",
        work,
    )


def publisher_at_zero(d: _Draft):
    writers = [d.plain_writer()[1] for _ in range(d.rng.randint(1, 2))]
    name = d.draw.publishers(1)[0]
    work = d.work(writers, [Publisher(name, 0)])
    return (
        f"{name} is listed at 0% with no administrator and represents nobody: nothing claimed, "
        "unsigned.",
        work,
    )


def unclaimed_unmatched_writer(d: _Draft):
    _, represented = d.plain_writer()
    person = d.draw.person(d.taken)
    stage = d.draw.stage_name()
    hidden = d.mlc_writer(person)
    d.credit(stage, hidden, False)
    share = d.draw.share()
    name = d.draw.publishers(1)[0]
    work = d.work([represented, hidden], [Publisher(name, share, (represented.key,))])
    return (
        f"{share}% is claimed for '{represented.listed_name}'; the credited '{stage}' matches no "
        "MLC writer: may hold the unclaimed part (an uncertain lead).",
        work,
    )


def unclaimed_half(d: _Draft):
    _, represented = d.plain_writer()
    _, other = d.plain_writer()
    share = d.draw.share()
    name = d.draw.publishers(1)[0]
    work = d.work([represented, other], [Publisher(name, share, (represented.key,))])
    return (
        f"{share}% is claimed for '{represented.listed_name}'; '{other.listed_name}' is "
        "unrepresented on the rest.",
        work,
    )


def whole_share_one_unrepresented(d: _Draft):
    _, represented = d.plain_writer()
    _, other = d.plain_writer()
    first, second = d.draw.publishers(2)
    publishers = [
        Publisher(first, 50, (represented.key,)),
        Publisher(second, 50, (represented.key,)),
    ]
    work = d.work([represented, other], publishers)
    return (
        f"Two publishers claim 100% but both represent '{represented.listed_name}': "
        f"'{other.listed_name}' has no publisher, so the work is split and he or she is signable.",
        work,
    )


def mlc_no_recording(d: _Draft):
    person = d.draw.person(d.taken)
    d.credit(person.short_name, None)
    d.no_recording = True
    return (
        "The MLC has no recording of the ISRC (registration lags): not_found, never unsigned.",
        None,
    )


def mlc_recording_without_work(d: _Draft):
    person = d.draw.person(d.taken)
    d.credit(person.short_name, None)
    d.recordings = [None]
    return (
        "The MLC has a recording of the ISRC with no song code: not_linked, never unsigned.",
        None,
    )


def mlc_no_recording_musicbrainz_known(d: _Draft):
    person = d.draw.person(d.taken)
    artist = d.artist(person.short_name, person.sort_name, links=[d.draw.link(person.last)])
    d.credit(person.short_name, None, True, artist)
    d.mb_recording = {"works": [d.mb_work([artist])]}
    d.no_recording = True
    return (
        f"MusicBrainz knows the recording and its writer '{person.short_name}' (linked), but the "
        "MLC has no recording of the ISRC: still not_found.",
        None,
    )


def mlc_work_under_another_isrc(d: _Draft):
    _, writer = d.plain_writer()
    work = d.work([writer])
    d.recordings_isrc = d.draw.other_isrc()
    d.no_recording = True
    return (
        f"The MLC holds {work.song_code} by '{writer.listed_name}', linked only to another ISRC "
        f"({d.recordings_isrc}); this ISRC has no recording there: not_found.",
        None,
    )


def _lagging(d: _Draft, missing: bool, registered: bool):
    d.playlist = "fresh"
    d.missing_from_chartmetric = missing
    where = "missing from" if missing else "in"
    if not registered:
        person = d.draw.person(d.taken)
        d.credit(person.short_name, None)
        d.no_recording = True
        return (
            f"On the playlist whose Chartmetric copy lags, {where} the copy, and not yet at the "
            "MLC: not_found, never unsigned.",
            None,
        )
    writers = [d.plain_writer()[1] for _ in range(d.rng.randint(1, 2))]
    plan = d.rng.choice(("signed", "split", "unsigned"))
    work = d.work(writers, publishers_for(d.draw, writers, plan, {writers[-1].key}))
    return (
        f"On the playlist whose Chartmetric copy lags, {where} the copy: the pipeline reads "
        f"Spotify and still finds the work; {_status_note(work)}.",
        work,
    )


def lagging_in_copy(d: _Draft):
    return _lagging(d, missing=False, registered=True)


def lagging_missing(d: _Draft):
    return _lagging(d, missing=True, registered=True)


def lagging_missing_not_found(d: _Draft):
    return _lagging(d, missing=True, registered=False)


Variant = Callable[[_Draft], tuple[str, MlcWork | None]]

# class -> its variants; cases go round-robin over classes, then over each class's variants.
CLASSES: tuple[tuple[str, tuple[Variant, ...]], ...] = (
    ("stage_name", (stage_name_evidence, stage_name_no_bridge, stage_name_spotify,
                    stage_name_ipi_only)),
    ("middle_names", (middle_name_at_mlc, middle_initial_on_credit, middle_name_on_credit,
                      middle_initial_at_mlc)),
    ("name_order", (last_first_middle_at_mlc, sort_name_credit, last_first_at_mlc,
                    family_name_first_credit)),
    ("diacritics", (accented_name, unicode_hyphen, unicode_apostrophe)),
    ("native_script", (native_script_evidence, native_script_no_alias, native_script_spotify)),
    ("namesakes", (namesakes_recording_decides, namesake_generic_title, namesakes_ipi_decides,
                   namesakes_nothing_decides)),
    ("identifiers", (ipi_disagrees, iswc_disagrees, ipi_agrees_nickname,
                     iswc_agrees_generic_title)),
    ("covers", (covers_writers_decide, covers_nothing_decides)),
    ("representation", (represented_by_publisher, represented_by_administrator,
                        one_publisher_for_both, two_publishers_signed)),
    ("no_publisher", (no_publisher_matched, no_publisher_unmatched_stage_name,
                      publisher_at_zero)),
    ("unclaimed_shares", (unclaimed_unmatched_writer, unclaimed_half,
                          whole_share_one_unrepresented)),
    ("no_mlc_match", (mlc_no_recording, mlc_recording_without_work,
                      mlc_no_recording_musicbrainz_known, mlc_work_under_another_isrc)),
    ("chartmetric_lagging", (lagging_missing, lagging_in_copy, lagging_missing_not_found)),
)  # fmt: skip


# --- the file -------------------------------------------------------------------------------------


def generate_hard_cases(seed: int, cases: int) -> dict[str, Any]:
    """A hard-cases file of `cases` cases, round-robin over CLASSES: the same seed and count
    give the same data (and `hard_cases_json` the same bytes)."""
    if cases < 1:
        raise ValueError("cases must be at least 1")
    draw = _Draw(seed)
    built = [_case(draw, n) for n in range(cases)]
    used = {c["playlist"] for c in built}
    return {
        "about": _about(seed, cases),
        "format": FORMAT,
        "reference_date": REFERENCE_DATE,
        "playlists": [dict(p) for p in PLAYLISTS if p["key"] in used],
        "cases": built,
    }


def hard_cases_json(data: dict[str, Any]) -> str:
    """The file's canonical text: two-space indent, UTF-8, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _about(seed: int, cases: int) -> list[str]:
    return [
        f"Generated, not hand-written: `track-assets sandbox generate-hard-cases --seed {seed} "
        f"--cases {cases}` (track_assets/sandbox/catalog/generate_hard_cases.py). The same seed "
        "and count give the same bytes.",
        "Cases go round-robin over the classes (" + ", ".join(k for k, _ in CLASSES) + "), then "
        "over each class's variants; names, titles and identifiers are drawn with "
        "random.Random(seed) and unique across cases.",
        "Each `expected` block follows from how the case was built (who each credit really is "
        "at The MLC and MusicBrainz, and whether the README's rules let the evidence connect "
        "them), never from the pipeline or truth.py.",
        "Format: docs/sandbox-catalog.md, section 'Hard cases'.",
    ]


def _case(draw: _Draw, n: int) -> dict[str, Any]:
    kind, variants = CLASSES[n % len(CLASSES)]
    variant = variants[(n // len(CLASSES)) % len(variants)]
    draft = _Draft(draw, n, kind, variant.__name__.replace("_", "-"))
    draft.title = draw.title()
    draft.playlist = "indie" if n % 4 == 3 else "main"
    why, work = variant(draft)
    return _case_json(draft, why, expected_answers(draft, work))


def _case_json(d: _Draft, why: str, expected: ExpectedAnswers) -> dict[str, Any]:
    case: dict[str, Any] = {
        "id": f"{d.slug}-{d.number + 1:04d}",
        "class": d.kind,
        "title": d.title,
        "performer": d.performer,
        "playlist": d.playlist,
    }
    if d.missing_from_chartmetric:
        case["missing_from_chartmetric"] = True
    case["isrc"] = f"QZHCG26{d.number + 1:05d}"
    case["why"] = why
    case["writers"] = [
        {"key": c.key, "credit": c.name, **({"spotify": True} if c.spotify else {})}
        for c in d.credits
    ]
    musicbrainz = _musicbrainz_json(d)
    if musicbrainz:
        case["musicbrainz"] = musicbrainz
    mlc = _mlc_json(d)
    if mlc is not None:
        case["mlc"] = mlc
    case["expected"] = {
        "work": expected.work,
        "status": expected.status,
        "writers": expected.writers,
    }
    return case


def _musicbrainz_json(d: _Draft) -> dict[str, Any]:
    musicbrainz: dict[str, Any] = {}
    if d.artists:
        musicbrainz["artists"] = d.artists
    if d.mb_works:
        musicbrainz["works"] = d.mb_works
    if d.other_works_titled:
        musicbrainz["other_works_titled"] = d.other_works_titled
    if d.mb_recording:
        musicbrainz["recording"] = d.mb_recording
    return musicbrainz


def _mlc_json(d: _Draft) -> dict[str, Any] | None:
    if d.no_recording and d.recordings_isrc is None:
        return None
    mlc: dict[str, Any] = {}
    if d.works:
        mlc["works"] = [_work_json(w, d.title) for w in d.works]
    if d.recordings is not None:
        mlc["recordings"] = d.recordings
    if d.recordings_isrc is not None:
        mlc["recordings_isrc"] = d.recordings_isrc
    return mlc


def _work_json(work: MlcWork, title: str) -> dict[str, Any]:
    data: dict[str, Any] = {"song_code": work.song_code, "title": title.upper()}
    if work.iswc:
        data["iswc"] = work.iswc
    data["writers"] = [
        {"key": w.key, "first_name": w.first_name, "last_name": w.last_name, "ipi": w.ipi}
        for w in work.writers
    ]
    if work.publishers:
        data["publishers"] = [_publisher_json(p) for p in work.publishers]
    return data


def _publisher_json(publisher: Publisher) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": publisher.name,
        "share": publisher.share,
        "writers": list(publisher.writers),
    }
    if publisher.administrators:
        data["administrators"] = [
            {"name": name, "share": share} for name, share in publisher.administrators
        ]
    return data
