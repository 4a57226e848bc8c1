"""Composition's pure core: accepted items into sections, sectors in the configured order,
Reports before Briefings, empty sub-headings left out."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPE_ORDER = ("report", "briefing")


@dataclass
class Entry:
    key: int
    sector: str
    type: str
    title: str
    publisher: str
    url: str
    summary: str
    published: object = None
    order: int = 0

    @property
    def heading(self) -> str:
        return f"{self.publisher}. {self.title}" if self.publisher else self.title


@dataclass
class Subsection:
    type: str
    label: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Section:
    key: str
    label: str
    subsections: list[Subsection] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(s.entries) for s in self.subsections)


def compose(entries: list[Entry], sectors: list[tuple[str, str]],
            types: list[tuple[str, str]]) -> list[Section]:  # fmt: skip
    """`sectors` and `types` are (key, label) pairs in display order."""
    type_labels = dict(types)
    type_order = [key for key, _ in types] or list(TYPE_ORDER)
    sections = []
    for key, label in sectors:
        section = Section(key, label)
        for kind in type_order:
            chosen = [e for e in entries if e.sector == key and e.type == kind]
            if chosen:
                chosen.sort(key=lambda e: (e.order, e.publisher.lower(), e.title.lower()))
                section.subsections.append(Subsection(kind, type_labels.get(kind, kind), chosen))
        if section.subsections:
            sections.append(section)
    return sections


_THEME_STOPWORD_TEXT = (
    "a an and the of in on for to with by from at as its their this that is are be or how what "
    "why who report review evaluation statistics annual state england wales uk national update "
    "findings study analysis summary briefing final interim year years new data 2024 2025 2026 "
    "2027 services service people"
)
_THEME_STOPWORDS = frozenset(_THEME_STOPWORD_TEXT.split())


def main_themes(titles: list[str], limit: int = 4) -> list[str]:
    """The words that recur across a sector's titles: a hint of the month's themes."""
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    for title in titles:
        for word in dict.fromkeys(w.strip(".,:;()'’\"").lower() for w in title.split()):
            if len(word) > 3 and word not in _THEME_STOPWORDS and not word.isdigit():
                counts[word] = counts.get(word, 0) + 1
                first_seen.setdefault(word, len(first_seen))
    ranked = sorted(counts, key=lambda w: (-counts[w], first_seen[w]))
    return ranked[:limit]
