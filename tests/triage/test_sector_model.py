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
    rule_reliability,
    train,
    type_vote,
)
from policypulse.workspace import default_config


def test_bundled_seeds_cover_every_sector_out_of_scope_and_both_types():
    examples = bundled_examples()
    sectors = {e.sector for e in examples}
    assert sectors == {"adult-care", "children", "justice", "out"}
    assert sum(e.sector == "out" for e in examples) >= 30
    for sector in sectors:
        seeds = [e for e in examples if e.sector == sector and e.origin != "border"]
        assert {e.type for e in seeds} == {"report", "briefing"}


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


def test_scope_notes_are_learnt_as_labelled_examples_and_pull_towards_their_sector(embed):
    """The notes are prototypes with labels, not keywords: a note on prison health care moves
    an item about health care for prisoners towards Criminal Justice, and the out-of-scope
    note on apprenticeships moves an apprenticeship item towards out, though neither item
    repeats its note's words."""
    import dataclasses

    taxonomy = Taxonomy.from_config(default_config())
    assert any(taxonomy.notes) and taxonomy.out_notes
    bare = dataclasses.replace(taxonomy, notes=[[] for _ in taxonomy.keys], out_notes=[])
    items = [
        Item("Healthcare for older people in prison: a needs assessment",
             "Older prisoners need help with dementia, mobility and personal care.",
             "Public Health England"),
        Item("Apprenticeship starts among 16 to 18 year olds",
             "Figures on young people starting apprenticeships with employers.",
             "Department for Education"),
    ]  # fmt: skip
    # Without the bundled borderline items: they hold near twins of both items (an older
    # prisoners' needs assessment, apprenticeship figures), which would hide the notes' pull.
    seeds = [e for e in bundled_examples() if e.origin != "border"]
    with_notes = train(seeds, taxonomy, embed, calibrate=False)
    without = train(seeds, bare, embed, calibrate=False)
    assert sum(m["origin"] == "note" for m in with_notes.example_meta) == len(
        taxonomy.scope_notes()
    )
    assert not any(m["origin"] == "note" for m in without.example_meta)
    noted, plain = classify(items, with_notes, embed), classify(items, without, embed)
    assert noted[0].sector_scores["justice"] > plain[0].sector_scores["justice"]
    assert noted[1].sector_scores["out"] > plain[1].sector_scores["out"]


def test_settings_are_found_and_counted_in_title_and_text():
    from policypulse.triage.sector_model import SETTINGS, setting_features, settings_found

    found = settings_found("Mental health nurses in police custody and in hospital wards")
    assert "police custody" in found["justice"] and "hospital" in found["adult-care"]
    assert "children" not in found
    features = setting_features("Care in prisons", "Care in prisons and a care home. Prisons.")
    groups = list(SETTINGS)
    assert len(features) == 3 * len(groups)
    justice = groups.index("justice")
    assert features[justice] > 0  # in the title
    share = features[2 * len(groups) :]
    assert share[justice] > share[groups.index("adult-care")] > 0


def test_a_setting_word_inside_a_name_is_not_that_setting():
    """Longest phrase first: the College of Policing is a police setting, an NHS trust with
    "University" in its name a health one, and the Royal College of Nursing no college at
    all (each was counted as an out-of-scope college or university before)."""
    from policypulse.triage.sector_model import setting_features, settings_found

    assert settings_found("Guidance from the College of Policing") == {
        "justice": ["college of policing"]
    }
    assert "out" not in settings_found("Dorset HealthCare University NHS Foundation Trust")
    assert settings_found("Projects led by the OPCC") == {"justice": ["opcc"]}
    assert settings_found("A Royal College of Nursing survey") == {}
    assert settings_found("Courses at further education colleges") == {
        "out": ["colleges", "further education"]
    }
    assert setting_features("Royal College of Nursing", "Royal College of Nursing") == [0.0] * 12


def test_bundled_border_examples_are_the_borderline_set_with_open_texts_only():
    """The shipped border examples follow the borderline set (same ids, titles, sectors and
    types) and carry a page's text only where its licence lets it be redistributed."""
    from pathlib import Path

    from policypulse.triage.border import OPEN_LICENCES, shippable

    source = Path(__file__).parents[1] / "data" / "triage" / "borderline.jsonl"
    rows = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line]
    shipped = [e for e in bundled_examples() if e.origin == "border"]
    assert [(e.ref, e.title, e.sector, e.type) for e in shipped] == [
        (r["id"], r["title"], r["sector"], r["type"]) for r in rows
    ]
    for row, example in zip(rows, shipped, strict=True):
        assert example.text == shippable(row)["text"]
        assert bool(example.text) == row["licence"].startswith(OPEN_LICENCES)
    assert sum(not e.text for e in shipped) >= 1


def test_bundled_type_examples_are_the_type_set_once_each_with_open_texts_only():
    """The type set ships as type-only examples; a page already in the borderline set (same
    URL) is shipped once, there, and names its twin, so holding out either holds out both."""
    from pathlib import Path

    from policypulse.triage.border import OPEN_LICENCES
    from policypulse.triage.sector_model import TYPES

    data = Path(__file__).parents[1] / "data" / "triage"
    rows = [json.loads(line) for line in (data / "types.jsonl").read_text("utf-8").splitlines()]
    border_urls = {json.loads(line)["url"]: json.loads(line)["id"]
                   for line in (data / "borderline.jsonl").read_text("utf-8").splitlines()}  # fmt: skip
    bundled = bundled_examples()
    shipped = {e.ref: e for e in bundled if e.origin == TYPES}
    twins = {ref: e.ref for e in bundled for ref in e.also}
    assert twins == {"hmiprobation-inspecting-small-yos": "hmiprobation-small-yos-inspection"}
    for row in rows:
        if row["url"] in border_urls:
            assert twins[row["id"]] == border_urls[row["url"]]
            continue
        example = shipped[row["id"]]
        assert (example.title, example.type) == (row["title"], row["type"])
        assert example.document_type == row.get("document_type", "")
        assert bool(example.text) == row["licence"].startswith(OPEN_LICENCES)
    assert len(shipped) == len(rows) - len(twins)


def test_type_only_examples_teach_the_type_model_and_not_the_sector_model(embed):
    """Type-set pages carry no sector: they are fitted by the type model only, and are not
    among the nearest examples that vote on a sector."""
    from policypulse.triage.sector_model import TYPES

    examples = bundled_examples()
    model = train(examples, Taxonomy.from_config(default_config()), embed, calibrate=False)
    typed = sum(1 for e in examples if e.origin == TYPES)
    assert typed >= 100 and model.counts[TYPES] == typed
    assert all(meta["origin"] != TYPES for meta in model.example_meta)
    assert len(model.example_vectors) == len(model.example_meta)


def test_a_weak_rule_s_reliability_is_its_smoothed_share_of_right_verdicts():
    right = [TrainingExample(f"Evaluation of scheme {n}", type="report") for n in range(9)]
    wrong = [TrainingExample("Evaluation Registry launched", type="briefing")]
    settled = [TrainingExample("Anything", document_type="research", type="briefing")]
    examples = right + wrong + settled
    reliability = rule_reliability(examples, np.ones(len(examples)))
    assert reliability == {"report title": (9 + 1) / (10 + 2)}  # the strong rule is not scored


def test_the_type_vote_never_counts_an_example_for_itself():
    vectors = np.eye(3, dtype=np.float32)
    briefing = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    alone = type_vote(vectors[:1], vectors, briefing)[0, 0]
    left_out = type_vote(vectors, vectors, briefing, leave_out_self=True)[0, 0]
    assert alone > 0 > left_out  # the first example is a briefing; its neighbours are not


def test_the_trained_type_model_keeps_its_final_rules_and_combination(default_model, embed):
    """The bundled model: the weak rules that proved reliable are final, the rest weighed by
    the combination, and both survive the round trip."""
    assert "briefing title" in default_model.reliable_rules
    assert "news publisher" not in default_model.reliable_rules
    again = TriageModel.from_payload(json.loads(json.dumps(default_model.to_payload())))
    assert again.reliable_rules == default_model.reliable_rules
    items = [Item("Secure children's home places 'inadequate'", "Young people are being failed, "
                  "research published today has revealed.", "LocalGov")]  # fmt: skip
    before = classify(items, default_model, embed)[0]
    after = classify(items, again, embed)[0]
    assert (before.type, before.type_reason) == (after.type, after.type_reason)
    assert before.type_reason.startswith("learned model")  # the weak text rule is not final
