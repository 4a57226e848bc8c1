"""Triage's pure core: an item's relevance, sector and type from its text and metadata."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from policypulse.workspace import Config

OUT = "out"


@dataclass
class Item:
    title: str
    text: str = ""
    publisher: str = ""
    document_type: str = ""

    def document(self, limit: int = 2000) -> str:
        return f"{self.title}. {self.title}. {self.text[:limit]}"


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


@dataclass
class SectorModel:
    """Sector prototypes: the embedded description (and hints) of each sector."""

    keys: list[str]
    prototypes: np.ndarray
    hints: dict[str, list[str]]
    threshold: float

    @classmethod
    def from_config(cls, config: Config, embed) -> SectorModel:
        texts = [
            f"{sector.label}. {sector.description} {' '.join(sector.include)}"
            for sector in config.sectors
        ]
        return cls(
            keys=config.sector_keys(),
            prototypes=embed(texts),
            hints={s.key: [h.lower() for h in s.include] for s in config.sectors},
            threshold=config.triage.relevance_threshold,
        )


BRIEFING_DOCUMENT_TYPES = {
    "official_statistics", "national_statistics", "statistical_data_set", "statistics",
    "official_statistics_announcement", "transparency",
}  # fmt: skip
REPORT_DOCUMENT_TYPES = {
    "research", "guidance", "independent_report", "corporate_report", "policy_paper",
    "impact_assessment", "evaluation", "consultation_outcome", "statutory_guidance",
}  # fmt: skip
BRIEFING_TITLE_CUES = re.compile(
    r"\b(statistics|statistical|bulletin|annual report|state of|survey|quarterly|"
    r"figures|data release|key findings from the .* survey|in numbers|release)\b",
    re.I,
)
REPORT_TITLE_CUES = re.compile(
    r"\b(evaluation|review|guidance|case stud(y|ies)|research|strategy|response|"
    r"framework|toolkit|evidence|lessons)\b",
    re.I,
)


def classify_type(item: Item) -> tuple[str, str]:
    """Metadata first, then title cues; 'report' when nothing says otherwise."""
    doc_type = item.document_type.lower().replace(" ", "_")
    if doc_type in BRIEFING_DOCUMENT_TYPES:
        return "briefing", f"document type {item.document_type}"
    if doc_type in REPORT_DOCUMENT_TYPES:
        return "report", f"document type {item.document_type}"
    if match := BRIEFING_TITLE_CUES.search(item.title):
        return "briefing", f"title says {match.group(0)!r}"
    if match := REPORT_TITLE_CUES.search(item.title):
        return "report", f"title says {match.group(0)!r}"
    return "report", "default"


def _sigmoid(value: float) -> float:
    return float(1.0 / (1.0 + np.exp(-value)))


def classify(items: list[Item], model: SectorModel, embed) -> list[Labels]:
    """Similarity to sector prototypes, nudged by hint phrases, squashed into a probability."""
    if not items:
        return []
    vectors = embed([item.document() for item in items])
    similarities = vectors @ model.prototypes.T
    labels = []
    for item, row in zip(items, similarities, strict=True):
        lowered = f"{item.title} {item.text[:2000]}".lower()
        scores = {}
        for key, similarity in zip(model.keys, row, strict=True):
            hits = sum(1 for hint in model.hints.get(key, []) if hint in lowered)
            scores[key] = float(similarity) + 0.02 * min(hits, 5)
        best = max(scores, key=scores.get)
        relevance = _sigmoid((scores[best] - 0.30) * 20)
        kind, reason = classify_type(item)
        labels.append(
            Labels(
                sector=best if relevance >= model.threshold else OUT,
                type=kind,
                relevance=round(relevance, 4),
                sector_scores={k: round(v, 4) for k, v in scores.items()},
                type_reason=reason,
            )
        )
    return labels
