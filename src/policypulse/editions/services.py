"""Build an edition from the month's accepted (or model-relevant) summarised publications,
and every editorial change to it. Each change names its `actor` (a Django user, `cli:<OS
user>` or `task:<name>`) and writes the audit log here, so no caller can forget it."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from policypulse.audit.services import actor_user, record
from policypulse.catalogue.models import Publication
from policypulse.editions.compose import Entry, Section, compose
from policypulse.editions.models import Edition, EditionItem
from policypulse.errors import EditionError
from policypulse.months import month_bounds, month_label, month_start, parse_month
from policypulse.triage.models import TriageLabel
from policypulse.workspace import Config


def latest_month(today: datetime.date | None = None) -> datetime.date:
    """The month being worked on, one rule for the CLI, the editor app and the demo: that of
    the latest dated publication triage has not ruled out (relevant, or not triaged yet).
    With none: `today`'s month if given, else EditionError."""
    latest = (
        Publication.objects.filter(published__isnull=False)
        .exclude(label__relevant=False)
        .order_by("-published")
        .values_list("published", flat=True)
        .first()
    )
    if latest:
        return month_start(latest)
    if today is not None:
        return month_start(today)
    raise EditionError("no relevant publications with a date yet: run `pulse harvest` first")


def get_edition(month: str | None) -> Edition:
    """The edition for YYYY-MM, or the latest one."""
    if month:
        key = parse_month(month)
        edition = Edition.objects.filter(month=key).first()
        if not edition:
            raise EditionError(f"no edition for {month}; build it with `pulse editions build`")
        return edition
    edition = Edition.objects.order_by("-month").first()
    if not edition:
        raise EditionError("no edition yet; build one with `pulse editions build --month YYYY-MM`")
    return edition


def candidates(month: datetime.date):
    start, end = month_bounds(month)
    return (
        Publication.objects.filter(published__gte=start, published__lt=end, label__relevant=True)
        .exclude(label__decision=TriageLabel.Decision.REJECTED)
        .filter(Q(summary__isnull=False))
        .select_related("label", "summary")
    )


def build_edition(config: Config, month: datetime.date, *, actor) -> Edition:
    """Create or refresh the month's draft from its candidates; frozen editions refuse."""
    month = month.replace(day=1)
    with transaction.atomic():
        edition, _ = Edition.objects.get_or_create(
            month=month,
            defaults={"title": f"{config.organisation.digest_title}: {month_label(month)}"},
        )
        before = sorted(edition.items.values_list("publication_id", flat=True))
        if edition.frozen:
            raise EditionError(
                f"the {edition.month_label} edition is {edition.status}; it is frozen"
            )
        keep = set()
        sector_keys = set(config.sector_keys())
        for order, publication in enumerate(candidates(month)):
            label = publication.label
            if label.sector not in sector_keys:
                continue
            item, created = EditionItem.objects.get_or_create(
                edition=edition,
                publication=publication,
                defaults={"order": order},
            )
            item.sector, item.type = label.sector, label.type
            item.title, item.publisher = publication.title, publication.publisher
            item.url, item.summary = publication.url, publication.summary.text
            item.save()
            keep.add(item.pk)
        edition.items.exclude(pk__in=keep).delete()
        if edition.foreword_is_draft:
            edition.foreword = draft_foreword(config, edition)
        edition.updated_at = timezone.now()
        edition.save()
        after = sorted(edition.items.values_list("publication_id", flat=True))
        record(actor, "edition-built", edition,
               before={"publications": before}, after={"publications": after})  # fmt: skip
    return edition


def sections_of(
    edition: Edition, config: Config, sectors: list[str] | None = None
) -> list[Section]:
    entries = [
        Entry(
            key=item.pk,
            sector=item.sector,
            type=item.type,
            title=item.title,
            publisher=item.publisher,
            url=item.url,
            summary=item.summary,
            order=item.order,
        )  # fmt: skip
        for item in edition.items.all()
        if not sectors or item.sector in sectors
    ]
    return compose(
        entries,
        [(s.key, s.label) for s in config.sectors],
        [(t.key, t.label) for t in config.types],
    )


def draft_foreword(config: Config, edition: Edition, embed=None) -> str:
    """A starting point for the editor, in prose and marked as a draft (editions/foreword.py):
    the month and counts, then per sector its themes and the publications of most interest.
    Figures the items do not hold are flagged in a closing note rather than shipped silently."""
    from policypulse.editions import foreword
    from policypulse.summaries.scorer import embedder

    sections = sections_of(edition, config)
    text = foreword.draft(edition.month_label, sections, embed or embedder(),
                          config.organisation.signatory)  # fmt: skip
    missing = foreword.ungrounded(text, sections)
    if missing:
        text += "\n\n*Check before approving: " + ", ".join(missing) + " not found in the items.*"
    return text


def approve_edition(edition: Edition, *, actor) -> Edition:
    """Freeze a draft: its items' words are fixed from now on; changes need a new draft."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != Edition.Status.DRAFT:
            raise EditionError(f"the {edition.month_label} edition is already {edition.status}")
        if not edition.items.exists():
            raise EditionError(f"the {edition.month_label} edition has no items to approve")
        edition.status = Edition.Status.APPROVED
        edition.approved_at = timezone.now()
        edition.approved_by = actor_user(actor)
        edition.save()
        record(actor, "approved", edition, before="draft", after="approved")
    return edition


# -- the edition editor's changes (each one audited here) -----------------------------------


def _editable(edition: Edition) -> Edition:
    edition.refresh_from_db()
    if edition.frozen:
        raise EditionError(
            f"the {edition.month_label} edition is {edition.status}; start a new draft to change it"
        )
    return edition


def set_foreword(edition: Edition, text: str, *, actor) -> tuple[str, str]:
    """The editor's foreword (Markdown); from now on a rebuild keeps it. Returns (before, after)."""
    with transaction.atomic():
        edition = _editable(edition)
        before = edition.foreword
        edition.foreword = text.replace("\r\n", "\n").strip()
        edition.foreword_is_draft = False
        edition.updated_at = timezone.now()
        edition.save(update_fields=["foreword", "foreword_is_draft", "updated_at"])
        if before != edition.foreword:
            record(actor, "foreword", edition, before=before, after=edition.foreword)
    return before, edition.foreword


def clean_news(news: list[dict]) -> list[dict]:
    """News items as stored: {title, body} in Markdown, blank ones dropped."""
    cleaned = []
    for entry in news:
        title = str(entry.get("title", "")).strip()
        body = str(entry.get("body", "")).replace("\r\n", "\n").strip()
        if title or body:
            cleaned.append({"title": title, "body": body})
    return cleaned


def set_news(edition: Edition, news: list[dict], *, actor) -> tuple[list, list]:
    with transaction.atomic():
        edition = _editable(edition)
        before = list(edition.news or [])
        edition.news = clean_news(news)
        edition.updated_at = timezone.now()
        edition.save(update_fields=["news", "updated_at"])
        if before != edition.news:
            record(actor, "news", edition, before=before, after=edition.news)
    return before, edition.news


def move_item(edition: Edition, item_id: int, step: int, *, actor) -> tuple[list[int], list[int]]:
    """Move an item up (-1) or down (+1) among its sub-section's items, in display order.
    Returns the sub-section's item ids before and after."""
    if step not in (-1, 1):
        raise EditionError("an item moves one place up (-1) or down (1)")
    edition = _editable(edition)
    with transaction.atomic():
        item = edition.items.filter(pk=item_id).first()
        if item is None:
            raise EditionError(f"the {edition.month_label} edition has no item {item_id}")
        siblings = sorted(
            edition.items.filter(sector=item.sector, type=item.type),
            key=lambda i: (i.order, i.publisher.lower(), i.title.lower()),
        )
        before = [i.pk for i in siblings]
        index = before.index(item.pk)
        target = max(0, min(len(siblings) - 1, index + step))
        siblings.insert(target, siblings.pop(index))
        for order, sibling in enumerate(siblings):
            if sibling.order != order:
                sibling.order = order
                sibling.save(update_fields=["order"])
        after = [i.pk for i in siblings]
        if before != after:
            record(actor, "order", edition, before=before, after=after)
    return before, after


def reopen_edition(edition: Edition, *, actor) -> Edition:
    """An approved (not yet sent) edition back to draft, so it can be changed and approved
    again; a sent edition stays as it was sent."""
    with transaction.atomic():
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if edition.status != Edition.Status.APPROVED:
            raise EditionError(f"only an approved edition can become a draft again, "
                               f"and the {edition.month_label} edition is {edition.status}")  # fmt: skip
        edition.status = Edition.Status.DRAFT
        edition.approved_at = None
        edition.approved_by = None
        edition.updated_at = timezone.now()
        edition.save()
        record(actor, "reopened", edition, before="approved", after="draft")
    return edition
