"""The public archive's pages, as strings, and the archive as a static site.

An index of editions, a page per edition (the email's "view in browser") and per item, with
permalinks that stay put (`/editions/YYYY-MM/items/<id>-<slug>/`: the id decides, a changed
slug redirects), an Atom feed and a sitemap. The web app serves these strings
(web/archive.py) and `pulse editions publish --static DIR` writes them, so both are the same.
Layout mirrors the URLs (`editions/2026-11/index.html` for `/editions/2026-11/`), so any web
server serving DIR at the site's root gives the same permalinks, feed and sitemap."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from markupsafe import Markup

from policypulse.editions.models import Edition
from policypulse.errors import EditionError
from policypulse.months import parse_month
from policypulse.render.services import render_view
from policypulse.render.templating import html_env
from policypulse.render.view import EditionView, edition_view

PUBLIC = (Edition.Status.APPROVED, Edition.Status.SENT)


def public_editions():
    return Edition.objects.filter(status__in=PUBLIC).order_by("-month")


def _page(template: str, context: dict) -> str:
    return html_env.get_template(f"archive/{template}.html.j2").render(context)


def _sections(view: EditionView) -> list[dict]:
    """The view's sections with each entry's permalink (templates cannot call with args)."""
    return [
        {
            "key": section.key,
            "label": section.label,
            "count": section.count,
            "subsections": [
                {
                    "label": sub.label,
                    "entries": [{"entry": e, "path": view.item_path(e)} for e in sub.entries],
                }
                for sub in section.subsections
            ],
        }  # fmt: skip
        for section in view.sections
    ]


def _common(view: EditionView | None, config) -> dict:
    return {
        "site_name": config.organisation.digest_title,
        "organisation": config.organisation.name,
        "base_url": config.site.base_url,
        "brand": view.brand if view else None,
        "primary": config.branding.primary_colour,
        "accent": config.branding.accent_colour,
        "contact": config.organisation.contact,
        "contact_lines": config.branding.contact_lines,
        "footer_text": config.branding.footer_text,
    }


def index_page(config, editions) -> str:
    rows = [
        {"month_label": e.month_label, "path": f"/editions/{e.month_key}/", "title": e.title,
         "count": e.items.count()}
        for e in editions
    ]  # fmt: skip
    return _page("index", {**_common(None, config), "editions": rows})


def edition_page(config, edition: Edition) -> str:
    view = edition_view(edition, config)
    news = [{"title": n["title"], "html": Markup(n["html"])} for n in view.news_html]
    return _page(
        "edition",
        {
            **_common(view, config),
            "view": view,
            "foreword": Markup(view.foreword_html),
            "news": news,
            "sections": _sections(view),
        },
    )


def find_item(view: EditionView, item_id: int):
    """(section, subsection, entry) of the item in this edition, or None."""
    for section in view.sections:
        for sub in section.subsections:
            for entry in sub.entries:
                if entry.key == item_id:
                    return section, sub, entry
    return None


def item_page(config, edition: Edition, item_id: int) -> str:
    view = edition_view(edition, config)
    found = find_item(view, item_id)
    if found is None:
        raise EditionError(f"the {edition.month_key} edition has no item {item_id}")
    section, sub, entry = found
    return _page(
        "item",
        {**_common(view, config), "view": view, "section": section, "sub": sub, "entry": entry,
         "path": view.item_path(entry)},
    )  # fmt: skip


def _updated(edition: Edition) -> datetime.datetime:
    return edition.sent_at or edition.approved_at or edition.updated_at


def atom_feed(config, editions) -> bytes:
    """An Atom feed of the published editions, newest first."""
    base = config.site.base_url
    feed = Atom1Feed(
        title=config.organisation.digest_title,
        link=base + "/",
        description=f"{config.organisation.digest_title} from {config.organisation.name}",
        feed_url=base + "/feed.atom",
        language="en",
        author_name=config.organisation.name,
    )
    for edition in editions:
        view = edition_view(edition, config)
        labels = "; ".join(f"{s.label} ({s.count})" for s in view.sections)
        feed.add_item(
            title=view.title,
            link=view.edition_url,
            unique_id=view.edition_url,
            description=f"{view.item_count} publications: {labels}.",
            updateddate=_updated(edition),
            pubdate=_updated(edition),
        )
    return feed.writeString("utf-8").encode("utf-8")


def sitemap_xml(config, editions) -> bytes:
    base = config.site.base_url
    urls = [(base + "/", None)]
    for edition in editions:
        view = edition_view(edition, config)
        day = _updated(edition).date().isoformat()
        urls.append((view.edition_url, day))
        urls += [(view.item_url(entry), day) for entry in view.entries]
    body = "".join(
        f"<url><loc>{escape(loc)}</loc>" + (f"<lastmod>{day}</lastmod>" if day else "") + "</url>\n"
        for loc, day in urls
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n"
    ).encode("utf-8")


def publish_static(
    config, out: Path, month: str | None = None, downloads: bool = True
) -> list[Path]:
    """Write the archive into `out`: the index, feed and sitemap of every published edition,
    and the pages of `month` (default: every published edition). Drafts are refused."""
    editions = list(public_editions())
    chosen = editions
    if month:
        key = parse_month(month)  # MonthError: a one-line PulseError
        chosen = [e for e in editions if e.month == key]
        if not chosen:
            found = Edition.objects.filter(month=key).first()
            state = f"is a {found.status}" if found else "does not exist"
            raise EditionError(
                f"the {month} edition {state}; only approved or sent editions are published"
            )
    written: list[Path] = []

    def write(relative: str, data: str | bytes) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    write("index.html", index_page(config, editions))
    write("feed.atom", atom_feed(config, editions))
    write("sitemap.xml", sitemap_xml(config, editions))
    for edition in chosen:
        view = edition_view(edition, config)
        folder = view.edition_path.strip("/")
        write(f"{folder}/index.html", edition_page(config, edition))
        for entry in view.entries:
            write(view.item_path(entry).strip("/") + "/index.html",
                  item_page(config, edition, entry.key))  # fmt: skip
        if downloads:
            for fmt, suffix in (("pdf", "pdf"), ("docx", "docx"), ("text", "txt")):
                write(f"{folder}/edition.{suffix}", render_view(view, fmt))
    return written
