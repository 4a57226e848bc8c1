"""The evaluation report: metrics computed right, the exact schema, gold files checked."""

import json

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
