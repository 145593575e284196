"""`track-assets sandbox ...`: generate catalogs and serve every emulator from the shell."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from track_assets.sandbox.catalog import (
    DEMO_PLAYLISTS,
    DEMO_REFERENCE_DATE,
    DEMO_SEED,
    DEMO_TRACKS,
    CatalogError,
    catalog_json,
    generate_catalog,
    load_catalog,
)
from track_assets.sandbox.catalog.generate_hard_cases import (
    DEFAULT_CASES,
    generate_hard_cases,
    hard_cases_json,
)
from track_assets.sandbox.catalog.model import Catalog
from track_assets.sandbox.options import SPOTIFY_TIERS, SandboxOptions
from track_assets.sandbox.rate_limits import LimitMode


def _iso_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-11-24") from None


def _catalog_options(command):
    """--catalog FILE, or the generator's --seed/--playlists/--tracks (the demo catalog)."""
    options = [
        click.option(
            "--catalog",
            "catalog_file",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="A catalog file (docs/sandbox-catalog.md); default: generate one.",
        ),
        click.option(
            "--seed", type=int, help=f"Generator seed [default: {DEMO_SEED}].", default=None
        ),
        click.option(
            "--playlists",
            "playlist_count",
            type=click.IntRange(min=1),
            default=None,
            help=f"Playlists to generate [default: {DEMO_PLAYLISTS}].",
        ),
        click.option(
            "--tracks",
            "track_count",
            type=click.IntRange(min=1),
            default=None,
            help=f"Distinct playlist tracks to generate [default: {DEMO_TRACKS}].",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _catalog(
    catalog_file: Path | None, seed: int | None, playlist_count: int | None, track_count: int | None
) -> Catalog:
    if catalog_file is not None:
        given = [
            name
            for name, value in (
                ("--seed", seed),
                ("--playlists", playlist_count),
                ("--tracks", track_count),
            )
            if value is not None
        ]
        if given:
            raise click.UsageError(f"--catalog and {', '.join(given)} exclude each other")
        try:
            return load_catalog(catalog_file)
        except CatalogError as error:
            raise click.ClickException(str(error)) from None
    try:
        data = generate_catalog(
            DEMO_SEED if seed is None else seed,
            playlist_count or DEMO_PLAYLISTS,
            track_count or DEMO_TRACKS,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    return load_catalog(data, check_schema=False)


def _limit_overrides(specs: tuple[str, ...]) -> dict[str, dict[str, dict[str, float]]]:
    overrides: dict[str, dict[str, dict[str, float]]] = {}
    for spec in specs:
        target, _, rate = spec.partition("=")
        service, _, limiter = target.partition(".")
        count, _, seconds = rate.partition("/")
        try:
            values = {"limit": int(count), "window": float(seconds or 1)}
        except ValueError:
            values = None
        if not (service and limiter and values):
            raise click.BadParameter(
                f"{spec!r} is not SERVICE.LIMITER=N/SECONDS (e.g. chartmetric.requests=10/1)",
                param_hint="--limit",
            )
        overrides.setdefault(service, {})[limiter] = values
    return overrides


@click.group()
def sandbox() -> None:
    """The local emulators of Spotify, Chartmetric, The MLC and MusicBrainz."""


@sandbox.command("generate")
@click.option("--seed", type=int, default=DEMO_SEED, show_default=True)
@click.option(
    "--playlists",
    "playlist_count",
    type=click.IntRange(min=1),
    default=DEMO_PLAYLISTS,
    show_default=True,
)
@click.option(
    "--tracks", "track_count", type=click.IntRange(min=1), default=DEMO_TRACKS, show_default=True
)
@click.option(
    "--reference-date",
    callback=_iso_date,
    default=DEMO_REFERENCE_DATE.isoformat(),
    show_default=True,
    help="The date the catalog describes.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: stdout].",
)
def generate(
    seed: int, playlist_count: int, track_count: int, reference_date: date, output: Path | None
) -> None:
    """Write a deterministic catalog: the same seed gives the same bytes."""
    from track_assets.progress import progress

    try:
        with progress("generating the catalog") as steps:
            data = generate_catalog(seed, playlist_count, track_count, reference_date, steps)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    text = catalog_json(data)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(
        f"{output}: {len(data['playlists'])} playlists, {len(data['tracks'])} tracks", err=True
    )


@sandbox.command("generate-hard-cases")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--cases", type=click.IntRange(min=1), default=DEFAULT_CASES, show_default=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: stdout].",
)
def generate_hard_cases_command(seed: int, cases: int, output: Path | None) -> None:
    """Write a hard-cases file for `track-assets accuracy`, its answers derived from how each
    case was built: the same seed and count give the same bytes."""
    try:
        data = generate_hard_cases(seed, cases)
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    text = hard_cases_json(data)
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    classes = len({case["class"] for case in data["cases"]})
    click.echo(f"{output}: {len(data['cases'])} hard cases in {classes} classes", err=True)


@sandbox.command("playlists")
@_catalog_options
def playlists(catalog_file, seed, playlist_count, track_count) -> None:
    """Print the catalog's playlist URLs, one a line (for `track-assets playlists add`)."""
    for playlist in _catalog(catalog_file, seed, playlist_count, track_count).playlists:
        click.echo(f"https://open.spotify.com/playlist/{playlist.id}")


@sandbox.command("serve")
@_catalog_options
@click.option(
    "--tier",
    type=click.Choice(SPOTIFY_TIERS),
    default="development",
    show_default=True,
    help="The Spotify Web API access tier to emulate.",
)
@click.option(
    "--date",
    "pinned_date",
    callback=_iso_date,
    help="Pin the sandbox clock [default: TRACK_ASSETS_SANDBOX_DATE, else today].",
)
@click.option(
    "--limit",
    multiple=True,
    metavar="SERVICE.LIMITER=N/SECONDS",
    help="Change one sliding-window limit, e.g. chartmetric.requests=10/1 (a higher plan).",
)
@click.option(
    "--rate-limits",
    type=click.Choice([mode.value for mode in LimitMode]),
    default=LimitMode.ENFORCE.value,
    show_default=True,
    help="enforce: 429/503 like the real services; observe: only count violations.",
)
def serve_command(
    catalog_file, seed, playlist_count, track_count, tier, pinned_date, limit, rate_limits
) -> None:
    """Serve every emulator on 127.0.0.1 until interrupted.

    The first stdout line is one JSON object with each service's base URLs and credentials and
    the admin URL; the same object is written to $DAGSTER_HOME/sandbox.json, where the
    pipeline's resources find it when no service credentials are set.
    """
    from track_assets.sandbox.emulators import all_emulators
    from track_assets.sandbox.serve import serve
    from track_assets.settings import load_settings

    catalog = _catalog(catalog_file, seed, playlist_count, track_count)
    options = SandboxOptions(
        seed=catalog.seed,
        date=pinned_date,
        tier=tier,
        rate_limits=rate_limits,
        limits=_limit_overrides(limit),
    )
    emulators = all_emulators()
    try:
        options.check_services(spec.name for spec in emulators)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--limit") from None
    home = load_settings().dagster_home

    def ready(server) -> None:
        click.echo(
            f"sandbox: {len(catalog.playlists)} playlists, {len(catalog.tracks)} tracks, "
            f"{tier} tier, admin {server.admin_url}; runtime file {home / 'sandbox.json'}. "
            "Ctrl-C stops it.",
            err=True,
        )

    serve(emulators, catalog, options, home, ready)


@sandbox.command("clock")
@click.option("--advance-days", type=int, help="Move the emulated date by N days (may be < 0).")
@click.option("--date", "pinned_date", callback=_iso_date, help="Pin the emulated date.")
def clock_command(advance_days: int | None, pinned_date: date | None) -> None:
    """Show or move the running sandbox's clock (the pipeline follows it on the sandbox)."""
    import json

    import httpx

    from track_assets.sandbox.runtime_file import read_runtime_file
    from track_assets.settings import load_settings

    if advance_days is not None and pinned_date is not None:
        raise click.UsageError("give --advance-days or --date, not both")
    home = load_settings().dagster_home
    runtime = read_runtime_file(home)
    if not runtime:
        raise click.ClickException(
            f"no sandbox is running ({home / 'sandbox.json'} not found); start one with "
            "`track-assets sandbox serve`"
        )
    url = f"{runtime['admin'].rstrip('/')}/clock"
    body: dict[str, object] = {}
    if pinned_date is not None:
        body["date"] = pinned_date.isoformat()
    if advance_days is not None:
        body["advance_days"] = advance_days
    try:
        response = httpx.post(url, json=body) if body else httpx.get(url)
    except httpx.HTTPError as error:
        raise click.ClickException(f"the sandbox at {url} does not answer ({error})") from None
    if response.status_code != 200:
        raise click.ClickException(f"{url}: {response.status_code} {response.text}")
    click.echo(json.dumps(response.json()))
