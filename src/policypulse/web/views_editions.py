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
from django.views.decorators.http import require_POST, require_safe

from policypulse.audit.services import history
from policypulse.editions import services as edition_services
from policypulse.editions.models import Edition
from policypulse.errors import EditionError
from policypulse.render.documents import render_html, render_pdf
from policypulse.render.sanitise import markdown_to_safe_html
from policypulse.render.view import edition_view
from policypulse.web import params, review
from policypulse.web.accounts import editor_required
from policypulse.web.views import config, is_htmx, shows_errors

PREVIEW_CHANGED = "preview-changed"


def _edition(month: str) -> Edition:
    edition = Edition.objects.filter(month=params.month_or_404(month)).first()
    if edition is None:
        raise Http404("no edition for this month")
    return edition


@require_safe
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
        "history": history(edition=edition, limit=100),
    }


@require_safe
@editor_required
def edition(request, month: str):
    key = params.month_or_404(month)
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
    built = edition_services.build_edition(config(), params.month_or_404(month), actor=request.user)
    messages.success(request, f"{built.title}: {built.items.count()} items.")
    return redirect(reverse("editor:edition", args=[built.month_key]))


@require_POST
@editor_required
@shows_errors
def foreword(request, month: str):
    found = _edition(month)
    edition_services.set_foreword(found, request.POST.get("foreword", ""), actor=request.user)
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
    edition_services.set_news(found, entries, actor=request.user)
    if not is_htmx(request):
        messages.success(request, "News saved.")
    return _changed(request, found, "editor/_news.html")


@require_POST
@editor_required
@shows_errors
def move(request, month: str):
    found = _edition(month)
    item_id = params.parse_id(request.POST.get("item"))
    step = {"-1": -1, "1": 1}.get(request.POST.get("step", "").strip())
    if item_id is None or step is None:
        raise EditionError("say which item to move, and up (-1) or down (1)")
    if not found.items.filter(pk=item_id).exists():
        raise Http404("no such item in this edition")
    edition_services.move_item(found, item_id, step, actor=request.user)
    return _changed(request, found, "editor/_sections.html")


@require_POST
@editor_required
@shows_errors
def approve(request, month: str):
    found = _edition(month)
    edition_services.approve_edition(found, actor=request.user)
    messages.success(request, f"{found.title} is approved and frozen.")
    return redirect(reverse("editor:edition", args=[found.month_key]))


@require_POST
@editor_required
@shows_errors
def reopen(request, month: str):
    found = _edition(month)
    edition_services.reopen_edition(found, actor=request.user)
    messages.success(request, "The edition is a draft again: approve it when it is ready.")
    return redirect(reverse("editor:edition", args=[found.month_key]))


@require_safe
@editor_required
@xframe_options_sameorigin
def preview_html(request, month: str):
    """The email exactly as subscribers get it (the renderer's own HTML)."""
    found = _edition(month)
    return HttpResponse(render_html(edition_view(found, config())))


@require_safe
@editor_required
@xframe_options_sameorigin
def preview_pdf(request, month: str):
    found = _edition(month)
    response = HttpResponse(render_pdf(edition_view(found, config())),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'inline; filename="edition-{found.month_key}.pdf"'
    return response


@require_safe
@editor_required
def stats(request, month: str):
    """What readers clicked in this edition, and each source's click-through (clicks.py)."""
    from policypulse.mailing.clicks import stats as click_stats

    edition = _edition(month)
    try:
        data = click_stats(edition.month)
    except EditionError as exc:  # a draft: nothing mailed yet
        return render(request, "editor/edition_stats.html", {"edition": edition, "error": exc})
    return render(request, "editor/edition_stats.html", {"edition": edition, "stats": data,
                                                         "tracking": config().tracking})  # fmt: skip
