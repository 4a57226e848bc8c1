"""The edition editor: foreword, news, order of items, live preview (email and PDF), approval.

Approved editions are frozen: the services refuse changes (EditionError) and the page shows
the edition read-only with a button to make it a draft again."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from policypulse.editions import services as edition_services
from policypulse.editions.models import Edition
from policypulse.errors import EditionError
from policypulse.render.documents import render_html, render_pdf
from policypulse.render.sanitise import markdown_to_safe_html
from policypulse.render.view import edition_view
from policypulse.web import audit, review
from policypulse.web.accounts import editor_required
from policypulse.web.views import config, is_htmx, shows_errors

PREVIEW_CHANGED = "preview-changed"


def _edition(month: str) -> Edition:
    key = review.parse_month(month)
    edition = Edition.objects.filter(month=key).first() if key else None
    if edition is None:
        raise Http404("no edition for this month")
    return edition


def _month_or_404(month: str):
    key = review.parse_month(month)
    if key is None:
        raise Http404("a month is YYYY-MM")
    return key


@require_GET
@editor_required
def editions(request):
    month = review.current_month()
    return render(
        request,
        "editor/editions.html",
        {"editions": Edition.objects.select_related("approved_by"), "month": month},
    )


def _edition_context(edition: Edition) -> dict:
    return {
        "edition": edition,
        "sections": edition_services.sections_of(edition, config()),
        "item_count": edition.items.count(),
        "news": list(edition.news or []) + [{"title": "", "body": ""}],
        "foreword_html": markdown_to_safe_html(edition.foreword),
        "history": audit.history(edition=edition, limit=100),
    }


@require_GET
@editor_required
def edition(request, month: str):
    key = _month_or_404(month)
    found = Edition.objects.filter(month=key).first()
    if found is None:
        return render(request, "editor/edition_missing.html", {"month": key})
    return render(request, "editor/edition.html", _edition_context(found))


def _changed(request, edition: Edition, fragment: str | None = None):
    """After a change: the fragment for htmx (and a signal to reload the previews), else the
    whole page again."""
    if is_htmx(request) and fragment:
        edition.refresh_from_db()
        context = _edition_context(edition)
        html = render_to_string(fragment, context, request) + render_to_string(
            "editor/_edition_history.html", context | {"oob": True}, request
        )
        response = HttpResponse(html)
        response["HX-Trigger"] = PREVIEW_CHANGED
        return response
    return redirect(reverse("editor:edition", args=[edition.month_key]))


@require_POST
@editor_required
@shows_errors
def build(request, month: str):
    key = _month_or_404(month)
    existing = Edition.objects.filter(month=key).first()
    before = list(existing.items.values_list("publication_id", flat=True)) if existing else []
    built = edition_services.build_edition(config(), key)
    after = list(built.items.values_list("publication_id", flat=True))
    audit.record(request.user, "edition-built", before={"publications": sorted(before)},
                 after={"publications": sorted(after)}, edition=built)  # fmt: skip
    messages.success(request, f"{built.title}: {len(after)} items.")
    return redirect(reverse("editor:edition", args=[built.month_key]))


@require_POST
@editor_required
@shows_errors
def foreword(request, month: str):
    found = _edition(month)
    before, after = edition_services.set_foreword(found, request.POST.get("foreword", ""))
    if before != after:
        audit.record(request.user, "foreword", before=before, after=after, edition=found)
    if not is_htmx(request):
        messages.success(request, "Foreword saved.")
    return _changed(request, found, "editor/_foreword.html")


@require_POST
@editor_required
def foreword_preview(request, month: str):
    """The foreword as readers will see it, while the editor types (nothing is saved)."""
    _edition(month)
    return HttpResponse(markdown_to_safe_html(request.POST.get("foreword", "")))


@require_POST
@editor_required
@shows_errors
def news(request, month: str):
    found = _edition(month)
    titles, bodies = request.POST.getlist("title"), request.POST.getlist("body")
    removed = set(request.POST.getlist("remove"))
    entries = [
        {"title": title, "body": body}
        for index, (title, body) in enumerate(zip(titles, bodies, strict=False))
        if str(index) not in removed
    ]
    before, after = edition_services.set_news(found, entries)
    if before != after:
        audit.record(request.user, "news", before=before, after=after, edition=found)
    if not is_htmx(request):
        messages.success(request, "News saved.")
    return _changed(request, found, "editor/_news.html")


@require_POST
@editor_required
@shows_errors
def move(request, month: str):
    found = _edition(month)
    try:
        item_id, step = int(request.POST.get("item", "")), int(request.POST.get("step", ""))
    except ValueError:
        raise EditionError("say which item to move, and up (-1) or down (1)") from None
    if step not in (-1, 1):
        raise EditionError("an item moves one place up (-1) or down (1)")
    before, after = edition_services.move_item(found, item_id, step)
    if before != after:
        audit.record(request.user, "order", before=before, after=after, edition=found)
    return _changed(request, found, "editor/_sections.html")


@require_POST
@editor_required
@shows_errors
def approve(request, month: str):
    found = _edition(month)
    edition_services.approve_edition(found, request.user)
    audit.record(request.user, "approved", before="draft", after="approved", edition=found)
    messages.success(request, f"{found.title} is approved and frozen.")
    return redirect(reverse("editor:edition", args=[found.month_key]))


@require_POST
@editor_required
@shows_errors
def reopen(request, month: str):
    found = _edition(month)
    edition_services.reopen_edition(found)
    audit.record(request.user, "reopened", before="approved", after="draft", edition=found)
    messages.success(request, "The edition is a draft again: approve it when it is ready.")
    return redirect(reverse("editor:edition", args=[found.month_key]))


@require_GET
@editor_required
@xframe_options_sameorigin
def preview_html(request, month: str):
    """The email exactly as subscribers get it (the renderer's own HTML)."""
    found = _edition(month)
    return HttpResponse(render_html(edition_view(found, config())))


@require_GET
@editor_required
@xframe_options_sameorigin
def preview_pdf(request, month: str):
    found = _edition(month)
    response = HttpResponse(render_pdf(edition_view(found, config())),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'inline; filename="edition-{found.month_key}.pdf"'
    return response
