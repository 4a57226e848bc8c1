"""Harvest: sources in, publications stored. One failing source never stops the others."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from policypulse.catalogue.models import Attachment, Publication
from policypulse.catalogue.urls import canonical_url
from policypulse.errors import ExtractError, FetchError, PulseError
from policypulse.harvest.extract import PDF_MAGIC, content_hash, extract_html, extract_pdf
from policypulse.harvest.fetch import Fetcher
from policypulse.sources.adapters import Entry, adapter_for
from policypulse.sources.models import Source
from policypulse.workspace import Config

log = logging.getLogger(__name__)


@dataclass
class SourceReport:
    source: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def sync_sources(config: Config) -> None:
    """Make the Source table agree with pulse.toml's [[sources]] (hand-added ones stay)."""
    for declared in config.sources:
        Source.objects.update_or_create(
            name=declared.name,
            defaults={
                "url": declared.url,
                "kind": declared.kind,
                "publisher": declared.publisher,
                "selector": declared.selector,
                "from_config": True,
            },
        )


def harvest(config: Config, *, only: str | None = None, fetcher: Fetcher | None = None,
            on_entry=None) -> list[SourceReport]:  # fmt: skip
    sync_sources(config)
    sources = Source.objects.filter(enabled=True).exclude(kind=Source.Kind.MANUAL)
    if only:
        sources = sources.filter(name=only)
        if not sources:
            raise PulseError(f"no source named {only!r}; see `pulse sources list`")
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(config.harvest)
    try:
        return [harvest_source(source, fetcher, config, on_entry=on_entry) for source in sources]
    finally:
        if own_fetcher:
            fetcher.close()


def harvest_source(source: Source, fetcher: Fetcher, config: Config, on_entry=None) -> SourceReport:
    report = SourceReport(source.name)
    started = time.monotonic()
    try:
        entries = adapter_for(source.kind).discover(source, fetcher)
    except PulseError as exc:
        source.record_failure(str(exc))
        source.save()
        report.errors.append(str(exc))
        report.seconds = time.monotonic() - started
        log.warning("source failed", extra={"source": source.name, "error": str(exc)})
        return report
    for entry in entries or []:
        try:
            outcome = store_entry(source, entry, fetcher, config)
            setattr(report, outcome, getattr(report, outcome) + 1)
        except PulseError as exc:
            report.errors.append(f"{entry.url}: {exc}")
        if on_entry:
            on_entry(source, entry)
    source.record_success()
    source.save()
    report.seconds = time.monotonic() - started
    return report


def store_entry(source: Source, entry: Entry, fetcher: Fetcher, config: Config) -> str:
    """Fetch, extract and store one entry: 'new', 'updated' or 'unchanged'."""
    key = canonical_url(entry.url)
    existing = Publication.objects.filter(canonical_url=key).first()
    if existing and not _entry_changed(existing, entry):
        return "unchanged"
    response = fetcher.get(entry.url)
    pdf = None
    if response.body.startswith(PDF_MAGIC) or response.content_type == "application/pdf":
        pdf = extract_pdf(response.body)
        if pdf.status != "ok":
            raise ExtractError(f"the PDF is {pdf.status}: {pdf.error}")
        page = None
        title, text, kind = entry.title or pdf.title, pdf.text, Publication.Kind.PDF
    else:
        page = extract_html(response.body, response.url, response.content_type)
        title, text, kind = entry.title or page.title, page.text, Publication.Kind.HTML
    values = {
        "source": source,
        "url": entry.url,
        "title": title[:1000],
        "publisher": source.publisher or (page.publisher if page else ""),
        "published": entry.published or (page.published if page else None),
        "kind": kind,
        "authors": page.authors if page else [],
        "description": entry.summary or (page.description if page else ""),
        "text": text,
        "content_hash": content_hash(text),
        "updated_at": timezone.now(),
    }
    attachments = []
    if page and config.harvest.follow_pdfs:
        for link, label in page.pdf_links[:3]:
            attachments.append(_fetch_attachment(fetcher, link, label))
    with transaction.atomic():
        if existing:
            outcome = "updated" if existing.content_hash != values["content_hash"] else "unchanged"
            for name, value in values.items():
                setattr(existing, name, value)
            existing.save()
            publication = existing
        else:
            publication = Publication.objects.create(canonical_url=key, **values)
            outcome = "new"
        for attachment in attachments:
            Attachment.objects.update_or_create(
                publication=publication, url=attachment["url"], defaults=attachment
            )
    return outcome


def _entry_changed(existing: Publication, entry: Entry) -> bool:
    return bool(entry.published and existing.published and entry.published > existing.published)


def _fetch_attachment(fetcher: Fetcher, url: str, label: str) -> dict:
    values = {"url": url, "title": label[:1000], "media_type": "application/pdf"}
    try:
        response = fetcher.get(url)
    except FetchError as exc:
        status = Attachment.Status.TOO_LARGE if "limit" in str(exc) else Attachment.Status.ERROR
        return {**values, "status": status, "error": str(exc), "text": "", "pages": 0}
    pdf = extract_pdf(response.body)
    return {
        **values,
        "status": pdf.status,
        "error": pdf.error,
        "text": pdf.text,
        "pages": len(pdf.pages),
        "title": (label or pdf.title)[:1000],
    }
