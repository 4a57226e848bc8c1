"""pulse sources, harvest, triage, summarize, items: the pipeline's stages, in order."""

from __future__ import annotations

import json
import sys

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state


@cli.group()
def sources() -> None:
    """The sources PolicyPulse harvests.

    \b
    Examples:
      pulse sources add https://example.org/publications.rss --publisher "Example Institute"
      pulse sources list
    """


@sources.command("add")
@click.argument("url")
@click.option(
    "--kind",
    type=click.Choice(["feed", "govuk", "page", "sitemap"]),
    default="feed",
    help="feed: RSS/Atom; govuk: a GOV.UK search Atom feed; page: an HTML listing page; "
    "sitemap: sitemap.xml or an index.",
)
@click.option("--name", help="A short unique name (default: from the URL's host).")
@click.option("--publisher", default="", help="Publisher name to give its items.")
@click.option(
    "--selector", default="", help="CSS selector for publication links (page kind; optional)."
)
@click.option("--interval", default="daily", show_default=True,
              help="How often to fetch it: hourly, daily, weekly, monthly, or 6h, 3d, 2w.")  # fmt: skip
@click.option("--sector", "sectors", multiple=True, help="A sector key it usually serves (repeat).")
@click.option("--keep", multiple=True, help="Keep only entries whose title or URL matches (regex; repeat).")  # fmt: skip
@click.option("--block", multiple=True, help="Drop entries whose title or URL matches (regex; repeat).")  # fmt: skip
@click.option("--main-selector", default="", help="CSS selector of the main text on its pages.")
@pass_state
def sources_add(
    state, url: str, kind: str, name: str | None, publisher: str, selector: str,
    interval: str, sectors: tuple, keep: tuple, block: tuple, main_selector: str,
) -> None:  # fmt: skip
    """Add a source by URL.

    \b
    Examples:
      pulse sources add https://example.org/publications.rss --publisher "Example Institute"
      pulse sources add https://example.org/news.rss --interval weekly --block "job vacanc"
    """
    import re
    from urllib.parse import urlsplit

    from policypulse.errors import PulseError

    state.workspace()
    from policypulse.sources.models import Source

    if urlsplit(url).scheme not in ("http", "https"):
        raise PulseError(f"{url!r} is not an http(s) URL")
    name = name or re.sub(r"[^a-z0-9-]+", "-", (urlsplit(url).hostname or "source").lower()).strip(
        "-"
    )
    if Source.objects.filter(name=name).exists():
        raise PulseError(f"a source named {name!r} already exists; pass --name")
    from lxml.cssselect import CSSSelector, SelectorError

    for css in (selector, main_selector):
        try:
            CSSSelector(css) if css else None
        except SelectorError as exc:
            raise PulseError(f"invalid CSS selector {css!r}: {exc}") from None
    from policypulse.cadence import parse_interval
    from policypulse.rules import compile_rules

    parse_interval(interval)
    compile_rules(keep, block)
    unknown = set(sectors) - set(state.config.sector_keys())
    if unknown:
        raise PulseError(f"unknown sector(s) {', '.join(sorted(unknown))}; known: "
                         f"{', '.join(state.config.sector_keys())}")  # fmt: skip
    Source.objects.create(name=name, url=url, kind=kind, publisher=publisher, selector=selector,
                          interval=interval, sectors=list(sectors), keep=list(keep),
                          block=list(block), main_selector=main_selector)  # fmt: skip
    output.say("Added source [bold]{}[/] ({}): {}", name, kind, url)


@sources.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def sources_list(state, as_json: bool) -> None:
    """Sources with their health (paused and failing ones first) and when each is due.

    \b
    Examples:
      pulse sources list
      pulse sources list --json
    """
    from policypulse.harvest.services import sync_sources

    sync_sources(state.config)
    from policypulse.sources.models import Source

    rows = sorted(Source.objects.all(),
                  key=lambda s: (s.paused_at is None, -s.consecutive_failures, s.name))  # fmt: skip
    if as_json:
        output.show_json([
            {"name": s.name, "url": s.url, "kind": s.kind, "publisher": s.publisher,
             "health": s.health, "last_success": s.last_success_at,
             "consecutive_failures": s.consecutive_failures, "last_error": s.last_error,
             "interval": s.interval, "next_due": s.next_due_at, "paused_at": s.paused_at,
             "sectors": s.sectors, "keep": s.keep, "block": s.block,
             "main_selector": s.main_selector, "pack": s.pack, "last_seen": s.last_seen}
            for s in rows
        ])  # fmt: skip
        return
    colours = {"ok": "green", "failing": "red", "paused": "red"}
    output.show(output.table(
        ("name", "kind", "health", "every", "next due", "last success", "failures",
         "last error"),
        ([s.name, s.kind, output.styled(s.health, colours.get(s.health, "yellow")), s.interval,
          s.next_due_at.strftime("%Y-%m-%d %H:%M") if s.next_due_at else "now",
          s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "never",
          s.consecutive_failures, (s.last_error or "")[:60]] for s in rows),
        title="Sources",
    ))  # fmt: skip


def harvest_table(reports):
    return output.table(
        ("source", *((column, "right") for column in
                     ("new", "updated", "unchanged", "duplicates", "errors", "time"))),
        ([r.source, r.new, r.updated, r.unchanged, r.duplicates,
          output.styled(len(r.errors), "red") if r.errors else "0", f"{r.seconds:.1f}s"]
         for r in reports),
        title="Harvest",
    )  # fmt: skip


@cli.command()
@click.option("--source", "only", help="Harvest only this source.")
@click.option("--background", is_flag=True, help="Queue it for `pulse worker` instead.")
@click.option("--all", "all_", is_flag=True, help="Also sources not yet due (paused ones stay).")
@pass_state
def harvest(state, only: str | None, background: bool, all_: bool) -> None:
    """Fetch new and changed publications from every source that is due (each source's
    interval, or longer when its server asks); --source NAME fetches that one now.

    \b
    Examples:
      pulse harvest
      pulse harvest --all
    """
    from policypulse.harvest.services import harvest as run

    config = state.config
    if background:
        from policypulse.harvest.tasks import harvest_task

        result = harvest_task.enqueue(only=only, due_only=not all_)
        output.say("Queued harvest as task {}; `pulse worker` runs it.", result.id)
        return
    with output.progress() as progress:
        task = progress.add_task("Harvesting", total=0, current="finding new items")

        def discovered(source, count: int) -> None:
            progress.update(task, total=(progress.tasks[0].total or 0) + count)

        def done(source, entry) -> None:
            progress.update(task, advance=1, current=f"{source.name}: {entry.url[-50:]}")

        skipped = []
        reports = run(config, only=only, on_entry=done, on_discovered=discovered,
                      due_only=not all_, on_skipped=skipped.append)  # fmt: skip
    output.show(harvest_table(reports))
    if skipped:
        output.say("{} source(s) not due yet (next: {}); `pulse harvest --all` fetches them now.",
                   len(skipped), min(s.next_due_at for s in skipped).strftime("%Y-%m-%d %H:%M"))  # fmt: skip
    for report in reports:
        if report.paused:
            output.say("[red]{}[/] is paused after repeated failures; `pulse sources resume {}`"
                       " when it is fixed.", report.source, report.source)  # fmt: skip
    for report in reports:
        for error in report.errors[:5]:
            output.say("[red]{}[/]: {}", report.source, error)
        if len(report.errors) > 5:
            output.say("[red]{}[/]: ... and {} more", report.source, len(report.errors) - 5)
    if reports and all(r.failed for r in reports):
        sys.exit(1)


@cli.group()
def items() -> None:
    """Publications harvested so far.

    \b
    Examples:
      pulse items add https://example.org/one-report.pdf
      pulse items reextract --since 2026-11-01
    """


def _item_rows():
    from policypulse.catalogue.models import Publication

    rows = Publication.objects.select_related("label", "source", "summary")
    for p in rows.prefetch_related("attachments"):
        label = getattr(p, "label", None)
        summary = getattr(p, "summary", None)
        yield {
            "id": p.pk,
            "url": p.url,
            "canonical_url": p.canonical_url,
            "title": p.title,
            "publisher": p.publisher,
            "published": p.published.isoformat() if p.published else None,
            "kind": p.kind,
            "sector": label.sector if label else None,
            "type": label.type if label else None,
            "relevance": label.relevance if label else None,
            "text": p.text,
            "document_type": p.document_type,
            "authors": p.authors,
            "extraction_status": p.extraction_status,
            "attachments": [
                {"url": a.url, "title": a.title, "status": a.status, "pages": a.pages}
                for a in p.attachments.all()
            ],
            "source": p.source.name if p.source else None,
            "first_seen": p.first_seen.isoformat(),
            "summary": summary.text if summary else None,
            "summary_status": _summary_status(label, summary),
        }


def _summary_status(label, summary) -> str:
    """passed, flagged (the guard found a problem), missing (relevant, not yet summarised),
    untriaged or not-relevant: what a scheduled run left for the editor."""
    if summary is not None:
        return "passed" if summary.passed else "flagged"
    if label is None:
        return "untriaged"
    return "missing" if label.relevant else "not-relevant"


@items.command("add")
@click.argument("target")
@click.option("--url", default="", help="A local file's public address, when it has one.")
@click.option("--title", default="", help="Its title (instead of the one found in it).")
@click.option("--publisher", default="", help="Its publisher (instead of the one found in it).")
@click.option("--date", "published", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Its publication date, YYYY-MM-DD.")  # fmt: skip
@pass_state
def items_add(state, target: str, url: str, title: str, publisher: str, published) -> None:
    """Add one publication: a URL (an HTML page or a PDF), or a local PDF, DOCX or HTML file.

    \b
    Examples:
      pulse items add https://www.gov.uk/government/publications/a-report
      pulse items add embargoed-report.pdf --publisher "Example Trust" --date 2026-11-20
    """
    from pathlib import Path
    from urllib.parse import urlsplit

    from policypulse.errors import PulseError
    from policypulse.harvest.services import Overrides, add_file, add_item

    overrides = Overrides(title, publisher, published.date() if published else None)
    if urlsplit(target).scheme in ("http", "https"):
        if url:
            raise PulseError("--url is for a local file; the URL given is the address already")
        publication, outcome = add_item(state.config, target, overrides=overrides)
    else:
        path = Path(target)
        if not path.is_file():
            raise PulseError(f"{target!r} is neither an http(s) URL nor a file")
        from policypulse.audit.services import cli_actor

        config = state.config
        limit = config.harvest.max_body_megabytes * 1024 * 1024
        if path.stat().st_size > limit:
            raise PulseError(f"{target!r} is larger than max_body_megabytes "
                             f"({config.harvest.max_body_megabytes:g})")  # fmt: skip
        publication, outcome = add_file(config, path.read_bytes(), path.name,
                                        actor=cli_actor(), url=url, overrides=overrides)  # fmt: skip
    said = {"new": "Added", "updated": "Updated", "unchanged": "Already known:",
            "duplicates": "Already known (same text) as"}.get(outcome, outcome)  # fmt: skip
    output.say("{} #{}: {}", said, publication.pk, publication.title)
    if publication.extraction_status != "ok":
        output.say("[yellow]Note:[/] {}", publication.extraction_error)


@items.command("reextract")
@click.option("--source", default=None, help="Only this source's publications.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Only publications first seen on or after this date, YYYY-MM-DD.")  # fmt: skip
@pass_state
def items_reextract(state, source: str | None, since) -> None:
    """Extract text again from the stored copies (no fetching), then triage and summarise
    again only what changed. Editor decisions and edited summaries are kept.

    \b
    Examples:
      pulse items reextract
      pulse items reextract --source example-feed --since 2026-11-01
    """
    from policypulse.harvest.services import reextract
    from policypulse.summaries.services import summarize
    from policypulse.triage.services import triage

    config = state.config
    report = reextract(config, source=source, since=since.date() if since else None)
    output.say("Re-extracted {} publications: {} changed, {} without a stored copy, {} errors.",
               report.checked, len(report.changed), report.not_stored, len(report.errors))  # fmt: skip
    for error in report.errors[:10]:
        output.say("[red]{}[/]", error)
    if report.changed:
        triage(config, only=report.changed)
        written = summarize(config, force=True, only=report.changed)
        output.say("Triaged {} again; {} summaries rewritten.", len(report.changed), written)


@items.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def items_list(state, as_json: bool) -> None:
    """List publications with their labels.

    \b
    Examples:
      pulse items list
      pulse items list --json
    """
    state.workspace()
    rows = list(_item_rows())
    if as_json:
        for row in rows:
            row.pop("text")
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    output.show(output.table(
        ("id", "published", "sector", "type", "publisher", "title"),
        ([row["id"], row["published"] or "", row["sector"] or "-", row["type"] or "-",
          row["publisher"][:30], row["title"][:70]] for row in rows),
        title=f"{len(rows)} publications",
    ))  # fmt: skip


@items.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl")
@click.option("--out", type=click.File("w", encoding="utf-8"), default="-")
@pass_state
def items_export(state, fmt: str, out) -> None:
    """Write every publication, one JSON object a line.

    \b
    Examples:
      pulse items export > items.jsonl
      pulse items export --format jsonl --out items.jsonl
    """
    state.workspace()
    for row in _item_rows():
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
