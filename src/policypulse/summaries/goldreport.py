"""The summaries report on an editor gold, from one run: the lead baseline, the hand-made
extractive score, the learned scorer cross-validated (each pair summarised by a scorer that never
saw it), the same selection with a scorer that knows the answer (each sentence scored by its
ROUGE against the editor's summary: how far a better scorer alone could take it), and the greedy
oracle (the best the source's own sentences can do under the same word budget: what selection
could reach); then the learning curve (trained on the first k pairs, scored on the rest) and a
few summaries side by side with the editor's, drawn with a seed.

    python -m policypulse.summaries.goldreport tests/data/summaries/editor_gold.jsonl [--json]

Every figure comes from the same run of the same code path as `pulse summarize` (the backend,
then the guard and fallback, via `summarize(request, scorer)`), so they can be compared.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from policypulse.summaries.backends import Options
from policypulse.summaries.evaluate import metrics, read_gold
from policypulse.summaries.extractive import _head, extract, lead
from policypulse.summaries.learning import (
    cross_validated,
    learning_curve,
    pair_of,
    rouge_1_2,
    training_rows,
)
from policypulse.summaries.text import candidates, word_count


def oracle(item: dict, options: Options, rouge=None) -> str:
    """The source sentences that together best match the editor's summary (ROUGE-1 + ROUGE-2
    F1), added greedily while the result stays within `max_words`: an upper bound for any
    extract of whole sentences, not a summary anyone could write without the answer."""
    rouge = rouge or rouge_1_2()
    texts = [c.text for c in candidates(_head(item["text"], options.scan_chars), check=False)]
    chosen: list[int] = []
    best = 0.0
    while True:
        pick = None
        for i in range(len(texts)):
            if i in chosen:
                continue
            trial = " ".join(texts[j] for j in sorted([*chosen, i]))
            if word_count(trial) > options.max_words:
                continue
            score = rouge.score(item["summary"], trial)
            value = score["rouge1"].fmeasure + score["rouge2"].fmeasure
            if value > best + 1e-9:
                best, pick = value, i
        if pick is None:
            return " ".join(texts[j] for j in sorted(chosen))
        chosen.append(pick)


class AnswerScorer:
    """A sentence scorer that knows the answer: each eligible sentence's training target (its
    ROUGE against this pair's editor summary, relative to the best sentence's). The learned
    scorer's ceiling under the same opening, filters, budget and compression."""

    def __init__(self, item: dict, options: Options):
        self.values = training_rows([pair_of(item)], options)[1]

    def predict(self, rows):
        if len(rows) != len(self.values):
            raise ValueError("asked about other sentences than the pair's")
        return self.values


def _summary_of(report: dict) -> dict:
    keys = ("backend", "n", "rouge1", "rouge2", "rougeLsum", "within_bounds", "numbers_grounded")
    return {key: report[key] for key in keys} | {"words": report["words"]}


def gold_report(items: list[dict], options: Options, *, folds: int = 5, ks=(0, 10, 30),
                samples: int = 5, seed: int = 14, summarize=None) -> dict:  # fmt: skip
    """Everything the closing note needs, measured together. `summarize(request, scorer)`
    writes one summary (default: the bare extractive backend; the CLI passes the services'
    guard and fallback)."""
    run = summarize or (lambda request, scorer: extract(request, options, scorer).text)
    rouge = rouge_1_2()
    written = {
        "lead": [lead(item["text"], options.max_words) for item in items],
        "extractive": [run(pair_of(item)[0], None) for item in items],
        f"extractive-learned-{folds}fold": cross_validated(items, options, folds, summarize=run),
        "extractive-perfect-scorer": [
            run(pair_of(item)[0], AnswerScorer(item, options)) for item in items
        ],  # fmt: skip
        "oracle": [oracle(item, options, rouge) for item in items],
    }
    reports = {name: metrics(items, summaries, name, options)
               for name, summaries in written.items()}  # fmt: skip
    picked = sorted(random.Random(seed).sample(range(len(items)), min(samples, len(items))))
    learned = f"extractive-learned-{folds}fold"
    side_by_side = [
        {"id": items[i]["id"], "summary_by": items[i].get("summary_by", ""),
         "editor": items[i]["summary"], learned: written[learned][i],
         "rouge1": reports[learned]["items"][i]["rouge1"]}
        for i in picked
    ]  # fmt: skip
    usable = [k for k in ks if k < len(items)]
    return {
        "n": len(items),
        "sectors": _counts(items, "sector"),
        "results": [_summary_of(report) for report in reports.values()],
        "learning_curve": learning_curve(items, options, usable, summarize=run),
        "side_by_side": side_by_side,
        "ungrounded": {
            name: [row["id"] for row in report["items"] if row["ungrounded"]]
            for name, report in reports.items()
            if name != "oracle"
        },  # fmt: skip
    }


def _counts(items: list[dict], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.get(key, "")] = counts.get(item.get(key, ""), 0) + 1
    return dict(sorted(counts.items()))


def render(report: dict) -> str:
    lines = [f"{report['n']} pairs; sectors: "
             + ", ".join(f"{k} {v}" for k, v in report["sectors"].items()), ""]  # fmt: skip
    lines.append(f"{'':32} {'ROUGE-1':>8} {'ROUGE-2':>8} {'R-Lsum':>8} {'words':>6} "
                 f"{'in 70-120':>9} {'grounded':>8}")  # fmt: skip
    for row in report["results"]:
        lines.append(f"{row['backend']:32} {row['rouge1']:8.2f} {row['rouge2']:8.2f} "
                     f"{row['rougeLsum']:8.2f} {row['words']['mean']:6.1f} "
                     f"{row['within_bounds']:9.3f} {row['numbers_grounded']:8.3f}")  # fmt: skip
    lines += ["", "Learning curve (trained on the first k pairs, scored on the rest):"]
    for row in report["learning_curve"]:
        lines.append(f"  k={row['k']:<3} scored {row['scored']}: ROUGE-1 {row['rouge1']:.2f}, "
                     f"ROUGE-2 {row['rouge2']:.2f}")  # fmt: skip
    for pair in report["side_by_side"]:
        learned = next(key for key in pair if key.startswith("extractive-learned"))
        lines += ["", f"{pair['id']} (editor: {pair['summary_by']}; ROUGE-1 {pair['rouge1']})",
                  f"  editor:  {pair['editor']}", f"  learned: {pair[learned]}"]  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    report = gold_report(read_gold(args.gold), Options(), folds=args.folds, seed=args.seed)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
