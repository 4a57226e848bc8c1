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
