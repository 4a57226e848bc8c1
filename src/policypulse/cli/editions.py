"""pulse edition build | render."""

from __future__ import annotations

from pathlib import Path

import click

from policypulse.cli import cli, console, pass_state


@cli.group()
def edition() -> None:
    """Compose and render the month's edition."""


@edition.command("build")
@click.option("--month", help="YYYY-MM (default: the month of the latest relevant publication)")
@pass_state
def edition_build(state, month: str | None) -> None:
    """Compose the month's draft edition from its relevant, summarised publications."""
    from policypulse.editions.models import Edition
    from policypulse.editions.services import build_edition, latest_month
    from policypulse.errors import EditionError

    state.workspace()
    try:
        key = Edition.parse_month(month) if month else latest_month()
    except ValueError:
        raise EditionError(f"--month must be YYYY-MM, not {month!r}") from None
    built = build_edition(state.config, key)
    console.print(f"Built [bold]{built.title}[/] ({built.status}): {built.items.count()} items")


@edition.command("render")
@click.option("--month", help="YYYY-MM (default: the latest edition)")
@click.option("--format", "fmt", type=click.Choice(["html", "text", "pdf"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_state
def edition_render(state, month: str | None, fmt: str, out: Path) -> None:
    """Render an edition to a file."""
    from policypulse.render.services import render_edition

    state.workspace()
    data = render_edition(state.config, month, fmt)
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(data):,} bytes)")
