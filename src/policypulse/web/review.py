"""The review queue: this month's candidates, figure highlighting, and the editor's decisions.

`mark_figures` is the pure part (text in, segments out; the template escapes every segment).
The decision functions call the triage's `record_editor_decision` (so every decision trains the
triage) and write the audit log."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.editions.models import Edition
from policypulse.editions.services import latest_month, month_bounds
from policypulse.errors import PulseError
from policypulse.summaries.guard import FIGURE, check, normalised_figures
from policypulse.summaries.models import Summary
from policypulse.summaries.services import source_text
from policypulse.triage.models import TriageLabel
from policypulse.web import audit
from policypulse.workspace import Config

OUT = "out"
STATUSES = ("pending", "accepted", "rejected")


class ReviewError(PulseError):
    """An editorial change that cannot be made as asked (unknown sector, empty summary)."""


# -- which month ---------------------------------------------------------------------------


def parse_month(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return Edition.parse_month(value)
    except ValueError:
        return None


def current_month(today: datetime.date | None = None) -> datetime.date:
    """The month the editor is working on: the domain's one rule, else today's month."""
    return latest_month(today or timezone.localdate())


def month_publications(month: datetime.date):
    start, end = month_bounds(month)
    return Publication.objects.filter(published__gte=start, published__lt=end)


# -- the queue ------------------------------------------------------------------------------


@dataclass(slots=True)
class QueueRow:
    """One candidate as the queue lists it: plain values, no model instances (2,000 of these
    must load and render in well under 300 ms)."""

    pk: int
    title: str
    publisher: str
    published: datetime.date | None
    relevance: float
    decision: str
    sector: str
    type: str
    summary_state: str  # "ok", "failing" or "missing"

    @classmethod
    def of(cls, publication) -> QueueRow:
        label = getattr(publication, "label", None)
        try:
            summary = publication.summary
        except Summary.DoesNotExist:
            summary = None
        return cls(
            publication.pk, publication.title, publication.publisher, publication.published,
            label.relevance if label else 0.0, label.decision if label else "pending",
            label.sector if label else "", label.type if label else "",
            "missing" if summary is None else ("ok" if summary.passed else "failing"),
        )  # fmt: skip


@dataclass
class QueueGroup:
    sector: str
    sector_label: str
    type: str
    type_label: str
    rows: list[QueueRow] = field(default_factory=list)


QUEUE_FIELDS = (
    "id", "title", "publisher", "published", "label__relevance", "label__decision",
    "label__sector", "label__type", "summary__id", "summary__passed",
)  # fmt: skip


def queue(month: datetime.date, config: Config, *, status: str = "", sector: str = "",
          type: str = "") -> list[QueueGroup]:  # fmt: skip
    """This month's candidates (relevant by the model, or decided by an editor), grouped by
    sector in the configured order, then type, best first. One query, whatever the count."""
    rows = (
        month_publications(month)
        .filter(Q(label__relevant=True) | Q(label__decided_by=TriageLabel.DecidedBy.EDITOR))
        .order_by("-label__relevance", "id")
    )
    if status in STATUSES:
        rows = rows.filter(label__decision=status)
    if sector:
        rows = rows.filter(label__sector=sector)
    if type:
        rows = rows.filter(label__type=type)
    sector_order = {key: i for i, key in enumerate(config.sector_keys())}
    type_order = {t.key: i for i, t in enumerate(config.types)}
    sector_labels = {s.key: s.label for s in config.sectors} | {OUT: "Out of scope"}
    groups: dict[tuple[str, str], QueueGroup] = {}
    for pk, title, publisher, published, relevance, decision, sector_key, type_key, \
            summary_id, passed in rows.values_list(*QUEUE_FIELDS):  # fmt: skip
        key = (sector_key or OUT, type_key or "")
        group = groups.get(key)
        if group is None:
            group = groups[key] = QueueGroup(
                key[0], sector_labels.get(key[0], key[0]), key[1], config.type_label(key[1])
            )
        state = "missing" if summary_id is None else ("ok" if passed else "failing")
        group.rows.append(
            QueueRow(pk, title, publisher, published, relevance, decision, key[0], key[1], state)
        )
    return sorted(
        groups.values(),
        key=lambda g: (
            sector_order.get(g.sector, len(sector_order)),
            g.sector,
            type_order.get(g.type, len(type_order)),
        ),
    )


def load_item(publication_id: int) -> Publication:
    publication = (
        Publication.objects.select_related("label", "summary", "source")
        .prefetch_related("attachments")
        .filter(pk=publication_id)
        .first()
    )
    if publication is None:
        from django.http import Http404

        raise Http404("no such publication")
    return publication


# -- figure highlighting (pure) -------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    text: str
    mark: str = ""  # "", "found" (the figure is in the other text) or "missing"


def _figure_spans(text: str):
    for match in FIGURE.finditer(text):
        written = match.group(0).rstrip()
        if "\n" in written:  # a figure split over lines: not worth a mark across paragraphs
            continue
        pairs = normalised_figures(written)
        if pairs:
            yield match.start(), match.start() + len(written), pairs[0][0]


def figure_set(text: str) -> set[str]:
    return {norm for _, _, norm in _figure_spans(text)}


def _matches(norm: str, wanted: set[str]) -> bool:
    bare = {figure.rstrip("%") for figure in wanted}
    return norm in wanted or (norm.rstrip("%") in bare)


def mark_figures(text: str, other: str, *, mark_missing: bool) -> list[Segment]:
    """Split `text` into segments, marking each figure that also occurs in `other` ("found")
    and, if `mark_missing`, each that does not ("missing"). Plain strings: escape on output."""
    wanted = figure_set(other)
    segments, position = [], 0
    for start, end, norm in _figure_spans(text):
        found = _matches(norm, wanted)
        if not found and not mark_missing:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], "found" if found else "missing"))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments


# -- decisions ------------------------------------------------------------------------------


def _label_state(publication) -> dict:
    label = getattr(publication, "label", None)
    if label is None:
        return {"decision": "pending", "sector": "", "type": ""}
    return {"decision": label.decision, "sector": label.sector, "type": label.type}


def record_editor_decision(publication, **change):
    """The triage's own recorder (imported here, not at the top: the triage service pulls in
    the embedding model's libraries, which the web app needs only when a decision is made)."""
    from policypulse.triage.services import record_editor_decision as record

    return record(publication, **change)


def _refresh_label(publication):
    publication.label = TriageLabel.objects.get(publication=publication)


def _change_label(publication, user, field: str, value: str) -> None:
    """One editor change of the label (decision, sector or type), recorded for the triage to
    learn from and in the audit log, in one transaction."""
    with transaction.atomic():
        before = _label_state(publication)[field]
        record_editor_decision(publication, user=user, **{field: value})
        audit.record(user, field, before=before, after=value, publication=publication)
        _refresh_label(publication)


def decide(publication, user, decision: str):
    if decision not in ("accepted", "rejected", "pending"):
        raise ReviewError(f"unknown decision {decision!r}")
    _change_label(publication, user, "decision", decision)


def change_sector(publication, user, sector: str, config: Config):
    if sector not in [*config.sector_keys(), OUT]:
        raise ReviewError(f"unknown sector {sector!r}")
    _change_label(publication, user, "sector", sector)


def change_type(publication, user, type: str, config: Config):
    if type not in [t.key for t in config.types]:
        raise ReviewError(f"unknown type {type!r}")
    _change_label(publication, user, "type", type)


def edit_summary(publication, user, text: str, config: Config) -> Summary:
    """The editor's words replace the summary; the guard checks them again at once."""
    text = text.strip().replace("\r\n", "\n")
    if not text:
        raise ReviewError("a summary cannot be empty")
    failures = check(
        text,
        source_text(publication),
        min_words=config.summaries.min_words,
        max_words=config.summaries.max_words,
    )
    with transaction.atomic():
        summary = Summary.objects.filter(publication=publication).first()
        before = summary.text if summary else None
        if summary is None:
            summary = Summary(publication=publication, backend="editor")
        summary.text = text
        summary.checks = [f.as_dict() for f in failures]
        summary.passed = not failures
        summary.edited_by_editor = True
        summary.updated_at = timezone.now()
        summary.save()
        audit.record(user, "summary", before=before, after=text, publication=publication)
    publication.summary = summary
    return summary
