"""How often the pipeline gives the answers a careful analyst wrote by hand for the hard cases:
the real pipeline runs in-process on a sandbox serving the hard-cases catalog, then each answer
(MLC writer, MusicBrainz artist, work, publisher status, lead) is scored against the file."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from track_assets.db.statuses import CreditRole
from track_assets.sandbox.catalog.hard_cases import HardCase, HardCases
from track_assets.settings import SELECTING_VARIABLES

CATEGORIES = ("mlc_writers", "musicbrainz_links", "works", "publisher_statuses", "leads")
CATEGORY_TITLES = {
    "mlc_writers": "MLC writer matches",
    "musicbrainz_links": "MusicBrainz links",
    "works": "work choices",
    "publisher_statuses": "publisher statuses",
    "leads": "leads",
}
# The pipeline's environment while it runs: every service on the in-process sandbox, nothing
# sent to a webhook, whatever the shell holds.
_CLEARED_VARIABLES = (
    *SELECTING_VARIABLES,
    "SPOTIFY_API_TIER",
    "TRACK_ASSETS_WEBHOOK_URL",
    "TRACK_ASSETS_WEBHOOK_SECRET",
    "TRACK_ASSETS_SANDBOX_DATE",
)
# Dagster's console logger says every step at DEBUG; the report is what matters here.
_QUIET_RUN = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}


@dataclass(frozen=True)
class Answer:
    """One question of one case: the analyst's answer and the pipeline's (None: no answer)."""

    category: str
    case_id: str
    subject: str  # "track" or the credited writer's name
    expected: str | None
    made: str | None
    why: str

    @property
    def correct(self) -> bool:
        return self.made is not None and self.made == self.expected

    @property
    def wrong(self) -> bool:
        return self.made is not None and self.made != self.expected

    @property
    def missing(self) -> bool:
        return self.expected is not None and self.made is None


@dataclass(frozen=True)
class CategoryScore:
    category: str
    expected: int  # answers the analyst gave (not null)
    made: int  # answers the pipeline gave (not null)
    correct: int
    wrong: int  # given and not the analyst's (including where the analyst says none)
    missing: int  # the analyst has an answer, the pipeline none

    @property
    def precision(self) -> float | None:
        return self.correct / self.made if self.made else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass(frozen=True)
class AccuracyReport:
    source: str
    cases: int
    answers: tuple[Answer, ...]

    @property
    def scores(self) -> tuple[CategoryScore, ...]:
        return tuple(
            score_answers(category, [a for a in self.answers if a.category == category])
            for category in CATEGORIES
        )

    def score(self, category: str) -> CategoryScore:
        return next(s for s in self.scores if s.category == category)

    @property
    def errors(self) -> tuple[Answer, ...]:
        return tuple(a for a in self.answers if a.wrong or a.missing)

    @property
    def unsigned_instead_of_not_found(self) -> tuple[Answer, ...]:
        return tuple(
            a
            for a in self.answers
            if a.category == "publisher_statuses" and a.expected == "not_found"
            and a.made == "unsigned"
        )  # fmt: skip

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "cases": self.cases,
            "categories": {
                s.category: {
                    "expected": s.expected,
                    "made": s.made,
                    "correct": s.correct,
                    "wrong": s.wrong,
                    "missing": s.missing,
                    "precision": s.precision,
                    "recall": s.recall,
                }
                for s in self.scores
            },
            "errors": [
                {
                    "category": a.category,
                    "case": a.case_id,
                    "subject": a.subject,
                    "expected": a.expected,
                    "made": a.made,
                    "why": a.why,
                }
                for a in self.errors
            ],
        }


def score_answers(category: str, answers: Sequence[Answer]) -> CategoryScore:
    return CategoryScore(
        category=category,
        expected=sum(a.expected is not None for a in answers),
        made=sum(a.made is not None for a in answers),
        correct=sum(a.correct for a in answers),
        wrong=sum(a.wrong for a in answers),
        missing=sum(a.missing for a in answers),
    )


# --- the pipeline's answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class CreditAnswer:
    """What the database says about one credited writer of one track."""

    name: str
    songwriter_id: int | None
    mlc_ipi: str | None
    mlc_writer_name: str | None  # the work's writer the credit was matched to
    musicbrainz_ids: tuple[str, ...]


@dataclass(frozen=True)
class TrackAnswer:
    song_code: str | None
    status: str | None  # a publisher status, or the reason there is none
    credits: tuple[CreditAnswer, ...]


def pipeline_answers(conn) -> dict[str, TrackAnswer]:
    """Spotify track id -> what phases 3-4 and songwriter_identity decided, from the database."""
    from sqlalchemy import select

    from track_assets.db.tables import (
        artist_songwriters,
        artists,
        track_credits,
        track_mlc_works,
        track_phase_status,
        tracks,
    )
    from track_assets.enrichment.publisher_status import PHASE

    chosen = dict(
        conn.execute(
            select(track_mlc_works.c.track_id, track_mlc_works.c.mlc_song_code).where(
                track_mlc_works.c.is_chosen.is_(True)
            )
        ).all()
    )
    reasons = dict(
        conn.execute(
            select(track_phase_status.c.track_id, track_phase_status.c.reason).where(
                track_phase_status.c.phase == PHASE
            )
        ).all()
    )
    mbids: dict[int, list[str]] = {}
    for songwriter_id, mbid in conn.execute(
        select(artist_songwriters.c.songwriter_id, artists.c.musicbrainz_id).join(
            artists, artists.c.id == artist_songwriters.c.artist_id
        )
    ):
        mbids.setdefault(songwriter_id, []).append(mbid)
    credits: dict[str, list[CreditAnswer]] = {}
    for row in conn.execute(select(track_credits).where(track_credits.c.role == CreditRole.WRITER)):
        credits.setdefault(row.track_id, []).append(
            CreditAnswer(
                name=row.name,
                songwriter_id=row.songwriter_id,
                mlc_ipi=row.mlc_ipi,
                mlc_writer_name=row.mlc_writer_name,
                musicbrainz_ids=tuple(sorted(mbids.get(row.songwriter_id, ()))),
            )
        )
    return {
        row.spotify_track_id: TrackAnswer(
            song_code=chosen.get(row.spotify_track_id),
            status=row.publisher_status or reasons.get(row.spotify_track_id),
            credits=tuple(credits.get(row.spotify_track_id, ())),
        )
        for row in conn.execute(select(tracks.c.spotify_track_id, tracks.c.publisher_status))
    }


# --- comparing ----------------------------------------------------------------------------------


def compare(
    hard: HardCases, answers: dict[str, TrackAnswer], leads: dict[tuple[str, str], str]
) -> AccuracyReport:
    """Every question of every case, the analyst's answer against the pipeline's.
    `leads`: (track id, credited name) -> the lead reasons the pipeline gives, joined by '/'."""
    everything: list[Answer] = []
    for case in hard.cases:
        track = answers.get(case.track_id, TrackAnswer(None, None, ()))
        everything += [
            Answer("works", case.case_id, "track", case.work, track.song_code, case.why),
            Answer(
                "publisher_statuses", case.case_id, "track", case.status, track.status, case.why
            ),
        ]
        by_name = {c.name: c for c in track.credits}
        for writer in case.writers:
            credit = by_name.get(writer.credit)
            everything += [
                Answer(
                    "mlc_writers",
                    case.case_id,
                    writer.credit,
                    _mlc_writer_label(case, writer.mlc_writer),
                    _mlc_writer_label(case, _matched_mlc_writer(case, credit)),
                    case.why,
                ),
                Answer(
                    "musicbrainz_links",
                    case.case_id,
                    writer.credit,
                    _artist_label(case, writer.musicbrainz_artist),
                    _linked_artist(case, hard, credit),
                    case.why,
                ),
                Answer(
                    "leads",
                    case.case_id,
                    writer.credit,
                    writer.lead,
                    leads.get((case.track_id, writer.credit)),
                    case.why,
                ),
            ]
    return AccuracyReport(hard.source, len(hard.cases), tuple(everything))


def _mlc_writer_label(case: HardCase, key: str | None) -> str | None:
    if key is None or key.startswith("?"):
        return key
    return f"{key} {case.mlc_writer_names[key]}"


def _matched_mlc_writer(case: HardCase, credit: CreditAnswer | None) -> str | None:
    """The case's MLC writer key the pipeline matched the credit to (by the name and IPI it
    recorded), "?<name>" for a writer the case does not hold, None when unmatched."""
    from track_assets.enrichment.identity import ipi_key

    if credit is None or credit.mlc_writer_name is None:
        return None
    for key, name in case.mlc_writer_names.items():
        ipi = case.mlc_writer_ipis[key]
        if name == credit.mlc_writer_name and ipi_key(ipi) == ipi_key(credit.mlc_ipi):
            return key
    return f"?{credit.mlc_writer_name}"


def _artist_label(case: HardCase, key: str | None) -> str | None:
    return None if key is None else f"{key} {case.mbids[key]}"


def _linked_artist(case: HardCase, hard: HardCases, credit: CreditAnswer | None) -> str | None:
    if credit is None or not credit.musicbrainz_ids:
        return None
    labels = []
    for mbid in credit.musicbrainz_ids:
        key = next((k for k, m in case.mbids.items() if m == mbid), None)
        labels.append(f"{key} {mbid}" if key else f"another case's or a stranger's {mbid}")
    return " + ".join(labels)


# --- running the pipeline ----------------------------------------------------------------------


def evaluate_hard_cases(
    hard: HardCases, progress: Callable[[str], None] = lambda message: None
) -> AccuracyReport:
    """Run the pipeline on the hard cases' catalog (two sandbox days) and score its answers."""
    import dagster as dg
    from sqlalchemy import create_engine

    from track_assets.defs.partitions import PLAYLISTS_PARTITION
    from track_assets.enrichment.exports import compute_songwriter_leads
    from track_assets.sandbox.catalog import load_catalog
    from track_assets.sandbox.emulators import all_emulators
    from track_assets.sandbox.options import SandboxOptions
    from track_assets.sandbox.server import SandboxServer

    catalog = load_catalog(hard.catalog)
    with tempfile.TemporaryDirectory(prefix="track-assets-accuracy-") as folder:
        home = Path(folder)
        url = f"sqlite:///{home / 'track_assets.sqlite'}"
        with _pipeline_environment(home, url):
            options = SandboxOptions(
                seed=1, tier="development", rate_limits="off", date=catalog.reference_date
            )
            with (
                SandboxServer(all_emulators(), catalog, options, runtime_dir=home) as sandbox,
                _temporary_instance() as instance,
            ):
                instance.add_dynamic_partitions(PLAYLISTS_PARTITION, list(hard.playlist_ids))
                assets, resources = partition_assets(), relaxed_resources(url)
                for day in (1, 2):
                    if day == 2:
                        sandbox.clock.advance_days(1)
                    for n, playlist_id in enumerate(hard.playlist_ids, start=1):
                        progress(f"day {day}: playlist {n}/{len(hard.playlist_ids)}")
                        dg.materialize(
                            assets,
                            partition_key=playlist_id,
                            instance=instance,
                            resources=resources,
                            run_config=_QUIET_RUN,
                            raise_on_error=False,
                        )
            progress("comparing with the expected answers")
            engine = create_engine(url)
            try:
                with engine.connect() as conn:
                    answers = pipeline_answers(conn)
                    leads = {
                        (track_id, credit.name): "/".join(lead.reasons)
                        for lead in compute_songwriter_leads(conn)
                        for track_id in lead.track_ids
                        for credit in answers.get(track_id, TrackAnswer(None, None, ())).credits
                        if credit.songwriter_id == lead.songwriter_id
                    }
            finally:
                engine.dispose()
    return compare(hard, answers, leads)


def _temporary_instance():
    """A Dagster instance in memory: the measurement reads only the database, so the runs' events
    need not be stored (SQLite event storage cost about a seventh of the hard cases' time)."""
    import dagster as dg

    return dg.DagsterInstance.ephemeral(settings={"telemetry": {"enabled": False}})


def partition_assets() -> list:
    """Every asset of a playlist partition: `playlist_tracks` and `enrich_playlist_job`'s."""
    import dagster as dg

    from track_assets.definitions import defs

    definitions = defs()
    job = definitions.resolve_job_def("enrich_playlist_job")
    wanted = set(job.asset_layer.executable_asset_keys) | {dg.AssetKey("playlist_tracks")}
    return [
        a
        for a in definitions.assets or ()
        if isinstance(a, dg.AssetsDefinition) and set(a.keys) & wanted
    ]


def relaxed_resources(database_url: str) -> dict:
    """The resources on the sandbox with client-side limits relaxed (its own limits are off)."""
    from track_assets.defs.resources import (
        ChartmetricResource,
        DatabaseResource,
        ExportsResource,
        FreshnessResource,
        MlcResource,
        MusicBrainzResource,
        SpotifyApiResource,
        SpotifyWebResource,
        WebhookResource,
    )
    from track_assets.sandbox.client_limits import RELAXED_LIMITS

    database = DatabaseResource(url=database_url)
    return {
        "database": database,
        "chartmetric": ChartmetricResource(database=database, **RELAXED_LIMITS["chartmetric"]),
        "spotify_api": SpotifyApiResource(database=database, **RELAXED_LIMITS["spotify_api"]),
        "spotify_web": SpotifyWebResource(database=database, **RELAXED_LIMITS["spotify_web"]),
        "mlc": MlcResource(database=database, **RELAXED_LIMITS["mlc"]),
        "musicbrainz": MusicBrainzResource(database=database, **RELAXED_LIMITS["musicbrainz"]),
        "freshness": FreshnessResource(),
        "exports": ExportsResource(),
        "webhook": WebhookResource(),
    }


@contextmanager
def _pipeline_environment(home: Path, database_url: str) -> Iterator[None]:
    saved = dict(os.environ)
    for name in _CLEARED_VARIABLES:
        os.environ.pop(name, None)
    os.environ.update(
        {
            "DAGSTER_HOME": str(home),
            "TRACK_ASSETS_DATABASE_URL": database_url,
            "TRACK_ASSETS_SANDBOX": "on",
            "TRACK_ASSETS_EXPORT_DIR": str(home / "exports"),
        }
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# --- the report as text ---------------------------------------------------------------------------


def report_lines(report: AccuracyReport) -> list[str]:
    def percent(value: float | None) -> str:
        return "-" if value is None else f"{value:.1%}"

    lines = [
        f"{report.cases} hard cases from {report.source}",
        f"{'category':22} {'expected':>8} {'made':>6} {'correct':>7} {'wrong':>6} "
        f"{'missing':>7} {'precision':>9} {'recall':>7}",
    ]
    for s in report.scores:
        lines.append(
            f"{CATEGORY_TITLES[s.category]:22} {s.expected:8} {s.made:6} {s.correct:7} "
            f"{s.wrong:6} {s.missing:7} {percent(s.precision):>9} {percent(s.recall):>7}"
        )
    errors = report.errors
    lines.append(f"{len(errors)} wrong or missing answers" + (":" if errors else ""))
    for a in errors:
        kind = "missing" if a.missing else "wrong"
        subject = "" if a.subject == "track" else f" [{a.subject}]"
        lines.append(
            f"  {kind:7} {CATEGORY_TITLES[a.category]}: {a.case_id}{subject}: "
            f"expected {a.expected or 'none'}, got {a.made or 'none'}"
        )
        lines.append(f"          why: {a.why}")
    return lines
