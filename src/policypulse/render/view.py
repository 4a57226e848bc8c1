"""The edition as plain values for the templates: built once, shared by every format.

`edition_view` loads an edition's sections and passes every harvested string through
render/sanitise.py on the way in, so the formats receive clean text."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from django.conf import settings

from policypulse.editions.compose import Entry, Section, Subsection
from policypulse.editions.services import sections_of
from policypulse.render.sanitise import clean_text, markdown_to_safe_html, one_line, safe_url, slug


@dataclass
class BrandView:
    """The organisation's branding as the formats use it (from pulse.toml's [branding])."""

    name: str
    primary: str = "#1d3557"
    accent: str = "#457b9d"
    logo_url: str = ""
    logo_file: str = ""
    logo_width: int = 160
    contact_lines: list[str] = field(default_factory=list)
    footer_text: str = ""


@dataclass
class EditionView:
    title: str
    masthead: str
    month_label: str
    month_key: str
    organisation: str
    contact: str
    foreword_markdown: str
    sections: list[Section]
    news: list[dict] = field(default_factory=list)
    base_url: str = ""
    branding: BrandView | None = None
    signatory: str = ""
    workspace_root: str = ""

    @property
    def foreword_html(self) -> str:
        return markdown_to_safe_html(self.foreword_markdown)

    @property
    def news_html(self) -> list[dict]:
        """News as [{title, html}]: the body is the editor's Markdown, sanitised."""
        return [
            {"title": one_line(n.get("title")), "html": markdown_to_safe_html(n.get("body", ""))}
            for n in self.news
        ]

    @property
    def item_count(self) -> int:
        return sum(section.count for section in self.sections)

    @property
    def brand(self) -> BrandView:
        return self.branding or BrandView(name=self.organisation)

    @property
    def edition_path(self) -> str:
        """The edition's page in the public archive (root-relative, stable)."""
        return f"/editions/{self.month_key}/"

    @property
    def edition_url(self) -> str:
        """ "View in browser": the archive's page for this edition."""
        return self.base_url + self.edition_path

    def item_path(self, entry: Entry) -> str:
        return f"{self.edition_path}items/{entry.key}-{slug(entry.title)}/"

    def item_url(self, entry: Entry) -> str:
        return self.base_url + self.item_path(entry)

    @property
    def entries(self) -> list[Entry]:
        return [e for section in self.sections for sub in section.subsections for e in sub.entries]

    def restricted_to(self, sectors: list[str] | None) -> EditionView:
        if not sectors:
            return self
        return dataclasses.replace(self, sections=[s for s in self.sections if s.key in sectors])


def _clean_entry(entry: Entry) -> Entry:
    return dataclasses.replace(
        entry,
        title=one_line(entry.title),
        publisher=one_line(entry.publisher),
        summary=clean_text(entry.summary).strip(),
        url=safe_url(entry.url),
    )


def clean_sections(sections: list[Section]) -> list[Section]:
    return [
        Section(
            s.key,
            one_line(s.label),
            [
                Subsection(sub.type, one_line(sub.label), [_clean_entry(e) for e in sub.entries])
                for sub in s.subsections
            ],
        )  # fmt: skip
        for s in sections
    ]


def branding_of(config) -> BrandView:
    brand = getattr(config, "branding", None)
    name = one_line(config.organisation.name)
    if brand is None:
        return BrandView(name=name)
    return BrandView(
        name=name,
        primary=brand.primary_colour,
        accent=brand.accent_colour,
        logo_url=brand.logo_url,
        logo_file=brand.logo_file,
        logo_width=brand.logo_width,
        contact_lines=[one_line(line) for line in brand.contact_lines if line.strip()],
        footer_text=one_line(brand.footer_text),
    )


def edition_view(edition, config, sectors: list[str] | None = None) -> EditionView:
    workspace = getattr(settings, "WORKSPACE", None)
    return EditionView(
        title=one_line(edition.title),
        masthead=one_line(config.organisation.digest_title),
        month_label=edition.month_label,
        month_key=edition.month_key,
        organisation=one_line(config.organisation.name),
        contact=one_line(config.organisation.contact),
        foreword_markdown=clean_text(edition.foreword),
        sections=clean_sections(sections_of(edition, config, sectors)),
        news=[n for n in (edition.news or []) if isinstance(n, dict)],
        base_url=config.site.base_url,
        branding=branding_of(config),
        signatory=one_line(config.organisation.signatory),
        workspace_root=str(workspace.root) if workspace else "",
    )
