"""`track-assets doctor`: is this setup ready to run? One line per service, the database and
the Dagster instance; exit 1 when a line fails."""

from __future__ import annotations

import click

from track_assets.doctor.context import DEFAULT_TIMEOUT_SECONDS


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON document.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.5),
    default=DEFAULT_TIMEOUT_SECONDS,
    show_default=True,
    help="Seconds a request may wait for an answer (a connection: at most 5).",
)
@click.pass_context
def doctor(ctx: click.Context, as_json: bool, timeout: float) -> None:
    """Check the setup: each service (sandbox or real; with one cheap read, whether its
    credentials work and what they allow: the Spotify tier, web player credits, the Chartmetric
    plan's stream counts, the MLC login, the MusicBrainz contact), the database and its schema,
    and the Dagster instance (storage, run queue, pools, daemon). Prints PASS, WARN, FAIL or
    SKIP per line and never a secret; exits 1 when a line fails."""
    from track_assets.doctor.runner import run_doctor

    report = run_doctor(timeout=timeout)
    if as_json:
        click.echo(report.to_json())
    else:
        for line in report.lines():
            click.echo(line)
    ctx.exit(1 if report.failed else 0)
