"""Summarise every relevant publication without a summary; check each with the guard.

The flow for one publication (`produce`, no database): the configured backend writes a draft;
the llm backend checks its own drafts and retries once with the failures named, then gives up;
a backend that gives up is replaced by the extractive summary; the final text goes through the
guard, and every failure (the final text's in `checks`, refused drafts' in `rejected`) is kept
for the editor. `summarize` loads, runs `produce` (in parallel for the llm backend), and saves.
An editor's summary is never overwritten, not even with --force.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Sum
from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.summaries import prompts
from policypulse.summaries.backends import Backend, Document, Options, SummaryError, get_backend
from policypulse.summaries.extractive import extract
from policypulse.summaries.guard import DEFAULT_OPINION_WORDS, Failure, check
from policypulse.summaries.models import LlmUsage, Summary
from policypulse.workspace import Config

logger = logging.getLogger(__name__)


@dataclass
class Produced:
    text: str
    backend: str
    failures: list[Failure]
    rejected: list[dict] = field(default_factory=list)
    usage: object | None = None  # llm.Usage when a model was asked


def source_text(publication: Publication) -> str:
    """What a summary may draw on: the metadata, the page, the report's executive summary or
    key findings (found by the harvester, so it comes early), then its readable attachments."""
    parts = [publication.publisher, publication.title, publication.description, publication.text]
    parts.append(publication.key_text)
    parts += [a.text for a in publication.attachments.all() if a.status == "ok"]
    return "\n\n".join(part for part in parts if part)


def options_from(config: Config) -> Options:
    settings = config.summaries
    return Options(
        min_words=settings.min_words,
        max_words=settings.max_words,
        target_words=settings.target_words,
        opinion_words=tuple(settings.opinion_words),
    )


def workspace_examples(limit: int) -> list[prompts.Example]:
    """Few-shot examples: the editors' own summaries, newest first, then the bundled ones."""
    if limit == 0:
        return []
    edited = (
        Summary.objects.filter(edited_by_editor=True)
        .select_related("publication")
        .order_by("-updated_at")[:limit]
    )
    examples = [prompts.Example(s.publication.publisher, s.publication.title, s.text)
                for s in edited]  # fmt: skip
    return (examples + prompts.bundled_examples())[:limit]


def make_backend(
    config: Config, name: str | None = None, *, sleep: Callable[[float], None] = time.sleep
) -> Backend:
    """The backend called `name` (default: the configured one), built from pulse.toml."""
    settings = config.summaries
    name = name or settings.backend
    if name != "llm":
        return get_backend(name)
    return get_backend(
        "llm",
        model=settings.llm_model,
        examples=workspace_examples(settings.llm_examples),
        retries=settings.llm_retries,
        backoff_seconds=settings.llm_backoff_seconds,
        temperature=settings.llm_temperature,
        max_source_chars=settings.llm_max_source_chars,
        sleep=sleep,
    )


def produce(document: Document, source: str, backend: Backend, options: Options) -> Produced:
    """One summary, checked, with the extractive fallback. Pure apart from the model call."""
    notes: list[str] = []
    rejected: list[dict] = []
    text, name = None, backend.name
    try:
        if backend.name == "extractive":
            result = extract(document, options)
            text, notes = result.text, result.notes
        else:
            text = backend.summarize(document, options)
    except SummaryError as exc:
        logger.info("falling back to the extractive summary", extra={"reason": str(exc)})
        if not exc.failures:  # the model could not be reached: say so to the editor
            rejected.append({"backend": backend.name, "text": "", "checks": [
                {"rule": "error", "span": "", "message": str(exc)}]})  # fmt: skip
    usage = backend.last_usage() if hasattr(backend, "last_usage") else None
    if usage is not None:
        rejected = list(usage.drafts) + rejected
    if text is None:
        result = extract(document, options)
        text, notes, name = result.text, result.notes, "extractive"
    failures = check(
        text,
        source,
        min_words=options.min_words,
        max_words=options.max_words,
        opinion_words=options.opinion_words or DEFAULT_OPINION_WORDS,
    )
    failures += [Failure("source", "", note) for note in notes]
    return Produced(text, name, failures, rejected, usage)


def summarize(
    config: Config, *, force: bool = False, sleep: Callable[[float], None] = time.sleep
) -> int:
    """Summarise relevant publications (all of them with `force`, except editors' summaries).
    Returns how many summaries were written."""
    backend = make_backend(config, sleep=sleep)
    options = options_from(config)
    todo = Publication.objects.filter(label__relevant=True).prefetch_related("attachments")
    todo = todo.select_related("label")
    if force:
        todo = todo.exclude(summary__edited_by_editor=True)
    else:
        todo = todo.filter(summary__isnull=True)
    jobs = []
    for publication in todo:
        document = Document(
            publication.title, _document_text(publication), publication.publisher,
            publication.label.type,
        )  # fmt: skip
        jobs.append((publication, document, source_text(publication)))
    workers = config.summaries.llm_concurrency if backend.name == "llm" else 1
    done = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [
            (publication, pool.submit(produce, document, source, backend, options))
            for publication, document, source in jobs
        ]
        for publication, future in futures:
            produced = future.result()
            if _save(publication, produced, config):
                done += 1
    return done


def _document_text(publication: Publication) -> str:
    """The page's text, then its readable attachments: the report PDF often holds the
    key findings the landing page only introduces."""
    parts = [publication.description, publication.text]
    parts += [a.text for a in publication.attachments.all() if a.status == "ok"]
    return "\n\n".join(part for part in parts if part)


def _save(publication: Publication, produced: Produced, config: Config) -> bool:
    if produced.usage is not None:
        record_usage(publication, produced.usage, config)
    if Summary.objects.filter(publication=publication, edited_by_editor=True).exists():
        return False  # an editor edited it while we worked: theirs stands
    Summary.objects.update_or_create(
        publication=publication,
        defaults={
            "text": produced.text,
            "backend": produced.backend,
            "checks": [f.as_dict() for f in produced.failures],
            "passed": not produced.failures,
            "rejected": produced.rejected,
            "updated_at": timezone.now(),
        },
    )
    return True


def edition_month(publication: Publication) -> str:
    """The edition a publication belongs to: the month it was published, else this month."""
    day = publication.published or timezone.localdate()
    return f"{day.year:04d}-{day.month:02d}"


def record_usage(publication: Publication | None, usage, config: Config) -> LlmUsage:
    settings = config.summaries
    cost = (
        Decimal(usage.input_tokens) * Decimal(str(settings.llm_input_cost_per_million))
        + Decimal(usage.output_tokens) * Decimal(str(settings.llm_output_cost_per_million))
    ) / Decimal(1_000_000)
    return LlmUsage.objects.create(
        publication=publication,
        edition_month=edition_month(publication) if publication else "",
        model=usage.model,
        calls=usage.calls,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        cost=cost,
        outcome=usage.outcome,
    )


def usage_by_edition() -> list[dict]:
    """Tokens and cost per edition month and model, newest first."""
    rows = (
        LlmUsage.objects.values("edition_month", "model")
        .annotate(
            summaries=Count("id"),
            calls=Sum("calls"),
            input_tokens=Sum("input_tokens"),
            output_tokens=Sum("output_tokens"),
            cost=Sum("cost"),
        )
        .order_by("-edition_month", "model")
    )
    return list(rows)
