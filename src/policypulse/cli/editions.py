"""pulse edition build | render | publish."""

from __future__ import annotations

from pathlib import Path

import click

from policypulse.cli import cli, console, pass_state


@cli.group()
def edition() -> None:
    """Compose, render and publish the month's edition."""


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
@click.option("--format", "fmt", type=click.Choice(["html", "text", "pdf", "docx"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--sector", "sectors", multiple=True, help="Only this sector's key (repeatable)")
@pass_state
def edition_render(state, month: str | None, fmt: str, out: Path, sectors) -> None:
    """Render an edition to a file: the email's HTML or text, a PDF or a Word document."""
    from policypulse.render.services import render_edition

    for key in sectors:
        state.config.sector(key)  # unknown keys fail with the known ones listed
    data = render_edition(state.config, month, fmt, list(sectors) or None)
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(data):,} bytes)", highlight=False)


@edition.command("publish")
@click.option("--month", help="YYYY-MM (default: every approved or sent edition)")
@click.option(
    "--static",
    "static_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Write the public archive here as a static site",
)
@pass_state
def edition_publish(state, month: str | None, static_dir: Path) -> None:
    """Export the public web archive (index, edition and item pages, Atom feed, sitemap)."""
    from policypulse.render.archive import publish_static

    written = publish_static(state.config, static_dir, month)
    console.print(f"Wrote {len(written)} files to {static_dir}", highlight=False)
