"""Training the sentence scorer on editors' summaries, and measuring it honestly.

`train_scorer(pairs)` fits the ridge regression of `scorer.py` to (publication, editor summary)
pairs: each eligible source sentence's target is how much of it the editor's summary holds
(mean of ROUGE-1 and ROUGE-2 F1, with stemming), over the best sentence's of the same text.
`cross_validated` summarises every gold item with a scorer trained on the other folds only, so
a figure on the gold the shipped model was trained on is still a held-out figure. `learning_curve` trains on the first k editor summaries
and scores the rest: what a workspace gains as its editor rewrites summaries.

`python -m policypulse.summaries.learning GOLD` rewrites the shipped `scorer_model.json`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from policypulse.summaries.backends import Options, SummaryRequest
from policypulse.summaries.extractive import (
    _head,
    extract,
    sentence_features,
    shortlist,
)
from policypulse.summaries.guard import DEFAULT_OPINION_WORDS
from policypulse.summaries.scorer import MODEL_FILE, SentenceScorer
from policypulse.summaries.text import candidates

ALPHA = 1.0  # ridge penalty: few pairs, correlated features


def rouge_1_2():
    """ROUGE-1 and ROUGE-2 with stemming: what sentence labels and the oracle are scored by."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2"], use_stemmer=True)


def training_rows(
    pairs: list[tuple[SummaryRequest, str]], options: Options
) -> tuple[np.ndarray, np.ndarray]:
    """(features, targets) over every eligible sentence of every pair."""
    rouge = rouge_1_2()
    opinion = tuple(options.opinion_words or DEFAULT_OPINION_WORDS)
    rows, targets = [], []
    for request, summary in pairs:
        found = shortlist(candidates(_head(request.text, options.scan_chars), check=False),
                          request.title)  # fmt: skip
        positions, features = sentence_features(found, request.title, opinion)
        text_of = {c.position: c.text for c in found}
        mine = []
        for position, row in zip(positions, features, strict=True):
            score = rouge.score(summary, text_of[position])
            mine.append((score["rouge1"].fmeasure + score["rouge2"].fmeasure) / 2)
            rows.append(row)
        # Relative to the pair's best sentence: sentences are chosen within one text, and an
        # editor who wrote little of the page's words should not teach that none of it counts
        # (held out: +0.2 ROUGE-1 and ROUGE-2, on the fixed folds and on average over 12
        # shuffles of the gold).
        best = max(mine, default=0.0)
        targets.extend(value / best if best > 0 else 0.0 for value in mine)
    return np.asarray(rows, dtype=float), np.asarray(targets, dtype=float)


def train_scorer(
    pairs: list[tuple[SummaryRequest, str]], options: Options
) -> SentenceScorer | None:
    """A scorer fitted to these pairs; None when they hold no usable sentence."""
    from sklearn.linear_model import Ridge

    rows, targets = training_rows(pairs, options)
    if len(rows) < 2:
        return None
    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = Ridge(alpha=ALPHA).fit((rows - mean) / scale, targets)
    return SentenceScorer(mean.tolist(), scale.tolist(), model.coef_.tolist(),
                          float(model.intercept_), len(pairs))  # fmt: skip


def pair_of(item: dict) -> tuple[SummaryRequest, str]:
    request = SummaryRequest(item.get("title", ""), item["text"], item.get("publisher", ""),
                             item.get("type", "report"))  # fmt: skip
    return request, item["summary"]


def folds_of(n: int, k: int) -> list[list[int]]:
    """k folds of item indices, round robin (deterministic; the gold's order is not sorted by
    anything a fold could exploit)."""
    k = max(2, min(k, n))
    return [list(range(start, n, k)) for start in range(k)]


def cross_validated(items: list[dict], options: Options, folds: int, summarize=None) -> list[str]:
    """Each item's summary, written with a scorer trained on the other folds only.
    `summarize(request, scorer)` may wrap the backend (the services' guard and fallback)."""
    run = summarize or (lambda request, scorer: extract(request, options, scorer).text)
    summaries: list[str | None] = [None] * len(items)
    for held_out in folds_of(len(items), folds):
        seen = [pair_of(items[i]) for i in range(len(items)) if i not in held_out]
        scorer = train_scorer(seen, options)
        for i in held_out:
            summaries[i] = run(pair_of(items[i])[0], scorer)
    return [s or "" for s in summaries]


def learning_curve(
    items: list[dict], options: Options, ks=(0, 10, 30), summarize=None
) -> list[dict]:
    """For each k: train on the first k items (k=0: the hand-made score alone), summarise the
    items after the largest k, and report ROUGE on those same items, so every k is measured on
    the same held-out set."""
    from policypulse.summaries.evaluate import metrics

    run = summarize or (lambda request, scorer: extract(request, options, scorer).text)
    start = max(ks)
    if start >= len(items):
        raise ValueError(f"the largest k ({start}) leaves no item to score among {len(items)}")
    rest = items[start:]
    rows = []
    for k in ks:
        scorer = train_scorer([pair_of(item) for item in items[:k]], options) if k else None
        summaries = [run(pair_of(item)[0], scorer) for item in rest]
        report = metrics(rest, summaries, f"k={k}", options)
        rows.append({"k": k, "scored": len(rest), "rouge1": report["rouge1"],
                     "rouge2": report["rouge2"], "rougeLsum": report["rougeLsum"]})  # fmt: skip
    return rows


def main(argv: list[str]) -> int:
    """Train the shipped scorer on a gold file (all of it) and write it into the package."""
    from policypulse.gold import read_gold_lines

    items = read_gold_lines(Path(argv[0]), ("id", "text", "summary"))
    scorer = train_scorer([pair_of(item) for item in items], Options())
    target = Path(__file__).with_name(MODEL_FILE)
    target.write_text(json.dumps(scorer.to_payload(), indent=1) + "\n")
    print(f"wrote {target.name}: trained on {len(items)} pairs")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
