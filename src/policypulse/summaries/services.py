"""Summarise every relevant publication without a summary; check each with the guard."""

from __future__ import annotations

from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.summaries.backends import Document, Options, get_backend
from policypulse.summaries.guard import check
from policypulse.summaries.models import Summary
from policypulse.workspace import Config


def source_text(publication: Publication) -> str:
    """What a summary may draw on: the page and its readable attachments."""
    parts = [publication.title, publication.description, publication.text]
    parts += [a.text for a in publication.attachments.all() if a.status == "ok"]
    return "\n\n".join(part for part in parts if part)


def summarize(config: Config, *, force: bool = False) -> int:
    backend = get_backend(config.summaries.backend)
    options = Options(config.summaries.min_words, config.summaries.max_words)
    todo = Publication.objects.filter(label__relevant=True).prefetch_related("attachments")
    if not force:
        todo = todo.filter(summary__isnull=True)
    done = 0
    for publication in todo:
        label = publication.label
        text = source_text(publication)
        document = Document(publication.title, text, publication.publisher, label.type)
        summary = backend.summarize(document, options)
        failures = check(summary, text, min_words=options.min_words, max_words=options.max_words)
        Summary.objects.update_or_create(
            publication=publication,
            defaults={
                "text": summary,
                "backend": backend.name,
                "checks": [f.as_dict() for f in failures],
                "passed": not failures,
                "updated_at": timezone.now(),
            },
        )
        done += 1
    return done
