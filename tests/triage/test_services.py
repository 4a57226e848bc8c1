"""Triage against the database: labels written, editor decisions kept, training on them."""

import pytest

from policypulse.catalogue.models import Publication
from policypulse.triage import services
from policypulse.triage.models import TrainedModel, TriageLabel
from policypulse.workspace import default_config

pytestmark = pytest.mark.django_db

ITEMS = [
    ("Waiting times for adult social care assessments", "Councils took longer to assess older "
     "people and carers for home care and care home places.", "Care Research Trust"),
    ("Foster carers leaving the profession", "Fostering services lost carers; looked-after "
     "children moved placements more often.", "Children's Policy Unit"),
    ("Violence against prison officers", "Assaults on staff in prisons rose; probation "
     "caseloads grew.", "Justice Analysis Centre"),
    ("Container port throughput statistics", "Tonnes of freight handled at sea ports and "
     "shipping movements.", "Department for Shipping"),
]  # fmt: skip


@pytest.fixture
def publications():
    return [
        Publication.objects.create(
            url=f"https://example.org/{n}",
            canonical_url=f"https://example.org/{n}",
            title=title,
            text=text,
            publisher=publisher,
        )  # fmt: skip
        for n, (title, text, publisher) in enumerate(ITEMS)
    ]


def test_triage_labels_every_publication(publications):
    counts = services.triage(default_config())
    assert counts == {"adult-care": 1, "children": 1, "justice": 1, "out": 1}
    labels = {label.publication.title: label for label in TriageLabel.objects.all()}
    assert labels[ITEMS[2][0]].sector == "justice" and labels[ITEMS[2][0]].relevant
    assert not labels[ITEMS[3][0]].relevant
    assert labels[ITEMS[0][0]].decided_by == "model"
    assert labels[ITEMS[0][0]].model_version
    assert labels[ITEMS[0][0]].type_reason


def test_editor_decisions_are_never_overwritten(publications):
    config = default_config()
    services.triage(config)
    port = publications[3]
    services.record_editor_decision(
        port, actor="cli:test", decision="accepted", sector="justice", type="briefing"
    )
    services.triage(config)
    services.train_model(config)
    services.triage(config)
    label = TriageLabel.objects.get(publication=port)
    assert (label.sector, label.type, label.decided_by) == ("justice", "briefing", "editor")
    assert label.relevant


def test_a_model_run_does_not_clobber_a_decision_made_while_it_ran(publications):
    config = default_config()
    model = services.current_model(config)
    from policypulse.triage.classify import classify
    from policypulse.triage.embeddings import get_embedder

    batch = list(Publication.objects.all())
    labels = classify([services.item_for(p) for p in batch], model, get_embedder("wordllama"))
    services.record_editor_decision(
        publications[0], actor="cli:test", decision="rejected"
    )  # arrives mid-run
    services._save(batch, labels, model.version)
    label = TriageLabel.objects.get(publication=publications[0])
    assert (label.decided_by, label.relevant) == ("editor", False)


def test_editor_decisions_train_the_model_and_stale_models_retrain(publications):
    config = default_config()
    assert services.current_model(config).counts.get("editor", 0) == 0
    services.record_editor_decision(publications[1], actor="cli:test", decision="rejected")
    model = services.current_model(config)  # stale: retrained with the decision
    assert model.counts["editor"] == 1
    assert TrainedModel.objects.count() == 1
    assert services.editor_examples()[0].sector == "out"
    services.current_model(config)
    assert TrainedModel.objects.count() == 1  # not stale: reused


def test_explain_names_hints_and_neighbours(publications):
    publication, why = services.explain_publication(default_config(), publications[2].pk)
    assert publication == publications[2]
    assert why.labels.sector == "justice"
    assert "prisons" in why.hints["justice"]["include"]
    assert len(why.neighbours) == 5
    assert why.neighbours[0]["similarity"] >= why.neighbours[-1]["similarity"]
    with pytest.raises(services.TriageError, match="no publication with id 999"):
        services.explain_publication(default_config(), 999)


def test_without_automatic_retraining_only_train_picks_up_decisions(publications):
    config = default_config().model_copy(deep=True)
    config.triage.retrain_on_decisions = False
    services.train_model(config)
    services.record_editor_decision(publications[3], actor="cli:test", decision="rejected")
    assert services.current_model(config).counts.get("editor", 0) == 0
    services.train_model(config)
    assert services.current_model(config).counts["editor"] == 1


def test_out_of_scope_hints_are_explained():
    publication = Publication.objects.create(
        url="https://example.org/rail", canonical_url="https://example.org/rail",
        title="Rail freight and exports", text="Freight trains carried more goods to ports.",
    )  # fmt: skip
    _, why = services.explain_publication(default_config(), publication.pk)
    assert why.labels.sector == "out"
    assert why.labels.relevance < 0.5
    assert why.hints["out"]["include"] == ["rail", "exports"]


def test_the_report_pdf_page_count_reaches_the_type_rules(
    publications, django_assert_max_num_queries
):
    from policypulse.catalogue.models import Attachment

    quarterly, plain = publications[0], publications[1]
    Publication.objects.filter(pk=quarterly.pk).update(title="Quarterly figures on home care")
    Attachment.objects.create(publication=quarterly, url="https://example.org/r.pdf", pages=90)
    Attachment.objects.create(publication=quarterly, url="https://example.org/a.pdf", pages=2)
    services.triage(default_config())
    label = TriageLabel.objects.get(publication=quarterly)
    assert (label.type, label.type_reason) == ("report", "its PDF has 90 pages")
    assert "pages" not in TriageLabel.objects.get(publication=plain).type_reason
    assert services.item_for(Publication.objects.get(pk=quarterly.pk)).pages == 90
