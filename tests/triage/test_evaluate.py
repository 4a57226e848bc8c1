"""The evaluation report: metrics computed right, the exact schema, gold files checked."""

import json

import pytest

from policypulse.triage.classify import Labels
from policypulse.triage.evaluate import GoldFileError, GoldItem, class_metrics, read_gold, report


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
