"""The dashboard's numbers: the month's funnel by sector, source health, what needs attention."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from policypulse.editions.models import Edition, EditionItem
from policypulse.sources.models import Source
from policypulse.triage.models import TriageLabel
from policypulse.web.review import OUT, month_publications
from policypulse.workspace import Config

STAGES = ("harvested", "relevant", "accepted", "in_edition")
STAGE_LABELS = {
    "harvested": "Harvested",
    "relevant": "Relevant",
    "accepted": "Accepted",
    "in_edition": "In the edition",
}


@dataclass
class FunnelRow:
    key: str
    label: str
    harvested: int = 0
    relevant: int = 0
    accepted: int = 0
    in_edition: int = 0

    def bars(self, scale: int) -> list[tuple[str, str, int, float]]:
        """(stage key, stage label, count, width in per cent of the largest count)."""
        return [
            (stage, STAGE_LABELS[stage], getattr(self, stage),
             round(100 * getattr(self, stage) / scale, 1) if scale else 0.0)
            for stage in STAGES
        ]  # fmt: skip


def funnel(month: datetime.date, config: Config) -> list[FunnelRow]:
    """One row per configured sector, then out-of-scope and untriaged; two queries."""
    counts = (
        month_publications(month)
        .values("label__sector")
        .annotate(
            harvested=Count("id"),
            relevant=Count("id", filter=Q(label__relevant=True)),
            accepted=Count("id", filter=Q(label__decision=TriageLabel.Decision.ACCEPTED)),
        )
    )
    rows = {s.key: FunnelRow(s.key, s.label) for s in config.sectors}
    for entry in counts:
        key = entry["label__sector"]
        key = "untriaged" if key is None else (key or OUT)
        if key not in rows:
            rows[key] = FunnelRow(key, "Untriaged" if key == "untriaged" else "Out of scope")
        row = rows[key]
        row.harvested += entry["harvested"]
        row.relevant += entry["relevant"]
        row.accepted += entry["accepted"]
    in_edition = (
        EditionItem.objects.filter(edition__month=month).values("sector").annotate(n=Count("id"))
    )
    for entry in in_edition:
        if entry["sector"] in rows:
            rows[entry["sector"]].in_edition = entry["n"]
    return list(rows.values())


def source_health() -> list[Source]:
    """Paused sources first, then failing (most consecutive failures first), then never
    fetched, then ok."""
    sources = list(Source.objects.filter(enabled=True))
    order = {"paused": 0, "failing": 1, "new": 2, "ok": 3}
    return sorted(sources, key=lambda s: (order[s.health], -s.consecutive_failures, s.name))


@dataclass
class Attention:
    text: str
    link: str
    count: int = 0


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def attention(month: datetime.date) -> list[Attention]:
    """What still needs the editor this month, most pressing first; empty when all is done."""
    from django.urls import reverse

    candidates = month_publications(month).filter(label__relevant=True)
    stats = candidates.aggregate(
        pending=Count("id", filter=Q(label__decision=TriageLabel.Decision.PENDING)),
        failing=Count(
            "id",
            filter=Q(summary__passed=False) & ~Q(label__decision=TriageLabel.Decision.REJECTED),
        ),
        unsummarised=Count("id", filter=Q(summary__isnull=True)),
    )
    key = month.strftime("%Y-%m")
    queue = reverse("editor:queue")
    items = []
    if stats["pending"]:
        items.append(Attention(_plural(stats["pending"], "item awaits", "items await")
                               + " a decision", f"{queue}?month={key}&status=pending",
                               stats["pending"]))  # fmt: skip
    if stats["failing"]:
        items.append(Attention(_plural(stats["failing"], "summary fails", "summaries fail")
                               + " the figure check", f"{queue}?month={key}",
                               stats["failing"]))  # fmt: skip
    if stats["unsummarised"]:
        items.append(Attention(_plural(stats["unsummarised"], "relevant item has",
                                       "relevant items have")
                               + " no summary yet (run `pulse summarize`)",
                               f"{queue}?month={key}", stats["unsummarised"]))  # fmt: skip
    failing_sources = Source.objects.filter(enabled=True, consecutive_failures__gt=0).count()
    if failing_sources:
        items.append(Attention(_plural(failing_sources, "source is", "sources are") + " failing",
                               "#sources", failing_sources))  # fmt: skip
    edition = Edition.objects.filter(month=month).first()
    editions = reverse("editor:edition", args=[key])
    if edition is None:
        items.append(Attention("the edition is not built yet", editions))
    elif edition.status == Edition.Status.DRAFT:
        if edition.foreword_is_draft:
            items.append(Attention("the foreword is still PolicyPulse's draft", editions))
        items.append(Attention("the edition awaits approval", editions))
    return items
