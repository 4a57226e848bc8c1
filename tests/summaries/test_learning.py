"""The learned sentence scorer: trained on editors' summaries, measured on pairs it never saw,
and a workspace's own editor summaries becoming its training data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policypulse.catalogue.models import Publication
from policypulse.summaries import learning
from policypulse.summaries.backends import Options
from policypulse.summaries.models import Summary
from policypulse.summaries.scorer import (
    MIN_PAIRS,
    SentenceScorer,
    default_scorer,
    shipped_scorer,
)
from policypulse.summaries.services import workspace_scorer
from policypulse.triage.models import TriageLabel
from tests.clitools import pulse

GOLD = Path(__file__).parents[1] / "data" / "summaries" / "editor_gold.jsonl"


def _gold() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text().splitlines()]


def test_cross_validation_summarises_each_item_with_a_scorer_that_never_saw_it(monkeypatch):
    items = _gold()
    trained_on: list[set[str]] = []
    real = learning.train_scorer

    def spy(pairs, options):
        trained_on.append({request.title for request, _ in pairs})
        return real(pairs, options)

    monkeypatch.setattr(learning, "train_scorer", spy)
    used = {}

    def run(request, scorer):
        used[request.title] = (len(trained_on) - 1, scorer)
        return "x"

    summaries = learning.cross_validated(items, Options(), 3, summarize=run)
    assert summaries == ["x"] * len(items) and len(trained_on) == 3
    folds = learning.folds_of(len(items), 3)
    assert sorted(i for fold in folds for i in fold) == list(range(len(items)))
    for title, (fold, scorer) in used.items():
        assert title not in trained_on[fold]
        assert scorer.trained_on == len(trained_on[fold]) == len(items) - len(folds[fold])


def test_scorer_payload_round_trips_and_another_format_is_refused():
    scorer = learning.train_scorer([learning.pair_of(item) for item in _gold()[:4]], Options())
    payload = scorer.to_payload()
    assert SentenceScorer.from_payload(json.loads(json.dumps(payload))) == scorer
    assert SentenceScorer.from_payload({**payload, "format": 0}) is None
    assert SentenceScorer.from_payload({**payload, "features": ["heuristic"]}) is None


def test_the_shipped_scorer_is_trained_on_the_gold_and_used_only_once_there_is_enough():
    shipped = shipped_scorer()
    assert shipped is not None and shipped.trained_on == len(_gold())
    assert default_scorer() is (shipped if shipped.trained_on >= MIN_PAIRS else None)


def test_learning_curve_measures_every_k_on_the_same_held_out_items():
    rows = learning.learning_curve(_gold(), Options(), ks=(0, 3, 6))
    assert [row["k"] for row in rows] == [0, 3, 6]
    assert {row["scored"] for row in rows} == {len(_gold()) - 6}
    assert all(0 < row["rouge1"] < 100 for row in rows)
    with pytest.raises(ValueError):
        learning.learning_curve(_gold(), Options(), ks=(0, len(_gold())))


@pytest.mark.django_db
def test_editors_summaries_become_the_workspace_scorers_training_data(config):
    for item in _gold():
        publication = Publication.objects.create(
            url=f"https://example.org/{item['id']}", canonical_url=f"https://example.org/{item['id']}",
            title=item["title"], publisher=item["publisher"], text=item["text"],
        )  # fmt: skip
        TriageLabel.objects.create(publication=publication, relevant=True, type=item["type"])
        Summary.objects.create(publication=publication, text=item["summary"], backend="editor",
                               edited_by_editor=True)  # fmt: skip
    options = Options()
    assert workspace_scorer(options, min_pairs=len(_gold()) + 1) is default_scorer()
    learned = workspace_scorer(options, min_pairs=5)
    assert learned is not None and learned.trained_on == len(_gold())
    assert learned == learning.train_scorer([learning.pair_of(i) for i in _gold()], options)
    Summary.objects.filter(edited_by_editor=True).first().delete()
    assert workspace_scorer(options, min_pairs=5).trained_on == len(_gold()) - 1


def test_eval_summarize_cross_validates_beside_lead(tmp_path):
    result = pulse("eval", "summarize", "--gold", str(GOLD), "--json", "--baseline", "lead",
                   "--folds", "3", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["backend"] == "extractive-learned-3fold" and report["n"] == len(_gold())
    assert report["baseline"]["backend"] == "lead"
    assert report["numbers_grounded"] == 1 and report["words"]["max"] <= 120


def test_each_texts_best_sentence_is_the_target_scale():
    """Targets are relative to the best sentence of the same text: an editor who kept few of
    a page's words still says which of its sentences matter most."""
    items = _gold()[:4]
    pairs = [learning.pair_of(item) for item in items]
    _, targets = learning.training_rows(pairs, Options())
    assert targets.max() == pytest.approx(1.0) and targets.min() >= 0.0
    for pair in pairs:
        _, alone = learning.training_rows([pair], Options())
        assert alone.max() == pytest.approx(1.0)  # every text has a best sentence at 1
