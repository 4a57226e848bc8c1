"""Triage's pure core: an item's relevance, sector and type from its text and metadata.

`classify(items, model, embed, threshold)` -> one `Labels` per item; `explain(item, ...)` says
why: the probabilities, the type rule that fired, matching hint phrases, the settings found,
the nearest scope notes and the nearest labelled examples."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from policypulse.triage.publication_type import BRIEFING, REPORT, type_ruling
from policypulse.triage.sector_model import (
    OUT,
    TEXT_LIMIT,
    Encoded,
    TriageModel,
    cue_columns,
    encode,
    settings_found,
    type_vote,
)


@dataclass
class Item:
    title: str
    text: str = ""
    publisher: str = ""
    document_type: str = ""
    pages: int = 0  # the report PDF's page count, 0 when none


@dataclass
class Labels:
    sector: str
    type: str
    relevance: float
    sector_scores: dict[str, float] = field(default_factory=dict)
    type_reason: str = ""

    @property
    def relevant(self) -> bool:
        return self.sector != OUT


def classify_type(item: Item, learned: float | None = None,
                  reliable: tuple[str, ...] | list[str] = ()) -> tuple[str, str]:  # fmt: skip
    """The publisher's own word first (metadata, what the page calls itself), and a weak
    rule (title, publisher, text cues) among the `reliable` ones, which proved right at
    least RELIABLE_RULE of the time in training; then the learned model (`learned`: its
    probability of "briefing"), which weighs the other weak rules as evidence; without a
    model, the first weak rule; 'report' when nothing says otherwise."""
    ruling = type_ruling(item.title, item.publisher, item.document_type, item.text, item.pages)
    if ruling and (ruling.strong or ruling.rule in reliable):
        return ruling.type, ruling.reason
    if learned is not None:
        kind = BRIEFING if learned >= 0.5 else REPORT
        reason = f"learned model (P(briefing) = {learned:.2f})"
        if ruling:
            verb = "agrees with" if ruling.type == kind else "overrules"
            reason += f"; {verb} the rule: {ruling.reason}"
        return kind, reason
    if ruling:
        return ruling.type, ruling.reason
    return REPORT, "default"


def classify(items: list[Item], model: TriageModel, embed, threshold: float = 0.5) -> list[Labels]:
    """Relevance = 1 - P(out); in scope when it reaches the threshold, then the likeliest
    sector. sector_scores holds every class's probability, `out` included."""
    if not items:
        return []
    encoded = encode(items, model.taxonomy, model.prototypes, embed)
    return labels_from(items, encoded, model, threshold)


def labels_from(items: list[Item], encoded: Encoded, model: TriageModel, threshold: float):
    probabilities = model.sector_probabilities(encoded)
    classes = model.sector.classes
    briefing = _briefing_probabilities(encoded, model)
    labels = []
    for index, item in enumerate(items):
        row = dict(zip(classes, (float(p) for p in probabilities[index]), strict=True))
        relevance = 1.0 - row.get(OUT, 0.0)
        in_scope = {k: v for k, v in row.items() if k != OUT}
        best = max(in_scope, key=in_scope.get) if in_scope else OUT
        learned = None if briefing is None else float(briefing[index])
        kind, reason = classify_type(item, learned, model.reliable_rules)
        labels.append(
            Labels(
                sector=best if relevance >= threshold else OUT,
                type=kind,
                relevance=round(relevance, 4),
                sector_scores={k: round(v, 4) for k, v in row.items()},
                type_reason=reason[:300],
            )
        )
    return labels


def _briefing_probabilities(encoded: Encoded, model: TriageModel):
    if model.type is None:
        return None
    if model.type_rules is not None:
        # The model's logit beside the weak rule that fired, as reliable as each proved.
        features = encoded.type_features
        vote = type_vote(encoded.body, model.type_vectors, model.type_briefing)
        inputs = np.hstack([model.type.logits(features), vote, cue_columns(features)])
        probabilities = model.type_rules.probabilities(inputs)
        return probabilities[:, model.type_rules.classes.index("briefing")]
    probabilities = model.type.probabilities(encoded.type_features)
    briefing = np.clip(probabilities[:, model.type.classes.index("briefing")], 1e-6, 1 - 1e-6)
    # The model was fitted with balanced classes (prior 0.5); move it to the prior of the
    # items it is asked about, those no strong rule settles.
    rate = model.fallthrough_briefing_rate
    odds = briefing / (1 - briefing) * rate / (1 - rate)
    return odds / (1 + odds)


@dataclass
class Explanation:
    labels: Labels
    hints: dict[str, dict[str, list[str]]]
    neighbours: list[dict]
    model_version: str
    notes: list[dict] = field(default_factory=list)  # the nearest scope notes
    settings: dict[str, list[str]] = field(default_factory=dict)  # setting phrases, per class


def explain(item: Item, model: TriageModel, embed, threshold: float = 0.5, *,
            neighbours: int = 5) -> Explanation:  # fmt: skip
    """Why an item landed where it did: the nearest labelled examples by cosine similarity of
    their embeddings, and the hint phrases of each sector found in its title and text."""
    encoded = encode([item], model.taxonomy, model.prototypes, embed)
    labels = labels_from([item], encoded, model, threshold)[0]
    similarities = model.example_vectors @ encoded.body[0]
    examples = [i for i, meta in enumerate(model.example_meta) if meta["origin"] != "note"]
    notes = [i for i, meta in enumerate(model.example_meta) if meta["origin"] == "note"]

    def nearest(indices: list[int], count: int) -> list[dict]:
        ranked = sorted(indices, key=lambda i: -similarities[i])[:count]
        return [{**model.example_meta[i], "similarity": round(float(similarities[i]), 3)}
                for i in ranked]  # fmt: skip

    hints = {k: v for k, v in encoded.hints[0].items() if v["include"] or v["exclude"]}
    text = f"{item.title} {item.publisher} {item.text[:TEXT_LIMIT]}"
    return Explanation(labels, hints, nearest(examples, neighbours), model.version,
                       notes=nearest(notes, 3), settings=settings_found(text))  # fmt: skip
