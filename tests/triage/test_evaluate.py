"""The evaluation report: metrics computed right, the exact schema, gold files checked."""

import json
from pathlib import Path

import pytest

from policypulse.triage.classify import Labels
from policypulse.triage.evaluate import (
    GoldFileError,
    GoldItem,
    class_metrics,
    publisher_group,
    read_gold,
    report,
)


def test_class_metrics_by_hand():
    gold = ["a", "a", "b", "out"]
    predicted = ["a", "b", "b", "out"]
    metrics = class_metrics(gold, predicted)
    assert metrics["accuracy"] == 0.75
    assert metrics["per_class"]["a"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "support": 2,
    }
    assert metrics["per_class"]["b"] == {
        "precision": 0.5,
        "recall": 1.0,
        "f1": 0.6667,
        "support": 1,
    }
    assert metrics["macro_f1"] == round((0.6667 + 0.6667 + 1.0) / 3, 4)
    assert metrics["confusion"]["a"] == {"a": 1, "b": 1, "out": 0}


def test_report_has_exactly_the_documented_schema():
    gold = [GoldItem("1", "t", "p", "x", "children", "report"),
            GoldItem("2", "t", "p", "x", "out", "briefing")]  # fmt: skip
    labels = [Labels("children", "report", 0.9, {"children": 0.8, "out": 0.1}),
              Labels("justice", "report", 0.7, {"justice": 0.6, "out": 0.3})]  # fmt: skip
    result = report(gold, labels)
    assert set(result) == {"n", "sector", "type", "relevance", "errors"}
    for what in ("sector", "type"):
        assert set(result[what]) == {"accuracy", "macro_f1", "per_class", "confusion"}
        for row in result[what]["per_class"].values():
            assert set(row) == {"precision", "recall", "f1", "support"}
    assert set(result["relevance"]) == {"precision", "recall", "f1"}
    assert result["relevance"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667}
    assert result["errors"] == [
        {"id": "2", "gold": "out/briefing", "predicted": "justice/report", "score": 0.6}
    ]
    json.dumps(result)


def test_read_gold_names_the_bad_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"id": "1", "title": "t", "sector": "out", "type": "report"})
                    + "\n" + json.dumps({"id": "2", "title": "t"}) + "\n")  # fmt: skip
    with pytest.raises(GoldFileError, match="line 2: missing sector, type"):
        read_gold(path)
    with pytest.raises(GoldFileError, match="cannot read"):
        read_gold(tmp_path / "missing.jsonl")


def test_uncertainty_is_one_minus_the_gap_between_the_two_likeliest():
    from policypulse.triage.evaluate import uncertainty

    assert uncertainty({"a": 0.5, "b": 0.5, "out": 0.0}) == 1.0
    assert uncertainty({"a": 0.9, "b": 0.05, "out": 0.05}) == 0.15
    assert uncertainty({"a": 1.0}) == 0.0


def _gold(rows):
    return [GoldItem(*row) for row in rows]


CORRECTABLE = [
    ("p1", "Health care for people in prison", "Justice Trust", "Prisoners' GP care.",
     "justice", "report"),
    ("p2", "Mental health nurses in police custody", "NHS", "Detainees assessed.",
     "justice", "report"),
    ("c1", "Children's homes inspection outcomes", "Ofsted", "Homes for children.",
     "children", "briefing"),
    ("o1", "Rail freight statistics", "Rail Office", "Freight trains.", "out", "briefing"),
]  # fmt: skip


def test_corrections_are_taught_before_scoring_and_are_not_scored(embed):
    from policypulse.triage.evaluate import train_and_evaluate
    from policypulse.triage.sector_model import Taxonomy, bundled_examples
    from policypulse.workspace import default_config

    gold = _gold(CORRECTABLE)
    taxonomy = Taxonomy.from_config(default_config())
    result = train_and_evaluate(gold, gold[:2], bundled_examples(), taxonomy, embed)
    assert result["n"] == 2 and result["corrections"] == 2
    assert {e["id"] for e in result["errors"]} <= {"c1", "o1"}
    with pytest.raises(GoldFileError):
        train_and_evaluate(gold, gold, bundled_examples(), taxonomy, embed)


def test_learning_curve_rows_for_each_k_with_the_uncorrected_model_beside(embed):
    from policypulse.triage.evaluate import learning_curve
    from policypulse.triage.sector_model import Taxonomy, bundled_examples
    from policypulse.workspace import default_config

    gold = _gold(CORRECTABLE)
    taxonomy = Taxonomy.from_config(default_config())
    rows = learning_curve(gold, bundled_examples(), taxonomy, embed, ks=(0, 2, 9), repeats=2,
                          order="uncertain")  # fmt: skip
    assert [r["k"] for r in rows] == [0, 2]  # 9 corrections would leave nothing to score
    assert rows[0]["scored"] == 4 and rows[1]["scored"] == 2 and rows[1]["draws"] == 1
    assert rows[0]["sector_macro_f1"] == rows[0]["sector_macro_f1_without"]
    assert 0.0 <= rows[1]["sector_macro_f1"] <= 1.0


def test_read_gold_takes_the_metadata_the_harvester_sees(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps({"id": "a", "title": "T", "sector": "out", "type": "report",
                    "document_type": "Research and analysis", "pages": 84}) + "\n"
    )  # fmt: skip
    (item,) = read_gold(path)
    assert (item.document_type, item.pages) == ("Research and analysis", 84)
    assert item.item().pages == 84 and item.example().pages == 84
    path.write_text(json.dumps({"id": "a", "title": "T", "sector": "out", "type": "report",
                                "pages": "many"}) + "\n")  # fmt: skip
    with pytest.raises(GoldFileError, match="pages"):
        read_gold(path)


def test_publisher_group_drops_mirror_and_via_notes():
    assert publisher_group("Ofsted (via BASW)") == publisher_group("Ofsted") == "ofsted"
    assert publisher_group("Home Office via GovWire") == "home office"


def test_cross_validation_by_publisher_never_trains_on_the_held_out_publisher(embed, monkeypatch):
    """Each fold's model is trained without any item of the publishers it is scored on."""
    from policypulse.triage import evaluate as module
    from policypulse.triage.sector_model import Taxonomy, bundled_examples
    from policypulse.workspace import default_config

    publishers = ["Ofsted", "Ofsted (via BASW)", "Home Office", "NHS England", "Carers Trust",
                  "Home Office via GovWire"]  # fmt: skip
    gold = [GoldItem(f"g{i}", f"Statistics on widgets {i}", p, "", "out",
                     "briefing" if i % 2 else "report") for i, p in enumerate(publishers)]  # fmt: skip
    trained_on, real_train = [], module.train

    def spy(examples, *args, **kwargs):
        trained_on.append({e.ref for e in examples if e.origin == "editor"})
        return real_train(examples, *args, **kwargs)

    monkeypatch.setattr(module, "train", spy)
    result = module.cross_validate(gold, bundled_examples()[:40],
                                   Taxonomy.from_config(default_config()), embed, folds=3,
                                   by_publisher=True)  # fmt: skip
    assert result["n"] == len(gold) and len(trained_on) == 3
    groups = {g.id: publisher_group(g.publisher) for g in gold}
    for refs in trained_on:
        held = {groups[g.id] for g in gold if g.id not in refs}
        assert held and not held & {groups[r] for r in refs}


def test_grouped_folds_keep_a_publisher_together_and_are_near_equal():
    from policypulse.triage.evaluate import grouped_folds, publisher_group

    assert publisher_group("Ofsted (via Wired-Gov)") == publisher_group("Ofsted") == "ofsted"
    publishers = ["A"] * 4 + ["B"] * 3 + ["C (via X)"] * 2 + ["C"] + ["D", "E", "F"]
    gold = [GoldItem(str(i), "t", p, "", "out", "report") for i, p in enumerate(publishers)]
    folds = grouped_folds(gold, 3)
    for name in ("A", "B", "C"):
        assert len({f for f, g in zip(folds, gold, strict=True)
                    if publisher_group(g.publisher) == name.lower()}) == 1  # fmt: skip
    sizes = sorted(folds.count(f) for f in range(3))
    assert sizes[-1] - sizes[0] <= 1 and folds == grouped_folds(gold, 3)


def _spy_on_training(monkeypatch):
    """The real `train`, recording what each call was given."""
    from policypulse.triage import evaluate as evaluation

    calls = []

    def spy(examples, *args, **kwargs):
        calls.append(list(examples))
        return real(examples, *args, **kwargs)

    real = evaluation.train
    monkeypatch.setattr(evaluation, "train", spy)
    return calls


def test_no_item_is_scored_by_a_model_that_learnt_it_as_a_bundled_example(embed, monkeypatch):
    """Bundled examples carry their ids: held_out leaves each fold's items out of training,
    train_and_evaluate leaves every gold item out of the base (a correction is taught once,
    as the editor's)."""
    from policypulse.triage.evaluate import held_out, train_and_evaluate
    from policypulse.triage.sector_model import Taxonomy, bundled_examples
    from policypulse.workspace import default_config

    gold = _gold(CORRECTABLE)
    base = bundled_examples() + [g.example() for g in gold]  # as if they were shipped
    taxonomy = Taxonomy.from_config(default_config())
    calls = _spy_on_training(monkeypatch)
    result = held_out(gold, base, taxonomy, embed, folds=2)
    assert result["n"] == 4 and len(calls) == 2
    learnt = [{e.ref for e in call} for call in calls]
    assert all(len(refs & {g.id for g in gold}) == 2 for refs in learnt)  # the other fold's
    calls.clear()
    train_and_evaluate(gold, gold[:1], base, taxonomy, embed)
    assert [e.ref for e in calls[0] if e.ref in {g.id for g in gold}] == ["p1"]
    assert calls[0][-1].origin == "editor"


def test_least_sure_first_retrains_after_each_correction(embed, monkeypatch):
    """Each correction retrains and re-labels the rest before the next least sure item is
    taken, as the review queue offers them; corrections come from the pool and only they
    are taught."""
    from policypulse.triage.evaluate import learning_curve
    from policypulse.triage.sector_model import Taxonomy, bundled_examples
    from policypulse.workspace import default_config

    gold = _gold(CORRECTABLE)
    taxonomy = Taxonomy.from_config(default_config())
    calls = _spy_on_training(monkeypatch)
    rows = learning_curve(gold, bundled_examples(), taxonomy, embed, ks=(0, 2),
                          order="uncertain")  # fmt: skip
    assert [r["k"] for r in rows] == [0, 2] and rows[1]["scored"] == 2
    assert len(calls) == 3  # the uncorrected model, then one per correction
    taught = [[e.ref for e in call if e.origin == "editor"] for call in calls]
    assert len(taught[0]) == 0 and len(taught[1]) == 1 and taught[2][:1] == taught[1]
    assert len(set(taught[2])) == 2 and set(taught[2]) <= {g.id for g in gold}


def test_held_out_type_items_are_never_learnt_nor_their_twins_nor_their_publishers(
    embed, monkeypatch
):
    """Both labelled sets are bundled: a type-set item held out takes its borderline twin (the
    same page) out of training with it, and every bundled real item of its publisher, in
    either set, so each fold is scored by a model that never saw that publisher's pages."""
    from policypulse.triage.evaluate import REAL_ORIGINS, held_out, read_gold
    from policypulse.triage.sector_model import Taxonomy, bundled_examples
    from policypulse.workspace import default_config

    types = read_gold(Path(__file__).parents[1] / "data" / "triage" / "types.jsonl")
    twin = next(g for g in types if g.id == "hmiprobation-inspecting-small-yos")
    other = next(g for g in types if publisher_group(g.publisher) == "ofsted")
    calls = _spy_on_training(monkeypatch)
    result = held_out([twin, other], bundled_examples(), Taxonomy.from_config(default_config()),
                      embed, folds=2)  # fmt: skip
    assert result["n"] == 2 and len(calls) == 2
    for call in calls:
        refs = {ref for e in call for ref in (e.ref, *e.also)}
        held = [g for g in (twin, other) if g.id not in refs]
        assert len(held) == 1  # the other fold's item is still learnt
        group = publisher_group(held[0].publisher)
        assert not [e.ref for e in call
                    if e.origin in REAL_ORIGINS and publisher_group(e.publisher) == group]  # fmt: skip
