"""The edition as plain values for the templates: built once, shared by every format.

Everything harvested is untrusted: `clean_text` drops control and bidirectional-override
characters here, once, so no format can be spoofed by them; each format then escapes for
itself (Jinja autoescape, XML in DOCX, the feed generator)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import markdown
import nh3

from policypulse.editions.compose import Entry, Section, Subsection

# C0/C1 controls (but tab and newline), bidi embeddings/overrides/isolates, the BOM, and
# U+E000, the private-use character render/email.py's placeholders are made of.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff\ue000]")
_SAFE_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "br"}


def clean_text(value: object) -> str:
    """Untrusted text without the characters that reorder or hide what a reader sees."""
    return _UNSAFE.sub("", str(value or ""))


def one_line(value: object) -> str:
    """For headers and titles: clean, and all whitespace (newlines too) folded to spaces."""
    return " ".join(clean_text(value).split())


def safe_url(value: object) -> str:
    """An http(s) link or nothing: no javascript:, data: or relative links from the web."""
    url = one_line(value)
    return url if url.lower().startswith(("http://", "https://")) else ""


def slug(value: str, length: int = 60) -> str:
    """An ASCII slug for permalinks; the id before it keeps the link stable if it changes."""
    from django.utils.text import slugify

    return slugify(value)[:length].strip("-") or "item"


def markdown_to_safe_html(text: str) -> str:
    """Editor's Markdown to HTML, sanitised: the foreword may quote the web."""
    return nh3.clean(markdown.markdown(clean_text(text)), tags=_SAFE_TAGS)


@dataclass
class Branding:
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
    branding: Branding | None = None
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
    def brand(self) -> Branding:
        return self.branding or Branding(name=self.organisation)

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


def branding_of(config) -> Branding:
    brand = getattr(config, "branding", None)
    name = one_line(config.organisation.name)
    if brand is None:
        return Branding(name=name)
    return Branding(
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
    from django.conf import settings

    from policypulse.editions.services import sections_of

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


# -- sanitised HTML to plain blocks (for the text and DOCX formats) ------------------------


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass
class Block:
    """A paragraph or list item of the sanitised foreword / news."""

    runs: list[Run] = field(default_factory=list)
    bullet: bool = False

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


class _Blocks(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.bold = self.italic = 0
        self.href = ""
        self.current: Block | None = None

    def _block(self, bullet: bool = False) -> Block:
        if self.current is None:
            self.current = Block(bullet=bullet)
            self.blocks.append(self.current)
        return self.current

    def handle_starttag(self, tag, attrs):
        if tag in ("p", "li"):
            self.current = None
            self._block(bullet=tag == "li")
        elif tag == "strong":
            self.bold += 1
        elif tag == "em":
            self.italic += 1
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""
        elif tag == "br":
            self._block().runs.append(Run("\n"))

    def handle_endtag(self, tag):
        if tag in ("p", "li", "ul", "ol"):
            self.current = None
        elif tag == "strong":
            self.bold = max(0, self.bold - 1)
        elif tag == "em":
            self.italic = max(0, self.italic - 1)
        elif tag == "a":
            self.href = ""

    def handle_data(self, data):
        if not data.strip() and self.current is None:
            return
        text = re.sub(r"[ \t\r\n]+", " ", data)
        self._block().runs.append(Run(text, bool(self.bold), bool(self.italic), self.href))


def html_blocks(safe_html: str) -> list[Block]:
    """Sanitised HTML (from `markdown_to_safe_html`) as paragraphs of styled runs."""
    parser = _Blocks()
    parser.feed(safe_html)
    parser.close()
    for block in parser.blocks:
        if block.runs:
            block.runs[0].text = block.runs[0].text.lstrip()
            block.runs[-1].text = block.runs[-1].text.rstrip()
    return [b for b in parser.blocks if b.text.strip()]
