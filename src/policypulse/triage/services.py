"""Triage service: label every publication the editor has not decided on."""

from __future__ import annotations

from django.utils import timezone

from policypulse.catalogue.models import Publication
from policypulse.triage.classify import Item, SectorModel, classify
from policypulse.triage.embeddings import get_embedder
from policypulse.triage.models import TriageLabel
from policypulse.workspace import Config

MODEL_VERSION = "prototypes-wordllama-1"


def triage(config: Config, *, batch_size: int = 256) -> dict[str, int]:
    """Label publications; editor decisions are never touched. Returns counts by sector."""
    embed = get_embedder("wordllama")
    model = SectorModel.from_config(config, embed)
    pending = Publication.objects.exclude(label__decided_by=TriageLabel.DecidedBy.EDITOR)
    counts: dict[str, int] = {}
    publications = list(pending.only("id", "title", "text", "publisher", "document_type"))
    for start in range(0, len(publications), batch_size):
        batch = publications[start : start + batch_size]
        items = [Item(p.title, _text_for(p), p.publisher, p.document_type) for p in batch]
        for publication, labels in zip(batch, classify(items, model, embed), strict=True):
            TriageLabel.objects.update_or_create(
                publication=publication,
                defaults={
                    "relevant": labels.relevant,
                    "relevance": labels.relevance,
                    "sector": labels.sector,
                    "sector_scores": labels.sector_scores,
                    "type": labels.type,
                    "type_reason": labels.type_reason,
                    "decided_by": TriageLabel.DecidedBy.MODEL,
                    "model_version": MODEL_VERSION,
                    "updated_at": timezone.now(),
                },
            )
            counts[labels.sector] = counts.get(labels.sector, 0) + 1
    return counts


def _text_for(publication: Publication) -> str:
    return publication.text


def record_editor_decision(publication, *, user=None, decision=None, sector=None, type=None):
    """An editor's accept / reject / change of sector or type. Editor labels always win and
    are never overwritten by a later model run; they are also the training data."""
    label, _ = TriageLabel.objects.get_or_create(publication=publication)
    if decision is not None:
        label.decision = decision
        if decision == TriageLabel.Decision.REJECTED:
            label.relevant = False
        elif decision == TriageLabel.Decision.ACCEPTED:
            label.relevant = True
    if sector is not None:
        label.sector = sector
        label.relevant = sector != "out"
    if type is not None:
        label.type = type
    label.decided_by = TriageLabel.DecidedBy.EDITOR
    label.editor = user
    label.updated_at = timezone.now()
    label.save()
    return label
