"""The public archive: approved and sent editions, without a log-in.

An index of editions, a page per edition (the email's "view in browser") and per item, with
permalinks that stay put (`/editions/YYYY-MM/items/<id>-<slug>/`: the id decides, a changed
slug redirects), an Atom feed and a sitemap. The page functions return strings so
`pulse edition publish --static DIR` writes exactly what `pulse serve` serves."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from policypulse.editions.models import Edition
from policypulse.render.context import EditionView, edition_view, slug

PUBLIC = (Edition.Status.APPROVED, Edition.Status.SENT)


def public_editions():
    return Edition.objects.filter(status__in=PUBLIC).order_by("-month")


def public_edition(month: str) -> Edition:
    try:
        key = Edition.parse_month(month)
    except ValueError:
        raise Http404("a month is YYYY-MM") from None
    edition = public_editions().filter(month=key).first()
    if edition is None:
        raise Http404("no published edition for this month")
    return edition


def _config():
    return settings.PULSE


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
    return render_to_string("archive/index.html", {**_common(None, config), "editions": rows})


def edition_page(config, edition: Edition) -> str:
    view = edition_view(edition, config)
    news = [{"title": n["title"], "html": mark_safe(n["html"])} for n in view.news_html]
    return render_to_string(
        "archive/edition.html",
        {
            **_common(view, config),
            "view": view,
            "foreword": mark_safe(view.foreword_html),
            "news": news,
            "sections": _sections(view),
        },
    )


def find_item(view: EditionView, item_id: int):
    for section in view.sections:
        for sub in section.subsections:
            for entry in sub.entries:
                if entry.key == item_id:
                    return section, sub, entry
    raise Http404("no such item in this edition")


def item_page(config, edition: Edition, item_id: int) -> str:
    view = edition_view(edition, config)
    section, sub, entry = find_item(view, item_id)
    return render_to_string(
        "archive/item.html",
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


# -- views -------------------------------------------------------------------------------


@require_GET
def index(request):
    return HttpResponse(index_page(_config(), public_editions()))


@require_GET
def edition(request, month: str):
    return HttpResponse(edition_page(_config(), public_edition(month)))


@require_GET
def item(request, month: str, item_id: str, slug_text: str | None = None):
    item_id = int(item_id)
    found = public_edition(month)
    view = edition_view(found, _config())
    _, _, entry = find_item(view, item_id)
    if slug_text != slug(entry.title):
        return redirect(view.item_path(entry), permanent=True)
    return HttpResponse(item_page(_config(), found, item_id))


_downloads: dict[tuple, bytes] = {}


def rendered_download(edition: Edition, kind: str) -> bytes:
    """A published edition's PDF, DOCX or text, kept in memory: a published edition is frozen,
    and a PDF takes seconds, too long to redo for every visitor."""
    from policypulse.render.services import render_view

    key = (edition.pk, edition.status, edition.updated_at, kind)
    if key not in _downloads:
        if len(_downloads) >= 32:
            _downloads.pop(next(iter(_downloads)))
        _downloads[key] = render_view(edition_view(edition, _config()), kind)
    return _downloads[key]


@require_GET
def download(request, month: str, fmt: str):
    from policypulse.render.services import MEDIA_TYPES

    found = public_edition(month)
    kind = "text" if fmt == "txt" else fmt
    data = rendered_download(found, kind)
    response = HttpResponse(data, content_type=MEDIA_TYPES[kind])
    if fmt in ("pdf", "docx"):
        response["Content-Disposition"] = f'inline; filename="edition-{found.month_key}.{fmt}"'
    return response


@require_GET
def feed(request):
    return HttpResponse(
        atom_feed(_config(), public_editions()), content_type="application/atom+xml"
    )


@require_GET
def sitemap(request):
    return HttpResponse(sitemap_xml(_config(), public_editions()), content_type="application/xml")
