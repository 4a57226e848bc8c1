"""The review queue: this month's candidates and figure highlighting (queries and view helpers).

`mark_figures` is the pure part (text in, segments out; the template escapes every segment).
The editor's changes are domain services: decisions, sector and type in triage.services (so
every decision trains the triage), summary edits in summaries.services; both write the audit
log themselves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.editions.services import latest_month
from policypulse.months import month_bounds
from policypulse.summaries.guard import FIGURE, normalised_figures
from policypulse.summaries.models import Summary
from policypulse.triage.evaluate import uncertainty
from policypulse.triage.models import TriageLabel
from policypulse.workspace import Config

OUT = "out"
STATUSES = ("pending", "accepted", "rejected")

# -- which month ---------------------------------------------------------------------------


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
    uncertainty: float = 0.0  # 1 - (top - runner-up probability); 0 once an editor decided
    runner_up: str = ""  # set when the sector and the runner-up are close

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
            *(doubt(label.sector_scores, label.decided_by) if label else (0.0, "")),
        )  # fmt: skip


CLOSE = 0.8  # uncertainty at or above this: the sector and its runner-up are within 0.2


def doubt(scores: dict | None, decided_by: str) -> tuple[float, str]:
    """(uncertainty, runner-up when close) of a model's label; an editor's label is certain."""
    if decided_by == TriageLabel.DecidedBy.EDITOR or not scores:
        return 0.0, ""
    value = uncertainty(scores)
    ranked = sorted(scores, key=scores.get, reverse=True)
    return value, ranked[1] if value >= CLOSE and len(ranked) > 1 else ""


@dataclass
class QueueGroup:
    sector: str
    sector_label: str
    type: str
    type_label: str
    rows: list[QueueRow] = field(default_factory=list)


QUEUE_FIELDS = (
    "id", "title", "publisher", "published", "label__relevance", "label__decision",
    "label__sector", "label__type", "summary__id", "summary__passed", "label__sector_scores",
    "label__decided_by",
)  # fmt: skip
SORTS = ("relevance", "uncertain")


def queue(month: datetime.date, config: Config, *, status: str = "", sector: str = "",
          type: str = "", sort: str = "") -> list[QueueGroup]:  # fmt: skip
    """This month's candidates (relevant by the model, or decided by an editor), grouped by
    sector in the configured order, then type, best first, or with sort="uncertain" the
    model's least sure labels first (an editor's first corrections then teach the most).
    One query, whatever the count."""
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
            summary_id, passed, scores, decided_by in rows.values_list(*QUEUE_FIELDS):  # fmt: skip
        key = (sector_key or OUT, type_key or "")
        group = groups.get(key)
        if group is None:
            group = groups[key] = QueueGroup(
                key[0], sector_labels.get(key[0], key[0]), key[1], config.type_label(key[1])
            )
        state = "missing" if summary_id is None else ("ok" if passed else "failing")
        group.rows.append(
            QueueRow(
                pk,
                title,
                publisher,
                published,
                relevance,
                decision,
                key[0],
                key[1],
                state,
                *doubt(scores, decided_by),
            )  # fmt: skip
        )
    if sort == "uncertain":
        for group in groups.values():
            group.rows.sort(key=lambda row: -row.uncertainty)
    return sorted(
        groups.values(),
        key=lambda g: (
            sector_order.get(g.sector, len(sector_order)),
            g.sector,
            type_order.get(g.type, len(type_order)),
        ),
    )


def load_item(publication_id: int) -> Publication:
    """The publication with what its pane shows, or 404."""
    publication = (
        Publication.objects.select_related("label", "summary", "source")
        .prefetch_related("attachments")
        .filter(pk=publication_id)
        .first()
    )
    if publication is None:
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
