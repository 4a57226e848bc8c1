"""Triage speed on 2 cores, and its quality on the data we have.

    .venv/bin/python bench/triage_bench.py [--items 2000] [--cores 2] [--quality] [--curve]

Items are already extracted (title, publisher, up to 6,000 characters of text): the 30
recorded real pages of tests/data/corpus (or the demo corpus), cycled with a number in the
title so no two are identical. Prints items/s, best of 3, for:
  1. the pure core, `classify(items, model, embed)` in batches of 256 (embedding, features,
     sector and type);
  2. the service, `triage(config)` on a throwaway SQLite workspace holding the items
     (reading publications, classifying, writing labels).
With --quality, also the figures on the development corpus: the bundled model on it held out,
leave-one-out with the corpus as editor decisions; and on the borderline set (127 items,
tests/data/triage): the model without the bundled border examples (the figure before they
were bundled) beside the bundled model held out by publisher folds (each fold scored by a
model trained without it); and the type figures with and without the real type examples
(the borderline and type sets bundled for the type model; without them it learns only from
the synthetic seeds, as before): the corpus held out, and the borderline and type sets held
out by publisher folds (no fold scored by a model that learnt any page of its publishers).
With --type-misses, the type error analysis: every item of the borderline and type sets
held out by publisher folds that gets the wrong type, with the path that decided it (a final
rule and its name, or the learned model and the weak rule it agreed with or overruled),
grouped by that path.
With --curve, the borderline learning curve, least sure first,
each correction retraining: per publisher half (the model starts from the other half), and
from the seeds alone; and in random order (3 draws) per publisher half, beside.
Target: at least 200 items/s on 2 cores.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus" / "pages.jsonl"
BORDERLINE = ROOT / "tests" / "data" / "triage" / "borderline.jsonl"
TYPE_SET = ROOT / "tests" / "data" / "triage" / "types.jsonl"
TYPE_SET_HELD_OUT = ROOT / "tests" / "data" / "triage" / "types-held-out.jsonl"


def limit_cores(cores: int) -> None:
    """Before numpy loads: its thread pools and the process's CPU set, both to `cores`."""
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(cores)
    if hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, set(available[:cores]))


def source_rows() -> list[dict]:
    if CORPUS.exists():
        return [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line]
    from importlib import resources

    corpus = json.loads(resources.files("policypulse.demo").joinpath("corpus.json").read_text())
    rows = []
    for p in corpus["publications"]:
        text = " ".join(" ".join(s.get("paragraphs", []) + s.get("bullets", []))
                        for s in p["sections"])  # fmt: skip
        rows.append({"id": p["slug"], "title": p["title"], "publisher": p["publisher"],
                     "text": f"{p['description']} {text}", "sector": p["sector"],
                     "type": p["type"]})  # fmt: skip
    return rows


def best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--type-misses", action="store_true")
    args = parser.parse_args()
    limit_cores(args.cores)

    workspace = Path(tempfile.mkdtemp(prefix="triage-bench-"))
    from policypulse import runtime
    from policypulse.workspace import create_workspace

    create_workspace(workspace)
    runtime.start(workspace)
    from policypulse.catalogue.models import Publication
    from policypulse.triage.classify import Item, classify
    from policypulse.triage.embeddings import get_embedder
    from policypulse.triage.services import default_model_for, triage
    from policypulse.workspace import load_workspace

    config = load_workspace(workspace).config
    rows = source_rows()
    items = [
        Item(f"{row['title']} ({n})", row["text"], row["publisher"])
        for n, row in ((n, rows[n % len(rows)]) for n in range(args.items))
    ]
    embed = get_embedder("wordllama")
    model = default_model_for(config)
    classify(items[:10], model, embed)  # warm up

    def pure():
        for start in range(0, len(items), 256):
            classify(items[start : start + 256], model, embed)

    cpu_started = time.process_time()
    seconds = best_of(3, pure)
    cpu = (time.process_time() - cpu_started) / 3
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"cores: {cores}; load average {load:.1f} (other work slows the wall clock); "
          f"items: {len(items)}; text {sum(len(i.text) for i in items) // len(items)} "
          "characters on average")  # fmt: skip
    print(
        f"classify (pure core):  {len(items) / seconds:8.0f} items/s wall, "
        f"{len(items) / cpu:8.0f} items per CPU-second (all threads)"
    )

    Publication.objects.bulk_create(
        Publication(url=f"https://example.org/{n}", canonical_url=f"https://example.org/{n}",
                    title=item.title, text=item.text, publisher=item.publisher)
        for n, item in enumerate(items)
    )  # fmt: skip
    seconds = best_of(3, lambda: triage(config, model=model))
    print(f"triage (service, DB):  {len(items) / seconds:8.0f} items/s")

    if args.quality:
        quality(rows, embed, config, model)
    if args.curve:
        curve(embed, config)
    if args.type_misses:
        type_misses(embed, config)


def quality(rows, embed, config, model) -> None:
    from policypulse.triage.evaluate import (
        GoldItem,
        cross_validate,
        evaluate,
        held_out,
        read_gold,
        unseen,
    )
    from policypulse.triage.sector_model import TYPES, Taxonomy, bundled_examples, train

    gold = [GoldItem(r["id"], r["title"], r["publisher"], r["text"], r["sector"], r["type"])
            for r in rows]  # fmt: skip
    taxonomy = Taxonomy.from_config(config)
    runs = {
        "held out (bundled model)": evaluate(gold, model, embed),
        "leave-one-out (+ corpus as editor decisions)": cross_validate(
            gold, bundled_examples(), taxonomy, embed, folds=0
        ),
    }
    if BORDERLINE.exists():
        border = read_gold(BORDERLINE)
        seeds = unseen(bundled_examples(), (g.id for g in border))
        runs["borderline: seeds and notes only (before)"] = evaluate(
            border, train(seeds, taxonomy, embed), embed
        )
        runs["borderline: bundled, 5 publisher folds held out"] = held_out(
            border, bundled_examples(), taxonomy, embed, folds=5
        )
    if BORDERLINE.exists() and TYPE_SET.exists():
        base = bundled_examples()
        seeds_only = [dataclasses.replace(e, type=None) if e.origin == "border" else e
                      for e in base if e.origin != TYPES]  # fmt: skip
        types = read_gold(TYPE_SET)
        for label, examples in (("seed types only (before)", seeds_only),
                                ("with real type examples", base)):  # fmt: skip
            runs[f"types: corpus held out, {label}"] = evaluate(
                gold, train(examples, taxonomy, embed), embed
            )
            for name, path_gold in (("borderline", border), ("type set", types)):
                runs[f"types: {name}, 5 publisher folds, {label}"] = held_out(
                    path_gold, examples, taxonomy, embed, folds=5
                )
    if TYPE_SET_HELD_OUT.exists():  # never bundled: the shipped model as it is
        runs["types: second type set (never bundled), bundled model"] = evaluate(
            read_gold(TYPE_SET_HELD_OUT), model, embed
        )
    for name, result in runs.items():
        print(
            f"{name}: n={result['n']} sector acc {result['sector']['accuracy']:.3f} "
            f"macro-F1 {result['sector']['macro_f1']:.3f}; type acc "
            f"{result['type']['accuracy']:.3f}; relevance P {result['relevance']['precision']:.3f}"
            f" R {result['relevance']['recall']:.3f}; errors: "
            + ", ".join(f"{e['id']} {e['gold']}->{e['predicted']}" for e in result["errors"])
        )


def type_misses(embed, config) -> None:
    from policypulse.triage.classify import classify
    from policypulse.triage.evaluate import grouped_folds, publisher_group, read_gold, unseen
    from policypulse.triage.publication_type import type_ruling
    from policypulse.triage.sector_model import Taxonomy, bundled_examples, train

    taxonomy, base = Taxonomy.from_config(config), bundled_examples()
    for name, path in (("borderline", BORDERLINE), ("type set", TYPE_SET)):
        gold = read_gold(path)
        fold_of, labels = grouped_folds(gold, 5), {}
        for fold in range(5):
            held = [g for g, f in zip(gold, fold_of, strict=True) if f == fold]
            publishers = {publisher_group(g.publisher) for g in held}
            model = train(unseen(base, (g.id for g in held), publishers), taxonomy, embed)
            for g, label in zip(held, classify([g.item() for g in held], model, embed),
                                strict=True):  # fmt: skip
                labels[g.id] = label
        misses: dict[str, list[str]] = {}
        for g in gold:
            label = labels[g.id]
            if label.type == g.type:
                continue
            ruling = type_ruling(g.title, g.publisher, g.document_type, g.text, g.pages)
            rule = ruling.rule if ruling else "no rule"
            path = "model" if label.type_reason.startswith("learned") else f"rule: {rule}"
            misses.setdefault(path, []).append(
                f"{g.id} | {g.title[:70]} | gold {g.type}, predicted {label.type} | "
                f"{label.type_reason[:90]}"
            )
        wrong = sum(len(rows) for rows in misses.values())
        print(f"type misses, {name} held out by publisher folds: {wrong} of {len(gold)}")
        for path, rows in sorted(misses.items(), key=lambda item: -len(item[1])):
            print(f"  {path} ({len(rows)}):")
            for row in rows:
                print(f"    {row}")


def curve(embed, config) -> None:
    from policypulse.triage.evaluate import learning_curve, read_gold
    from policypulse.triage.sector_model import Taxonomy, bundled_examples

    border = read_gold(BORDERLINE)
    taxonomy = Taxonomy.from_config(config)
    for folds, order, what in (
        (2, "uncertain", "least sure first, per publisher half"),
        (2, "random", "random order, 3 draws, per publisher half"),
        (1, "uncertain", "least sure first, from the seeds only"),
    ):
        rows = learning_curve(border, bundled_examples(), taxonomy, embed, order=order,
                              folds=folds, repeats=3)  # fmt: skip
        for r in rows:
            print(f"curve ({what}): k={r['k']} scored {r['scored']} sector macro-F1 "
                  f"{r['sector_macro_f1']:.3f} (uncorrected on the same {r['sector_macro_f1_without']:.3f})"
                  f"; relevance P {r['relevance_precision']:.3f} R {r['relevance_recall']:.3f}")  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
