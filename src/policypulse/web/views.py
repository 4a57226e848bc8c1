"""The editor's pages: dashboard, review queue and item actions, search, audit log.

Views are thin: they read the request, call a domain service (triage, summaries, editions:
they check the change and audit it), render. Every view
needs the editor or admin role (`editor_required`). Problems the editor can act on (PulseError)
become a message in one place, `shows_errors`: an htmx fragment or a redirect with a message."""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from policypulse.audit.services import history
from policypulse.errors import PulseError
from policypulse.summaries import services as summary_services
from policypulse.summaries.services import source_text
from policypulse.triage import services as triage_services
from policypulse.web import dashboard as dashboard_service
from policypulse.web import params, review
from policypulse.web import search as search_service
from policypulse.web.accounts import editor_required


def config():
    return settings.PULSE


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def back(request, fallback: str):
    target = request.POST.get("next") or request.headers.get("Referer", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)  # not redirect(): it reverses bare words as views
    return redirect(fallback)


def shows_errors(view):
    """PulseError -> a message the editor reads: in place for htmx, else on the next page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PulseError as exc:
            if is_htmx(request):
                response = render(request, "editor/_error.html", {"error": str(exc)}, status=422)
                response["HX-Retarget"] = "#messages"
                response["HX-Reswap"] = "innerHTML"
                return response
            messages.error(request, str(exc))
            return back(request, reverse("editor:dashboard"))

    return wrapper


def month_from(request):
    """The month asked for, or the current one (with a message when the asked one is bad)."""
    asked = request.GET.get("month")
    month = params.month_or_none(asked)
    if asked and month is None:
        messages.warning(request, f"Not a month PolicyPulse knows: showing the current one "
                                  f"instead of {asked[:40]!r}.")  # fmt: skip
    return month or review.current_month()


# -- dashboard -------------------------------------------------------------------------------


@require_safe
@editor_required
def dashboard(request):
    month = month_from(request)
    rows = dashboard_service.funnel(month, config())
    scale = max([row.harvested for row in rows] + [1])
    return render(
        request,
        "editor/dashboard.html",
        {
            "month": month,
            "funnel": [(row, row.bars(scale)) for row in rows],
            "totals": [
                sum(getattr(row, stage) for row in rows) for stage in dashboard_service.STAGES
            ],
            "stage_labels": dashboard_service.STAGE_LABELS,
            "sources": dashboard_service.source_health(),
            "attention": dashboard_service.attention(month),
        },
    )


# -- review queue ---------------------------------------------------------------------------


def _choices():
    cfg = config()
    sectors = [(s.key, s.label) for s in cfg.sectors] + [(review.OUT, "Out of scope")]
    types = [(t.key, t.label) for t in cfg.types]
    return sectors, types


@require_safe
@editor_required
def review_queue(request):
    month = month_from(request)
    filters = {key: request.GET.get(key, "") for key in ("status", "sector", "type", "sort")}
    groups = review.queue(month, config(), **filters)
    total = sum(len(group.rows) for group in groups)
    sectors, types = _choices()
    selected = params.parse_id(request.GET.get("item"))
    context = {
        "month": month,
        "groups": groups,
        "total": total,
        "filters": filters,
        "sectors": sectors,
        "types": types,
        "statuses": review.STATUSES,
        "sorts": review.SORTS,
        "item_base": reverse("editor:item", args=[0]).removesuffix("0/"),
        "month_key": month.strftime("%Y-%m"),
    }
    if selected is not None:
        context |= _item_context(review.load_item(selected))
    return render(request, "editor/queue.html", context)


def _item_context(publication) -> dict:
    source = source_text(publication)
    try:
        summary = publication.summary
    except ObjectDoesNotExist:
        summary = None
    sectors, types = _choices()
    return {
        "publication": publication,
        "label": getattr(publication, "label", None),
        "summary": summary,
        "summary_segments": review.mark_figures(summary.text, source, mark_missing=True)
        if summary
        else [],
        "source_segments": review.mark_figures(
            source, summary.text if summary else "", mark_missing=False
        ),  # fmt: skip
        "history": history(publication=publication, limit=50),
        "sectors": sectors,
        "types": types,
        "item_base": reverse("editor:item", args=[0]).removesuffix("0/"),
        "row": review.QueueRow.of(publication),
        "month_key": publication.published.strftime("%Y-%m") if publication.published else "",
    }


def _item_response(request, publication, *, changed: bool = False):
    context = _item_context(publication)
    if is_htmx(request):
        context["oob_row"] = changed
        return render(request, "editor/_item.html", context)
    if changed:
        return back(request, reverse("editor:item", args=[publication.pk]))
    return render(request, "editor/item.html", context)


@require_safe
@editor_required
def item(request, pk: int):
    return _item_response(request, review.load_item(pk))


@require_POST
@editor_required
@shows_errors
def item_decision(request, pk: int):
    publication = review.load_item(pk)
    triage_services.decide(publication, request.user, request.POST.get("decision", ""))
    return _item_response(request, publication, changed=True)


@require_POST
@editor_required
@shows_errors
def item_sector(request, pk: int):
    publication = review.load_item(pk)
    triage_services.change_sector(
        publication, request.user, request.POST.get("sector", ""), config()
    )
    return _item_response(request, publication, changed=True)


@require_POST
@editor_required
@shows_errors
def item_type(request, pk: int):
    publication = review.load_item(pk)
    triage_services.change_type(publication, request.user, request.POST.get("type", ""), config())
    return _item_response(request, publication, changed=True)


@require_POST
@editor_required
@shows_errors
def item_summary(request, pk: int):
    publication = review.load_item(pk)
    summary_services.edit_summary(publication, request.user, request.POST.get("text", ""), config())
    return _item_response(request, publication, changed=True)


# -- search and audit -----------------------------------------------------------------------


@require_safe
@editor_required
def search(request):
    text = request.GET.get("q", "")
    filters = search_service.Filters(
        sector=request.GET.get("sector", ""),
        type=request.GET.get("type", ""),
        publisher=request.GET.get("publisher", "").strip(),
        date_from=_date(request.GET.get("from")),
        date_to=_date(request.GET.get("to")),
    )
    searched = bool(text.strip() or any(vars(filters).values()))
    results = search_service.search(text, filters) if searched else []
    sectors, types = _choices()
    return render(
        request,
        "editor/search.html",
        {
            "q": text,
            "filters": filters,
            "results": results,
            "searched": searched,
            "sectors": sectors,
            "types": types,
            "publishers": search_service.publishers(),
            "limit": search_service.MAX_RESULTS,
        },
    )


def _date(value):
    import datetime

    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_safe
@editor_required
def audit_log(request):
    return render(request, "editor/audit.html", {"entries": history(limit=500)})
