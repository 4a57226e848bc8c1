"""Measure triage against an editor's gold file: `pulse eval classify --gold FILE.jsonl`.

Gold lines are `{"id", "title", "publisher", "text", "sector", "type"}` with `sector` a sector
key or `out`. The report's shape is fixed (other tools read it):

    {"n", "sector": {"accuracy", "macro_f1", "per_class": {KEY: {"precision", "recall", "f1",
     "support"}}, "confusion"}, "type": {same}, "relevance": {"precision", "recall", "f1"},
     "errors": [{"id", "gold", "predicted", "score"}]}

`confusion` is {gold: {predicted: count}}. `out` is a sector class like any other. Each error
is an item with a wrong sector or type: `gold` and `predicted` read "sector/type", `score` is
the model's probability of the sector it chose. Type is
scored on every item, as the editor labelled it. `cross_validate` measures a model trained on
the gold file itself honestly: each fold is predicted by a model that never saw it."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from policypulse.errors import GoldFileError
from policypulse.gold import read_gold_lines
from policypulse.triage.classify import Item, Labels, classify
from policypulse.triage.sector_model import (
    OUT,
    TYPES,
    Taxonomy,
    TrainingExample,
    publisher_group,
    train,
)

REQUIRED = ("id", "title", "sector", "type")


@dataclass
class GoldItem:
    id: str
    title: str
    publisher: str
    text: str
    sector: str
    type: str
    document_type: str = ""
    pages: int = 0  # the report PDF's page count, where the landing page states it

    def item(self) -> Item:
        return Item(self.title, self.text, self.publisher, self.document_type, self.pages)

    def example(self) -> TrainingExample:
        return TrainingExample(
            self.title, self.text, self.publisher, self.document_type, self.sector, self.type,
            origin="editor", ref=self.id, pages=self.pages,
        )  # fmt: skip


def read_gold(path: Path) -> list[GoldItem]:
    items = []
    for row in read_gold_lines(path, REQUIRED):
        items.append(
            GoldItem(
                id=str(row["id"]),
                title=str(row["title"]),
                publisher=str(row.get("publisher") or ""),
                text=str(row.get("text") or ""),
                sector=str(row["sector"]),
                type=str(row["type"]),
                document_type=str(row.get("document_type") or ""),
                pages=_pages(row.get("pages")),
            )  # fmt: skip
        )
    return items


def _pages(value) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError):
        raise GoldFileError(f"pages must be a whole number, not {value!r}") from None


def class_metrics(gold: list[str], predicted: list[str]) -> dict:
    """Accuracy, macro-F1 over the gold classes, per-class P/R/F1/support and confusion."""
    classes = sorted(set(gold) | set(predicted))
    per_class = {}
    for key in classes:
        true_positive = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p == key)
        predicted_count = predicted.count(key)
        support = gold.count(key)
        precision = true_positive / predicted_count if predicted_count else 0.0
        recall = true_positive / support if support else 0.0
        per_class[key] = {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
            "support": support,
        }
    scored = [key for key in classes if per_class[key]["support"]]
    confusion = {g: {p: 0 for p in classes} for g in classes if gold.count(g)}
    for g, p in zip(gold, predicted, strict=True):
        confusion[g][p] += 1
    correct = sum(1 for g, p in zip(gold, predicted, strict=True) if g == p)
    return {
        "accuracy": round(correct / len(gold), 4) if gold else 0.0,
        "macro_f1": round(sum(per_class[k]["f1"] for k in scored) / len(scored), 4)
        if scored
        else 0.0,
        "per_class": per_class,
        "confusion": confusion,
    }


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def report(gold: list[GoldItem], labels: list[Labels]) -> dict:
    """The evaluation report for predictions `labels` of `gold`, in gold order."""
    sectors = class_metrics([g.sector for g in gold], [lab.sector for lab in labels])
    types = class_metrics([g.type for g in gold], [lab.type for lab in labels])
    gold_relevant = [g.sector != OUT for g in gold]
    predicted_relevant = [lab.sector != OUT for lab in labels]
    true_positive = sum(
        1 for g, p in zip(gold_relevant, predicted_relevant, strict=True) if g and p
    )
    precision = true_positive / sum(predicted_relevant) if any(predicted_relevant) else 0.0
    recall = true_positive / sum(gold_relevant) if any(gold_relevant) else 0.0
    errors = [
        {
            "id": g.id,
            "gold": f"{g.sector}/{g.type}",
            "predicted": f"{lab.sector}/{lab.type}",
            "score": lab.sector_scores.get(lab.sector, 0.0),
        }
        for g, lab in zip(gold, labels, strict=True)
        if g.sector != lab.sector or g.type != lab.type
    ]
    return {
        "n": len(gold),
        "sector": sectors,
        "type": types,
        "relevance": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(_f1(precision, recall), 4),
        },
        "errors": errors,
    }


def evaluate(gold: list[GoldItem], model, embed, threshold: float = 0.5) -> dict:
    """Score a trained model on gold items it was not trained on."""
    return report(gold, classify([g.item() for g in gold], model, embed, threshold))


REAL_ORIGINS = ("border", TYPES)  # bundled examples that are real labelled publications


def unseen(base: list[TrainingExample], ids, publishers=()) -> list[TrainingExample]:
    """`base` without the examples of these ids (or whose twin in another set has one of
    them): the bundled borderline and type-set items are training examples too, and an item
    is never scored by a model that learnt it. With `publishers` (publisher groups), the
    bundled real items of those publishers are left out too, whichever set they are in."""
    ids, publishers = set(ids), set(publishers)
    return [
        example for example in base
        if example.ref not in ids and not ids.intersection(example.also)
        and not (example.origin in REAL_ORIGINS and publisher_group(example.publisher)
                 in publishers)
    ]  # fmt: skip


def overlaps(gold: list[GoldItem], base: list[TrainingExample]) -> bool:
    refs = {ref for example in base for ref in (example.ref, *example.also)}
    return bool({g.id for g in gold} & refs)


def grouped_folds(gold: list[GoldItem], folds: int) -> list[int]:
    """Each item's fold, whole publishers at a time (the largest into the emptiest fold), so
    the folds are near equal in size and the assignment is the same on every run."""
    sizes: dict[str, int] = {}
    for g in gold:
        sizes[publisher_group(g.publisher)] = sizes.get(publisher_group(g.publisher), 0) + 1
    load, fold_of = [0] * folds, {}
    for name in sorted(sizes, key=lambda name: (-sizes[name], name)):
        emptiest = min(range(folds), key=lambda f: (load[f], f))
        fold_of[name] = emptiest
        load[emptiest] += sizes[name]
    return [fold_of[publisher_group(g.publisher)] for g in gold]


def held_out(
    gold: list[GoldItem], base: list[TrainingExample], taxonomy: Taxonomy, embed, *,
    folds: int = 5, threshold: float = 0.5,
) -> dict:  # fmt: skip
    """The bundled model's figure on gold items it ships with, honestly: the gold is split
    into folds by publisher and each fold is scored by a model trained (as the default one
    is, calibrated) on `base` without that fold's items, nor any bundled real item (of
    either labelled set) from that fold's publishers."""
    fold_of = grouped_folds(gold, folds)
    predictions: list[Labels | None] = [None] * len(gold)
    for fold in range(folds):
        held = [i for i in range(len(gold)) if fold_of[i] == fold]
        if not held:
            continue
        publishers = {publisher_group(gold[i].publisher) for i in held}
        model = train(unseen(base, (gold[i].id for i in held), publishers), taxonomy, embed)
        labels = classify([gold[i].item() for i in held], model, embed, threshold)
        for index, label in zip(held, labels, strict=True):
            predictions[index] = label
    return report(gold, predictions)


def cross_validate(
    gold: list[GoldItem], base: list[TrainingExample], taxonomy: Taxonomy, embed, *,
    folds: int = 0, threshold: float = 0.5, by_publisher: bool = False,
) -> dict:  # fmt: skip
    """Train on `base` plus all gold items but one fold, predict that fold; folds=0 is
    leave-one-out. Measures how triage does once an editor has labelled items like these.
    `by_publisher` keeps each publisher's items in one fold, so a fold is scored by a model
    that never saw that publisher (no learning "Ofsted pages are briefings" from its twin),
    nor any bundled real item of that publisher.
    Bundled examples that are gold items are left out of `base` (they are taught, or held)."""
    count = len(gold)
    folds = count if folds <= 0 or folds > count else folds
    base = unseen(base, (g.id for g in gold))
    if by_publisher:
        from sklearn.model_selection import GroupKFold

        groups = [publisher_group(g.publisher) for g in gold]
        folds = min(folds, len(set(groups)))
        splits = [held for _, held in GroupKFold(n_splits=folds).split(gold, groups=groups)]
    else:
        splits = [[i for i in range(count) if i % folds == fold] for fold in range(folds)]
    predictions: list[Labels | None] = [None] * count
    for split in splits:
        held = [int(i) for i in split]
        kept = set(held)
        # by publisher, the held publishers' bundled real items (of either set) are left out
        publishers = {groups[i] for i in held} if by_publisher else ()
        training = unseen(base, (), publishers) + [
            gold[i].example() for i in range(count) if i not in kept
        ]
        model = train(training, taxonomy, embed, calibrate=False)
        labels = classify([gold[i].item() for i in held], model, embed, threshold)
        for index, label in zip(held, labels, strict=True):
            predictions[index] = label
    return report(gold, predictions)


def train_and_evaluate(
    gold: list[GoldItem], corrections: list[GoldItem], base: list[TrainingExample],
    taxonomy: Taxonomy, embed, *, threshold: float = 0.5,
) -> dict:  # fmt: skip
    """The corrections (labelled items, same format) count as editor decisions made before
    scoring the gold; a gold item that is also a correction (same id) is not scored, so a
    file can be split against itself. `corrections` counts the editor examples used.
    Bundled examples that are gold items or corrections are left out of `base`."""
    taught = {c.id for c in corrections}
    scored = [g for g in gold if g.id not in taught]
    if not scored:
        raise GoldFileError("every gold item is also a correction: nothing left to score")
    base = unseen(base, taught | {g.id for g in gold})
    model = train(base + [c.example() for c in corrections], taxonomy, embed)
    result = evaluate(scored, model, embed, threshold)
    result["corrections"] = len(corrections)
    return result


def uncertainty(scores: dict[str, float]) -> float:
    """How unsure a label is: one minus the gap between the two likeliest classes (`out`
    included), so 1.0 is a coin toss and 0.0 is certain."""
    ranked = sorted(scores.values(), reverse=True)
    if len(ranked) < 2:
        return 0.0
    return round(1.0 - (ranked[0] - ranked[1]), 4)


def learning_curve(
    gold: list[GoldItem], base: list[TrainingExample], taxonomy: Taxonomy, embed, *,
    ks: tuple[int, ...] = (0, 10, 20, 40), repeats: int = 5, threshold: float = 0.5,
    order: str = "random", seed: int = 0, folds: int = 1, step: int = 1,
) -> list[dict]:  # fmt: skip
    """Sector, type and relevance after k editor corrections, for each k.

    The gold is one month's pool (or, with `folds` > 1, each fold of it by publisher in
    turn, the model starting from `base` plus the other folds, as the bundled borderline
    items are): the model starts from `base` without the pool's items. With
    `order="uncertain"` the editor corrects the pool's least sure item, the model retrains
    and re-labels the rest, and the editor takes the next least sure, as the review queue's
    uncertainty sort offers them (`step` > 1: that many corrections between retrainings);
    with "random", k items are drawn `repeats` times. The remaining items are scored. `sector_macro_f1_without` scores the uncorrected model on
    the same remaining items: the honest gain, since taking the least sure items out also
    leaves easier ones."""
    import random

    rng = random.Random(seed)
    fold_of = grouped_folds(gold, folds) if folds > 1 else [0] * len(gold)
    pools = [[g for g, f in zip(gold, fold_of, strict=True) if f == fold] for fold in range(folds)]
    ks = tuple(k for k in ks if all(k < len(pool) for pool in pools if pool))
    if not ks:
        return []
    draws = {k: 1 if order == "uncertain" or k == 0 else repeats for k in ks}
    # per k and draw: the scored items, their labels after k corrections, and without
    runs = {k: [([], [], []) for _ in range(draws[k])] for k in ks}
    for pool in pools:
        if not pool:
            continue
        pool_ids = {g.id for g in pool}
        known = {example.ref for example in base}
        others = [dataclasses.replace(g.example(), origin="border") for g in gold
                  if g.id not in pool_ids and g.id not in known]  # fmt: skip
        start = unseen(base, pool_ids) + others
        zero = train(start, taxonomy, embed)
        zero_labels = {g.id: label for g, label in zip(
            pool, classify([g.item() for g in pool], zero, embed, threshold), strict=True)}  # fmt: skip
        if order == "uncertain":
            snapshots = _least_sure_first(pool, start, zero_labels, ks, taxonomy, embed,
                                          threshold, step)  # fmt: skip
        else:
            snapshots = {}
            for k in ks:
                snapshots[k] = []
                for _ in range(draws[k]):
                    chosen = rng.sample(pool, k)
                    snapshots[k].append(_taught(pool, chosen, start, taxonomy, embed, threshold))
        for k in ks:
            for draw, (scored, labels) in enumerate(snapshots[k]):
                run = runs[k][draw]
                run[0].extend(scored)
                run[1].extend(labels)
                run[2].extend(zero_labels[g.id] for g in scored)
    rows = []
    for k in ks:
        results = [report(scored, labels) for scored, labels, _ in runs[k]]
        baselines = [report(scored, without) for scored, _, without in runs[k]]
        rows.append({
            "k": k, "draws": draws[k], "scored": results[0]["n"], "folds": folds,
            "sector_macro_f1": _mean(r["sector"]["macro_f1"] for r in results),
            "sector_macro_f1_without": _mean(b["sector"]["macro_f1"] for b in baselines),
            "sector_accuracy": _mean(r["sector"]["accuracy"] for r in results),
            "type_accuracy": _mean(r["type"]["accuracy"] for r in results),
            "relevance_precision": _mean(r["relevance"]["precision"] for r in results),
            "relevance_recall": _mean(r["relevance"]["recall"] for r in results),
        })  # fmt: skip
    return rows


def _taught(pool, chosen, start, taxonomy, embed, threshold):
    """The pool's other items, labelled by a model taught the chosen ones."""
    taught = {c.id for c in chosen}
    rest = [g for g in pool if g.id not in taught]
    model = train(start + [c.example() for c in chosen], taxonomy, embed)
    return rest, classify([g.item() for g in rest], model, embed, threshold)


def _least_sure_first(pool, start, zero_labels, ks, taxonomy, embed, threshold,
                      step: int = 1) -> dict:  # fmt: skip
    """The editor corrects the pool's `step` least sure items, the model retrains on every
    correction so far and re-labels the rest, and so on. Snapshots (rest, labels) at each k."""
    snapshots: dict[int, list] = {}
    rest, labels = list(pool), [zero_labels[g.id] for g in pool]
    chosen: list[GoldItem] = []
    while True:
        if len(chosen) in ks:
            snapshots[len(chosen)] = [(list(rest), list(labels))]
        if len(chosen) >= max(ks):
            return snapshots
        upcoming = min(k for k in ks if k > len(chosen))
        order = sorted(range(len(rest)), key=lambda i: -uncertainty(labels[i].sector_scores))
        taken = set(order[: min(step, upcoming - len(chosen))])
        chosen += [rest[i] for i in sorted(taken)]
        rest = [g for i, g in enumerate(rest) if i not in taken]
        model = train(start + [c.example() for c in chosen], taxonomy, embed)
        labels = classify([g.item() for g in rest], model, embed, threshold)


def _mean(values) -> float:
    values = list(values)
    return round(sum(values) / len(values), 4)
