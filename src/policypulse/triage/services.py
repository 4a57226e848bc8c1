"""Triage services: label publications, train on editor decisions, explain a label.

Editor decisions always win: a model run only replaces labels decided by the model, with
conditional statements, so a decision made while triage runs is kept too."""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from importlib import resources

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from policypulse.audit.services import actor_user, record
from policypulse.catalogue.models import Publication
from policypulse.errors import PulseError
from policypulse.triage import sector_model
from policypulse.triage.classify import Explanation, Item, classify, explain
from policypulse.triage.embeddings import get_embedder
from policypulse.triage.models import TrainedModel, TriageLabel
from policypulse.triage.sector_model import (
    OUT,
    Taxonomy,
    TrainingExample,
    TriageModel,
    bundled_examples,
    train,
)
from policypulse.workspace import Config

logger = logging.getLogger(__name__)

DEFAULT_MODEL_FILE = "default_model.json"


class TriageError(PulseError):
    """No such publication, nothing to train on, or an editor's change that cannot be made
    (an unknown sector, type or decision)."""


# -- the model in use -----------------------------------------------------------------------


def seeds_fingerprint(taxonomy: Taxonomy) -> str:
    """What the bundled default model was trained from: the seed files and the taxonomy."""
    package = resources.files("policypulse.triage")
    settings = [taxonomy.fingerprint(), sector_model.FORMAT_VERSION, sector_model.TEXT_LIMIT,
                sector_model.REGULARISATION, sector_model.SIMILARITY_SCALE,
                sector_model.NOTE_WEIGHT, sector_model.SETTINGS, sector_model.NOT_SETTINGS,
                sector_model.ORIGIN_WEIGHTS, sector_model.TYPE_WEIGHTS,
                sector_model.RELIABLE_RULE, sector_model.TYPE_REGULARISATIONS,
                sector_model.TYPE_RULES_REGULARISATION]  # fmt: skip
    digest = hashlib.sha256(json.dumps(settings).encode())
    # the type rules and cues, and how the models are fitted, are code: a change to them
    # changes the model
    code = ["publication_type.py", "sector_model.py"]
    for name in [name for name, _ in sector_model.BUNDLED_FILES] + code:
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def default_model(taxonomy_json: str, embedding: str = "wordllama") -> TriageModel:
    """The model trained on the bundled seeds only: read from the wheel when it was built for
    this taxonomy (the default pulse.toml), else trained once per process (a second or two)."""
    taxonomy = Taxonomy(**json.loads(taxonomy_json))
    if embedding == "wordllama":
        bundled = resources.files("policypulse.triage").joinpath(DEFAULT_MODEL_FILE)
        if bundled.is_file():
            data = json.loads(bundled.read_text("utf-8"))
            if data.get("seeds") == seeds_fingerprint(taxonomy):
                return TriageModel.from_payload(data["model"])
    return train(bundled_examples(), taxonomy, get_embedder(embedding))


def _taxonomy_json(taxonomy: Taxonomy) -> str:
    return json.dumps(taxonomy.__dict__, sort_keys=True)


def default_model_for(config: Config) -> TriageModel:
    """The seeds-only model for this configuration's taxonomy (no workspace needed)."""
    return default_model(_taxonomy_json(Taxonomy.from_config(config)), config.triage.embedding)


def editor_examples() -> list[TrainingExample]:
    """Every editor decision as a training example: rejected (or 'out') means out of scope."""
    labels = TriageLabel.objects.filter(decided_by=TriageLabel.DecidedBy.EDITOR).select_related(
        "publication"
    )
    examples = []
    for label in labels.iterator():
        publication = label.publication
        rejected = label.decision == TriageLabel.Decision.REJECTED or not label.relevant
        sector = OUT if rejected or not label.sector else label.sector
        examples.append(
            TrainingExample(
                title=publication.title,
                text=publication.text or publication.description,
                publisher=publication.publisher,
                document_type=publication.document_type,
                sector=sector,
                type=label.type or None,
                origin="editor",
                ref=str(publication.pk),
            )
        )
    return examples


def _decisions_state() -> tuple[int, object]:
    state = TriageLabel.objects.filter(decided_by=TriageLabel.DecidedBy.EDITOR).aggregate(
        count=Count("id"), latest=Max("updated_at")
    )
    return state["count"], state["latest"]


def model_key(config: Config) -> str:
    """Which stored models fit this configuration: same sectors and hints, same embedding,
    same model format (a stored model of another format or embedder is never loaded)."""
    parts = [Taxonomy.from_config(config).fingerprint(), config.triage.embedding,
             sector_model.FORMAT_VERSION]  # fmt: skip
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


def train_model(config: Config) -> TrainedModel:
    """`pulse triage train`: bundled seeds plus every editor decision; stored in the database."""
    taxonomy = Taxonomy.from_config(config)
    count, latest = _decisions_state()
    examples = bundled_examples() + editor_examples()
    model = train(
        examples, taxonomy, get_embedder(config.triage.embedding),
        editor_weight=config.triage.editor_weight,
    )  # fmt: skip
    row = TrainedModel.objects.create(
        version=model.version,
        taxonomy=model_key(config),
        examples=len(examples),
        editor_examples=count,
        decisions_until=latest,
        payload=model.to_payload(),
    )
    logger.info("trained triage model", extra={"version": row.version, "examples": len(examples)})
    return row


def current_model(config: Config) -> TriageModel:
    """The newest trained model for this taxonomy; retrained first when editors have decided
    since (unless retrain_on_decisions is off); the bundled default when nobody has decided."""
    row = TrainedModel.objects.filter(taxonomy=model_key(config)).first()
    count, latest = _decisions_state()
    stale = row is None or (row.editor_examples, row.decisions_until) != (count, latest)
    if row is not None and (not stale or not config.triage.retrain_on_decisions):
        return TriageModel.from_payload(row.payload)
    if count and (row is None or config.triage.retrain_on_decisions):
        return TriageModel.from_payload(train_model(config).payload)
    return default_model_for(config)


# -- labelling ------------------------------------------------------------------------------


def item_for(publication: Publication) -> Item:
    pages = getattr(publication, "pages", None)  # annotated in bulk by triage()
    if pages is None:
        pages = publication.attachments.aggregate(pages=Max("pages"))["pages"]
    return Item(
        publication.title,
        publication.text or publication.description,
        publication.publisher,
        publication.document_type,
        pages or 0,
    )


def triage(config: Config, *, batch_size: int = 256, model: TriageModel | None = None,
           only: list[int] | None = None) -> dict[str, int]:  # fmt: skip
    """Label publications (`only` these ids, e.g. those re-extracted); editor decisions are
    never touched. Returns counts by sector."""
    model = model or current_model(config)
    embed = get_embedder(config.triage.embedding)
    threshold = config.triage.relevance_threshold
    pending = Publication.objects.exclude(label__decided_by=TriageLabel.DecidedBy.EDITOR)
    if only is not None:
        pending = pending.filter(id__in=only)
    fields = ("id", "title", "text", "description", "publisher", "document_type")
    ids = list(pending.values_list("id", flat=True))
    counts: dict[str, int] = {}
    for start in range(0, len(ids), batch_size):
        batch = list(
            Publication.objects.filter(id__in=ids[start : start + batch_size])
            .only(*fields)
            .annotate(pages=Max("attachments__pages"))
        )
        labels = classify([item_for(p) for p in batch], model, embed, threshold)
        _save(batch, labels, model.version)
        for label in labels:
            counts[label.sector] = counts.get(label.sector, 0) + 1
    return counts


SAVED_FIELDS = ("relevant", "relevance", "sector", "sector_scores", "type", "type_reason")


def _save(publications, labels, version: str) -> None:
    """Replace the model's own labels of a batch; never touch an editor's. Two statements per
    batch: a conditional DELETE (rows an editor decided are filtered out in the database) and
    an INSERT that skips any publication that still has a label, so a decision an editor
    makes while triage runs wins too. Model labels are always pending: nothing is lost."""
    now = timezone.now()
    rows = [
        TriageLabel(
            publication_id=publication.pk,
            model_version=version,
            updated_at=now,
            decided_by=TriageLabel.DecidedBy.MODEL,
            **{name: getattr(label, name) for name in SAVED_FIELDS},
        )  # fmt: skip
        for publication, label in zip(publications, labels, strict=True)
    ]
    with transaction.atomic():
        TriageLabel.objects.filter(
            publication_id__in=[row.publication_id for row in rows],
            decided_by=TriageLabel.DecidedBy.MODEL,
        ).delete()
        TriageLabel.objects.bulk_create(rows, ignore_conflicts=True)


def explain_publication(config: Config, publication_id: int) -> tuple[Publication, Explanation]:
    """`pulse triage explain ID`: the model's view of one publication, and who decided."""
    try:
        publication = Publication.objects.get(pk=publication_id)
    except Publication.DoesNotExist:
        raise TriageError(f"no publication with id {publication_id}") from None
    model = current_model(config)
    embed = get_embedder(config.triage.embedding)
    return publication, explain(
        item_for(publication), model, embed, config.triage.relevance_threshold
    )


# -- the editor -----------------------------------------------------------------------------


DECISIONS = ("accepted", "rejected", "pending")


def _label_state(label) -> dict:
    if label is None:
        return {"decision": "pending", "sector": "", "type": ""}
    return {"decision": label.decision, "sector": label.sector, "type": label.type}


def record_editor_decision(publication, *, actor, decision=None, sector=None, type=None):
    """An editor's accept / reject / change of sector or type. Editor labels always win and
    are never overwritten by a later model run; they are also the training data. Each changed
    field is an audit entry naming `actor` (a user, `cli:<OS user>` or `task:<name>`)."""
    change = {"decision": decision, "sector": sector, "type": type}
    with transaction.atomic():
        label, created = TriageLabel.objects.select_for_update().get_or_create(
            publication=publication
        )
        before = _label_state(None if created else label)
        if decision is not None:
            label.decision = decision
            if decision == TriageLabel.Decision.REJECTED:
                label.relevant = False
            elif decision == TriageLabel.Decision.ACCEPTED:
                label.relevant = True
        if sector is not None:
            label.sector = sector
            label.relevant = sector != OUT
        if type is not None:
            label.type = type
        label.decided_by = TriageLabel.DecidedBy.EDITOR
        label.editor = actor_user(actor)
        label.updated_at = timezone.now()
        label.save()
        for field, value in change.items():
            if value is not None:
                record(actor, field, publication, before=before[field], after=value)
    publication.label = label
    return label


def decide(publication, actor, decision: str):
    """Accept, reject or send back to pending: an editor's decision (it trains the triage)."""
    if decision not in DECISIONS:
        raise TriageError(f"unknown decision {decision!r}")
    return record_editor_decision(publication, actor=actor, decision=decision)


def change_sector(publication, actor, sector: str, config: Config):
    if sector not in [*config.sector_keys(), OUT]:
        raise TriageError(f"unknown sector {sector!r}")
    return record_editor_decision(publication, actor=actor, sector=sector)


def change_type(publication, actor, type: str, config: Config):
    if type not in [t.key for t in config.types]:
        raise TriageError(f"unknown type {type!r}")
    return record_editor_decision(publication, actor=actor, type=type)


def write_default_model(path) -> None:
    """Build the bundled default model (run when the seeds or default taxonomy change)."""
    from policypulse.workspace import default_config

    taxonomy = Taxonomy.from_config(default_config())
    model = train(bundled_examples(), taxonomy, get_embedder("wordllama"))
    data = {"seeds": seeds_fingerprint(taxonomy), "model": model.to_payload()}
    path.write_text(json.dumps(data, separators=(",", ":")), "utf-8")
