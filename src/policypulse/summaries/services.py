"""Summarise every relevant publication without a summary; check each with the guard.

The flow for one publication (`produce`, no database): the configured backend writes a draft;
the llm backend checks its own drafts and retries once with the failures named, then gives up;
a backend that gives up (raises `SummaryError`) is replaced by the fallback backend's summary
(the extractive one); the final text goes through the guard, and every failure (the final
text's in `checks`, refused drafts' in `rejected`) is kept for the editor. `summarize` loads, runs `produce` (in parallel for the llm backend), and saves.
An editor's summary is never overwritten, not even with --force.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.utils import timezone

from policypulse.audit.services import record
from policypulse.catalogue.models import Publication
from policypulse.summaries import prompts, registry
from policypulse.summaries.backends import Backend, Options, SummaryError, SummaryRequest, Usage
from policypulse.summaries.guard import DEFAULT_OPINION_WORDS, Failure, check
from policypulse.summaries.models import LlmUsage, Summary
from policypulse.summaries.scorer import MIN_PAIRS, SentenceScorer, default_scorer
from policypulse.workspace import Config

logger = logging.getLogger(__name__)


@dataclass
class Produced:
    text: str
    backend: str
    failures: list[Failure]
    rejected: list[dict] = field(default_factory=list)
    usage: Usage | None = None  # when a model was asked


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


def workspace_examples(limit: int) -> list[prompts.SummaryExample]:
    """Few-shot examples: the editors' own summaries, newest first, then the bundled ones."""
    if limit == 0:
        return []
    edited = (
        Summary.objects.filter(edited_by_editor=True)
        .select_related("publication")
        .order_by("-updated_at")[:limit]
    )
    examples = [prompts.SummaryExample(s.publication.publisher, s.publication.title, s.text)
                for s in edited]  # fmt: skip
    return (examples + prompts.bundled_examples())[:limit]


def editor_pairs() -> list[tuple[SummaryRequest, str]]:
    """(publication, the editor's summary) for every summary an editor wrote, oldest first:
    the workspace's own training data for the sentence scorer, as decisions are for triage."""
    edited = (
        Summary.objects.filter(edited_by_editor=True)
        .select_related("publication", "publication__label")
        .prefetch_related("publication__attachments")
    )
    pairs = []
    for summary in edited.order_by("updated_at", "pk"):
        publication = summary.publication
        label = getattr(publication, "label", None)
        request = SummaryRequest(
            publication.title,
            _document_text(publication),
            publication.publisher,
            label.type if label else "report",
        )
        pairs.append((request, summary.text))
    return pairs  # fmt: skip


_SCORERS: dict[tuple, SentenceScorer | None] = {}


def workspace_scorer(options: Options, min_pairs: int = MIN_PAIRS) -> SentenceScorer | None:
    """The sentence scorer for this workspace: trained on its editors' summaries once there
    are `min_pairs` of them (retrained when one changes), else the shipped default."""
    state = Summary.objects.filter(edited_by_editor=True).aggregate(
        count=Count("id"), latest=Max("updated_at"))  # fmt: skip
    if state["count"] < min_pairs:
        return default_scorer()
    key = (state["count"], state["latest"], min_pairs)
    if key not in _SCORERS:
        from policypulse.summaries.learning import train_scorer

        _SCORERS.clear()
        _SCORERS[key] = train_scorer(editor_pairs(), options) or default_scorer()
    return _SCORERS[key]


def make_backend(
    config: Config, name: str | None = None, *, sleep: Callable[[float], None] = time.sleep
) -> Backend:
    """The backend called `name` (default: the configured one), built from pulse.toml; the
    extractive one chooses sentences with the workspace's scorer."""
    settings = config.summaries
    name = name or settings.backend
    if name == registry.FALLBACK:
        return registry.backend_class(name)(workspace_scorer(options_from(config)))
    return registry.from_settings(name, settings, examples=workspace_examples, sleep=sleep)


def produce(
    request: SummaryRequest,
    source: str,
    backend: Backend,
    options: Options,
    fallback: Backend | None = None,
) -> Produced:
    """One summary, checked; if the backend gives up, the fallback's summary stands in (the
    registry's, by default). Pure apart from the model call."""
    try:
        draft = backend.summarize(request, options)
    except SummaryError as exc:
        logger.info("falling back", extra={"backend": backend.name, "reason": str(exc)})
        draft = (fallback or registry.fallback()).summarize(request, options)
        draft.rejected = exc.rejected + draft.rejected
        if not exc.failures:  # the backend could not even answer: say so to the editor
            draft.rejected.append({"backend": backend.name, "text": "", "checks": [
                {"rule": "error", "span": "", "message": str(exc)}]})  # fmt: skip
        draft.usage = draft.usage or exc.usage
    failures = check(
        draft.text,
        source,
        min_words=options.min_words,
        max_words=options.max_words,
        opinion_words=options.opinion_words or DEFAULT_OPINION_WORDS,
    )
    failures += [Failure("source", "", note) for note in draft.notes]
    return Produced(draft.text, draft.backend, failures, draft.rejected, draft.usage)


def summarize(
    config: Config,
    *,
    force: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    only: list[int] | None = None,
) -> int:
    """Summarise relevant publications (all of them with `force`, except editors' summaries;
    `only` these ids, e.g. those re-extracted). Returns how many summaries were written."""
    backend = make_backend(config, sleep=sleep)
    options = options_from(config)
    todo = Publication.objects.filter(label__relevant=True).prefetch_related("attachments")
    if only is not None:
        todo = todo.filter(id__in=only)
    todo = todo.select_related("label")
    if force:
        todo = todo.exclude(summary__edited_by_editor=True)
    else:
        todo = todo.filter(summary__isnull=True)
    jobs = []
    for publication in todo:
        request = SummaryRequest(
            publication.title, _document_text(publication), publication.publisher,
            publication.label.type,
        )  # fmt: skip
        jobs.append((publication, request, source_text(publication)))
    done = 0
    with ThreadPoolExecutor(max_workers=backend.concurrency) as pool:
        futures = [
            (publication, pool.submit(produce, request, source, backend, options))
            for publication, request, source in jobs
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


def edit_summary(publication: Publication, actor, text: str, config: Config) -> Summary:
    """An editor's words replace the summary: checked by the guard at once, never overwritten
    by a later run, and audited with `actor` (a user, `cli:<OS user>` or `task:<name>`)."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise SummaryError("a summary cannot be empty")
    failures = check(
        text,
        source_text(publication),
        min_words=config.summaries.min_words,
        max_words=config.summaries.max_words,
    )
    with transaction.atomic():
        summary = Summary.objects.select_for_update().filter(publication=publication).first()
        before = summary.text if summary else None
        if summary is None:
            summary = Summary(publication=publication, backend="editor")
        summary.text = text
        summary.checks = [f.as_dict() for f in failures]
        summary.passed = not failures
        summary.edited_by_editor = True
        summary.updated_at = timezone.now()
        summary.save()
        if before != text:
            record(actor, "summary", publication, before=before, after=text)
    publication.summary = summary
    return summary


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
