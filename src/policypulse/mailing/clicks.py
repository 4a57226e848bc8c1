"""What readers click, privately: `[tracking] clicks = true` sends each publication link in the
email through a signed redirect, /r/<token>/, that counts clicks per publication per edition.

The token signs only "edition.publication" (django.core.signing, its own salt); the target is
looked up in the database (the edition's item for that publication), never read from the
token or the query, so /r/ cannot be made to send anyone elsewhere (no open redirect). Nothing
about the reader is in the link or kept, unless `[tracking] per_subscriber = true`: then each
link also carries a signed subscriber key (/r/<token>/<who>/) and a Click row is kept per click.

No open tracking: there is no pixel. A pixel fetch tells little (Apple Mail Privacy Protection
fetches every image for the reader, images are often blocked) and is a record of someone's
reading made without asking; docs/privacy.md says so to the editors.
"""

from __future__ import annotations

import dataclasses
import re

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from policypulse.mailing import tokens
from policypulse.mailing.models import Click, ClickCount, Delivery, Subscriber

CLICK = "policypulse.mailing.click"
WHO = "policypulse.mailing.click-who"
WHO_MARK = "\ue001who\ue001"  # replaced per message (per_subscriber), never in harvested text
_TOKEN = re.compile(r"^([0-9]{1,18})\.([0-9]{1,18})$")


def click_token(edition_pk: int, publication_pk: int) -> str:
    return signing.Signer(salt=CLICK).sign(f"{edition_pk}.{publication_pk}")


def read_click_token(token: str) -> tuple[int, int] | None:
    """(edition pk, publication pk), or None for a forged or altered token."""
    try:
        value = signing.Signer(salt=CLICK).unsign(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    found = _TOKEN.match(value)
    return (int(found.group(1)), int(found.group(2))) if found else None


def who_token(subscriber_key: str) -> str:
    return signing.Signer(salt=WHO).sign(subscriber_key)


def read_who_token(token: str) -> str | None:
    try:
        return signing.Signer(salt=WHO).unsign(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def tracked_view(view, edition, config):
    """The edition's view with each publication link replaced by its /r/ link."""
    from policypulse.editions.models import EditionItem

    publication_of = dict(
        EditionItem.objects.filter(edition=edition).values_list("pk", "publication_id")
    )
    who = f"{WHO_MARK}/" if config.tracking.per_subscriber else ""

    def link(entry):
        if not entry.url or entry.key not in publication_of:
            return entry
        token = click_token(edition.pk, publication_of[entry.key])
        return dataclasses.replace(entry, url=f"{view.base_url}/r/{token}/{who}")

    sections = [
        dataclasses.replace(section, subsections=[
            dataclasses.replace(sub, entries=[link(e) for e in sub.entries])
            for sub in section.subsections
        ])
        for section in view.sections
    ]  # fmt: skip
    return dataclasses.replace(view, sections=sections)


class PerSubscriberLinks:
    """A prepared edition whose /r/ links also name the reader (per_subscriber only). The
    reader is the one the unsubscribe link names (its signed token, read back here), so the
    sender's call does not change."""

    def __init__(self, prepared):
        self.prepared = prepared

    def __getattr__(self, name):
        return getattr(self.prepared, name)

    def personalise(self, sectors, unsubscribe_url: str = "", preferences_url: str = ""):
        parts = self.prepared.personalise(sectors, unsubscribe_url, preferences_url)
        if parts is None:
            return None
        key = tokens.read_token(unsubscribe_url.rstrip("/").rpartition("/")[2],
                                tokens.UNSUBSCRIBE) if unsubscribe_url else None  # fmt: skip
        who = f"{who_token(key)}" if key else ""
        subject, html, text = parts
        if who:
            return subject, html.replace(WHO_MARK, who), text.replace(WHO_MARK, who)
        mark = f"{WHO_MARK}/"
        return subject, html.replace(mark, ""), text.replace(mark, "")


def prepare_tracked(edition, config):
    """compose.prepare with `[tracking] clicks = true`: the email rendered once, with /r/
    links in its HTML and text parts."""
    from policypulse.render.email import prepare_view
    from policypulse.render.view import edition_view

    prepared = prepare_view(tracked_view(edition_view(edition, config), edition, config))
    return PerSubscriberLinks(prepared) if config.tracking.per_subscriber else prepared


def _item_for(token: str):
    """The edition item a valid token names, with a target that is an http(s) URL."""
    from policypulse.editions.models import Edition, EditionItem
    from policypulse.render.sanitise import safe_url

    found = read_click_token(token)
    if found is None:
        return None, ""
    edition_pk, publication_pk = found
    item = (
        EditionItem.objects.filter(edition_id=edition_pk, publication_id=publication_pk)
        .exclude(edition__status=Edition.Status.DRAFT)
        .first()
    )
    return item, (safe_url(item.url) if item else "")


def target_of(token: str) -> str:
    return _item_for(token)[1]


def record_click(token: str, who: str | None, config, now=None) -> str:
    """Count one click; the target URL, or "" when the token or its item is not valid."""
    item, target = _item_for(token)
    if not target:
        return ""
    now = now or timezone.now()
    with transaction.atomic():
        if not ClickCount.objects.filter(item=item).update(clicks=F("clicks") + 1, last_at=now):
            try:
                with transaction.atomic():
                    ClickCount.objects.create(item=item, clicks=1, last_at=now)
            except IntegrityError:  # another request created it first
                ClickCount.objects.filter(item=item).update(clicks=F("clicks") + 1, last_at=now)
        key = read_who_token(who) if (who and config.tracking.per_subscriber) else None
        subscriber = Subscriber.objects.filter(key=key).first() if key else None
        if subscriber is not None:
            Click.objects.create(item=item, subscriber=subscriber, at=now)
    return target


def edition_stats(edition, top: int = 10) -> dict:
    """One edition: messages sent, clicks, and its most-clicked publications."""
    from policypulse.editions.models import EditionItem

    sent = Delivery.objects.filter(edition=edition, status=Delivery.Status.SENT).count()
    items = (
        EditionItem.objects.filter(edition=edition, click_count__clicks__gt=0)
        .select_related("publication__source", "click_count")
        .order_by("-click_count__clicks", "pk")
    )
    total = ClickCount.objects.filter(item__edition=edition).aggregate(n=Sum("clicks"))["n"] or 0
    return {
        "edition": edition.month_key,
        "title": edition.title,
        "sent": sent,
        "clicks": total,
        "publications": [
            {
                "title": item.title,
                "publisher": item.publisher,
                "source": _source_name(item),
                "sector": item.sector,
                "url": item.url,
                "clicks": item.click_count.clicks,
            }
            for item in items[:top]
        ],
    }


def source_stats(editions) -> list[dict]:
    """Each source over these editions: its links, their clicks, and click-through (clicks per
    message sent of the editions it appeared in)."""
    from policypulse.editions.models import EditionItem

    editions = list(editions)
    sent = dict(
        Delivery.objects.filter(edition__in=editions)
        .values("edition")
        .annotate(n=Count("pk", filter=Q(status=Delivery.Status.SENT)))
        .values_list("edition", "n")
    )
    rows: dict[str, dict] = {}
    for item in EditionItem.objects.filter(edition__in=editions).select_related(
        "publication__source", "click_count"
    ):
        row = rows.setdefault(
            _source_name(item),
            {"source": _source_name(item), "items": 0, "clicks": 0, "editions": set()},  # fmt: skip
        )
        row["items"] += 1
        row["editions"].add(item.edition_id)
        count = getattr(item, "click_count", None)
        row["clicks"] += count.clicks if count else 0
    out = []
    for row in rows.values():
        messages = sum(sent.get(pk, 0) for pk in row.pop("editions"))
        row["sent"] = messages
        row["click_through"] = round(row["clicks"] / messages, 4) if messages else 0.0
        out.append(row)
    return sorted(out, key=lambda r: (-r["click_through"], -r["clicks"], r["source"]))


def stats(month=None, last: int = 6) -> dict:
    """What `pulse editions stats` and the editor's page show: one edition (default the
    latest sent) and the sources over the last `last` sent editions up to it."""
    from policypulse.editions.models import Edition
    from policypulse.errors import EditionError

    mailed = Edition.objects.exclude(status=Edition.Status.DRAFT).order_by("-month")
    edition = mailed.filter(month=month).first() if month else mailed.first()
    if edition is None:
        raise EditionError("no approved or sent edition" + (f" for {month:%Y-%m}" if month else ""))
    recent = list(mailed.filter(month__lte=edition.month)[:last])
    return {
        **edition_stats(edition),
        "sources_over": [e.month_key for e in recent],
        "sources": source_stats(recent),
    }


def _source_name(item) -> str:
    source = item.publication.source if item.publication_id else None
    return source.name if source is not None else (item.publisher or "(no source)")
