"""The edition as plain values for the templates: built once, shared by every format."""

from __future__ import annotations

from dataclasses import dataclass, field

import markdown
import nh3

from policypulse.editions.compose import Section


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

    @property
    def foreword_html(self) -> str:
        return markdown_to_safe_html(self.foreword_markdown)

    @property
    def item_count(self) -> int:
        return sum(section.count for section in self.sections)


def markdown_to_safe_html(text: str) -> str:
    """Editor's Markdown to HTML, sanitised: the foreword may quote the web."""
    return nh3.clean(
        markdown.markdown(text or ""), tags={"p", "em", "strong", "ul", "ol", "li", "a", "br"}
    )


def edition_view(edition, config, sectors: list[str] | None = None) -> EditionView:
    from policypulse.editions.services import sections_of

    return EditionView(
        title=edition.title,
        masthead=config.organisation.digest_title,
        month_label=edition.month_label,
        month_key=edition.month_key,
        organisation=config.organisation.name,
        contact=config.organisation.contact,
        foreword_markdown=edition.foreword,
        sections=sections_of(edition, config, sectors),
        news=list(edition.news or []),
        base_url=config.site.base_url,
    )
