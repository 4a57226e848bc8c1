"""The learned model: trains, round-trips as plain numbers, learns what it is taught."""

import json

import numpy as np

from policypulse.triage.classify import Item, classify
from policypulse.triage.sector_model import (
    Taxonomy,
    TrainingExample,
    TriageModel,
    bundled_examples,
    encode,
    train,
)
from policypulse.workspace import default_config


def test_bundled_seeds_cover_every_sector_out_of_scope_and_both_types():
    examples = bundled_examples()
    sectors = {e.sector for e in examples}
    assert sectors == {"adult-care", "children", "justice", "out"}
    assert sum(e.sector == "out" for e in examples) >= 30
    for sector in sectors:
        assert {e.type for e in examples if e.sector == sector} == {"report", "briefing"}


def test_payload_round_trip_gives_the_same_probabilities(default_model, embed):
    payload = json.loads(json.dumps(default_model.to_payload()))
    again = TriageModel.from_payload(payload)
    items = [Item("Respite for unpaid carers of people with dementia", "A survey of carers.")]
    encoded = encode(items, again.taxonomy, again.prototypes, embed)
    assert np.allclose(
        default_model.sector_probabilities(encoded), again.sector_probabilities(encoded)
    )
    assert again.version == default_model.version
    assert again.taxonomy == default_model.taxonomy
    assert "farming" in again.taxonomy.out_of_scope


def test_hints_match_whole_words_only():
    taxonomy = Taxonomy(["children"], ["Children"], [["send"]], [[]])
    assert taxonomy.matching_hints("Support under SEND reforms")["children"]["include"] == ["send"]
    assert taxonomy.matching_hints("Sending letters")["children"]["include"] == []


def test_probabilities_sum_to_one_and_relevance_is_one_minus_out(default_model, embed):
    labels = classify(
        [Item("Prison officers' pay and staffing", "Staff shortages in prisons."),
         Item("Wheat yields and fertiliser prices", "Harvest statistics for farms.")],
        default_model, embed,
    )  # fmt: skip
    for label in labels:
        assert abs(sum(label.sector_scores.values()) - 1) < 1e-3
        assert abs(label.relevance - (1 - label.sector_scores["out"])) < 1e-3
    assert labels[0].sector == "justice"
    assert labels[1].sector == "out"


def test_a_new_sector_is_learned_from_an_editors_examples(embed):
    config = default_config().model_copy(deep=True)
    from policypulse.workspace import Sector

    config.sectors.append(
        Sector(key="libraries", label="Public Libraries",
               description="Public libraries, librarians, book lending and reading schemes.")
    )  # fmt: skip
    taught = [
        TrainingExample(f"{topic} in public libraries", f"How library services handle {topic}.",
                sector="libraries", type="report", origin="editor")
        for topic in ("Book lending", "Volunteer librarians", "Reading schemes", "Opening hours",
                      "Mobile library vans", "Digital loans")
    ]  # fmt: skip
    model = train(bundled_examples() + taught, Taxonomy.from_config(config), embed)
    label = classify([Item("Branch library closures and book loans", "Library visits fell.")],
                     model, embed)[0]  # fmt: skip
    assert label.sector == "libraries"
    assert model.counts["editor"] == 6


def test_the_bundled_default_model_is_up_to_date_with_the_seeds():
    """Else every process would retrain it: regenerate with services.write_default_model."""
    from importlib import resources

    from policypulse.triage.services import DEFAULT_MODEL_FILE, seeds_fingerprint

    bundled = json.loads(
        resources.files("policypulse.triage").joinpath(DEFAULT_MODEL_FILE).read_text("utf-8")
    )
    assert bundled["seeds"] == seeds_fingerprint(Taxonomy.from_config(default_config()))
