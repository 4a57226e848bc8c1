"""The edition as a Word document, with Word's own styles (Title, Heading 1-3, List Bullet)
so the editor can restyle, reorder and navigate it in Word. python-docx escapes text for XML;
sanitise.clean_text has already removed the control characters XML cannot hold."""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from policypulse.render.blocks import Block, html_blocks
from policypulse.render.view import EditionView


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper())


def add_hyperlink(paragraph, text: str, url: str, colour: str = "1D3557"):
    """A real Word hyperlink (python-docx has no API for one)."""
    part = paragraph.part
    rel_id = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), colour)
    props.append(color)
    run.append(props)
    text_element = OxmlElement("w:t")
    text_element.text = text
    text_element.set(qn("xml:space"), "preserve")
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)
    return link


def _add_block(document, block: Block, colour: str) -> None:
    paragraph = document.add_paragraph(style="List Bullet" if block.bullet else None)
    for run in block.runs:
        if run.href and run.href.startswith(("http://", "https://", "mailto:")):
            add_hyperlink(paragraph, run.text, run.href, colour)
            continue
        added = paragraph.add_run(run.text)
        added.bold = run.bold or None
        added.italic = run.italic or None


def render_docx(view: EditionView, logo: Path | None = None) -> bytes:
    brand = view.brand
    primary = brand.primary.lstrip("#").upper()
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)
    document.core_properties.title = view.title
    document.core_properties.author = brand.name
    styles = document.styles
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = _rgb(brand.primary)
    styles["Heading 3"].font.color.rgb = _rgb(brand.accent)
    styles["Normal"].font.size = Pt(10.5)

    if logo is not None:
        document.add_picture(str(logo), width=Mm(50))
    document.add_paragraph(brand.name, style="Subtitle")
    document.add_paragraph(view.masthead, style="Title")
    document.add_paragraph(view.month_label, style="Subtitle")
    document.add_paragraph(
        f"{view.item_count} publications in {len(view.sections)} sectors. Online: "
        f"{view.edition_url}"
    )

    document.add_heading("Foreword", level=1)
    for block in html_blocks(view.foreword_html):
        _add_block(document, block, primary)
    document.add_paragraph(view.contact)
    for item in view.news_html:
        if item["title"]:
            document.add_heading(item["title"], level=2)
        for block in html_blocks(item["html"]):
            _add_block(document, block, primary)

    for sector in view.sections:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(sector.label, level=1)
        for sub in sector.subsections:
            document.add_heading(sub.label, level=2)
            for entry in sub.entries:
                heading = document.add_heading(level=3)
                if entry.url:
                    add_hyperlink(heading, entry.heading, entry.url, primary)
                else:
                    heading.add_run(entry.heading)
                document.add_paragraph(entry.summary)

    document.add_paragraph()
    for line in [view.contact, *brand.contact_lines]:
        document.add_paragraph(line)
    document.add_paragraph(brand.name + (f". {brand.footer_text}" if brand.footer_text else ""))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
