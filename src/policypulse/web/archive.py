"""The public archive's views: approved and sent editions, without a log-in.

The pages themselves are built in render/archive.py, so `pulse editions publish --static DIR`
writes exactly what these views serve; here are only the URL's month, 404s and redirects."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from policypulse.editions.models import Edition
from policypulse.render import archive as pages
from policypulse.render.sanitise import slug
from policypulse.render.services import MEDIA_TYPES, render_view
from policypulse.render.view import edition_view
from policypulse.web.params import month_or_404


def public_edition(month: str) -> Edition:
    edition = pages.public_editions().filter(month=month_or_404(month)).first()
    if edition is None:
        raise Http404("no published edition for this month")
    return edition


def _config():
    return settings.PULSE


@require_safe
def index(request):
    return HttpResponse(pages.index_page(_config(), pages.public_editions()))


@require_safe
def edition(request, month: str):
    return HttpResponse(pages.edition_page(_config(), public_edition(month)))


@require_safe
def item(request, month: str, item_id: str, slug_text: str | None = None):
    item_id = int(item_id)
    found = public_edition(month)
    view = edition_view(found, _config())
    located = pages.find_item(view, item_id)
    if located is None:
        raise Http404("no such item in this edition")
    entry = located[2]
    if slug_text != slug(entry.title):
        return redirect(view.item_path(entry), permanent=True)
    return HttpResponse(pages.item_page(_config(), found, item_id))


_downloads: dict[tuple, bytes] = {}


def rendered_download(edition: Edition, kind: str) -> bytes:
    """A published edition's PDF, DOCX or text, kept in memory: a published edition is frozen,
    and a PDF takes seconds, too long to redo for every visitor."""
    key = (edition.pk, edition.status, edition.updated_at, kind)
    if key not in _downloads:
        if len(_downloads) >= 32:
            _downloads.pop(next(iter(_downloads)))
        _downloads[key] = render_view(edition_view(edition, _config()), kind)
    return _downloads[key]


@require_safe
def download(request, month: str, fmt: str):
    found = public_edition(month)
    kind = "text" if fmt == "txt" else fmt
    data = rendered_download(found, kind)
    response = HttpResponse(data, content_type=MEDIA_TYPES[kind])
    if fmt in ("pdf", "docx"):
        response["Content-Disposition"] = f'inline; filename="edition-{found.month_key}.{fmt}"'
    return response


@require_safe
def feed(request):
    return HttpResponse(
        pages.atom_feed(_config(), pages.public_editions()), content_type="application/atom+xml"
    )


@require_safe
def sitemap(request):
    return HttpResponse(
        pages.sitemap_xml(_config(), pages.public_editions()), content_type="application/xml"
    )
