"""pulse editions build | render | publish (`pulse edition ...` still works, unlisted)."""

from __future__ import annotations

from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state


def _month(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Check a --month where it is typed: `9999-12` is a one-line error, not an overflow later."""
    from policypulse.months import month_key, parse_month

    return month_key(parse_month(value)) if value else None


def month_option(help: str):
    """--month YYYY-MM, checked by `months.parse_month` (MonthError: one line, exit 1)."""
    return click.option("--month", callback=_month, help=help)


@cli.group("editions")
def edition() -> None:
    """Compose, render and publish the month's edition.

    \b
    Examples:
      pulse editions build --month 2026-11
      pulse editions render --format pdf --out edition.pdf
    """


editions = edition


@edition.command("build")
@month_option("YYYY-MM (default: the month of the latest relevant publication)")
@pass_state
def edition_build(state, month: str | None) -> None:
    """Compose the month's draft edition from its relevant, summarised publications.

    \b
    Examples:
      pulse editions build
      pulse editions build --month 2026-11
    """
    from policypulse.audit.services import cli_actor
    from policypulse.editions.services import build_edition, latest_month
    from policypulse.months import parse_month

    key = parse_month(month) if month else latest_month()
    built = build_edition(state.config, key, actor=cli_actor())
    output.say("Built [bold]{}[/] ({}): {} items", built.title, built.status, built.items.count())


@edition.command("render")
@month_option("YYYY-MM (default: the latest edition)")
@click.option("--format", "fmt", type=click.Choice(["html", "text", "pdf", "docx"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--sector", "sectors", multiple=True, help="Only this sector's key (repeatable)")
@pass_state
def edition_render(state, month: str | None, fmt: str, out: Path, sectors) -> None:
    """Render an edition to a file: the email's HTML or text, a PDF or a Word document.

    \b
    Examples:
      pulse editions render --format pdf --out edition.pdf
      pulse editions render --month 2026-11 --format html --sector justice --out justice.html
    """
    from policypulse.render.services import render_edition

    for key in sectors:
        state.config.sector(key)  # unknown keys fail with the known ones listed
    data = render_edition(state.config, month, fmt, list(sectors) or None)
    out.write_bytes(data)
    output.say("Wrote {} ({} bytes)", out, f"{len(data):,}")


@edition.command("publish")
@month_option("YYYY-MM (default: every approved or sent edition)")
@click.option(
    "--static",
    "static_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Write the public archive here as a static site",
)
@pass_state
def edition_publish(state, month: str | None, static_dir: Path) -> None:
    """Export the public web archive (index, edition and item pages, Atom feed, sitemap).

    \b
    Examples:
      pulse editions publish --static site/
      pulse editions publish --month 2026-11 --static site/
    """
    from policypulse.render.archive import publish_static

    written = publish_static(state.config, static_dir, month)
    output.say("Wrote {} files to {}", len(written), static_dir)


@edition.command("stats")
@click.argument("month", required=False, callback=_month)
@click.option("--last", default=6, show_default=True, type=click.IntRange(1, 120),
              help="Sources' click-through over this many editions")  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@pass_state
def edition_stats(state, month: str | None, last: int, as_json: bool) -> None:
    """What readers clicked: an edition's most-clicked publications and each source's
    click-through over the last editions (with `[tracking] clicks = true`; no opens, no
    per-person figures).

    \b
    Examples:
      pulse editions stats
      pulse editions stats 2026-11 --json
    """
    from policypulse.mailing.clicks import stats
    from policypulse.months import parse_month

    data = stats(parse_month(month) if month else None, last=last)
    if as_json:
        output.show_json(data)
        return
    output.say("{} ({}): {} messages sent, {} clicks", data["title"], data["edition"],
               data["sent"], data["clicks"])  # fmt: skip
    output.show(output.table(
        ["Clicks", "Publication", "Source"],
        [(p["clicks"], p["title"], p["source"]) for p in data["publications"]],
        title="Most-clicked publications",
    ))  # fmt: skip
    output.show(output.table(
        ["Source", "Links", "Clicks", "Sent", "Click-through"],
        [(s["source"], s["items"], s["clicks"], s["sent"], f"{s['click_through']:.2%}")
         for s in data["sources"]],
        title=f"Sources over {', '.join(data['sources_over'])}",
    ))  # fmt: skip
