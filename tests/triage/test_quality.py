"""The quality gate (as trafilatura's eval gate): floors on data the model never trained on.

The bundled model is trained on the seeds only; the development corpus (30 real publications,
out-of-scope ones included) and the demo's fictional corpus are held out. A change that drops
below the floors in eval_baseline.json fails here, not silently."""

import json
from pathlib import Path

from policypulse.triage.evaluate import GoldItem, cross_validate, evaluate
from policypulse.triage.sector_model import Taxonomy, bundled_examples
from policypulse.workspace import default_config

BASELINE = json.loads((Path(__file__).parent / "eval_baseline.json").read_text())


def _gold(pages):
    return [GoldItem(p["id"], p["title"], p["publisher"], p["text"], p["sector"], p["type"])
            for p in pages]  # fmt: skip


def _check(result, floors):
    assert result["sector"]["macro_f1"] >= floors["sector_macro_f1"], result["errors"]
    assert result["type"]["accuracy"] >= floors["type_accuracy"], result["errors"]
    assert result["relevance"]["f1"] >= floors["relevance_f1"], result["errors"]


def test_held_out_real_publications(corpus_pages, default_model, embed):
    _check(evaluate(_gold(corpus_pages), default_model, embed), BASELINE["corpus_held_out"])


def test_held_out_demo_publications(demo_gold, default_model, embed):
    _check(evaluate(demo_gold, default_model, embed), BASELINE["demo_held_out"])


def test_cross_validated_when_the_editor_has_labelled_the_corpus(corpus_pages, embed):
    result = cross_validate(
        _gold(corpus_pages), bundled_examples(), Taxonomy.from_config(default_config()), embed,
        folds=5,
    )  # fmt: skip
    _check(result, BASELINE["corpus_5_fold"])
