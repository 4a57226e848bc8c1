"""The PDF: pages from pdftoppm, the contents' page numbers, each item on the page the
contents says, running header and page numbers, sectors starting on a new page."""

import io
import re
import subprocess

import pypdfium2
import pytest

from policypulse.render.documents import render_pdf
from policypulse.render.view import edition_view
from tests.render.conftest import HOSTILE_SHOWN, make_edition


def _pages(pdf_bytes: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf_bytes)
    texts = []
    for page in document:
        text = page.get_textpage().get_text_range()
        texts.append(" ".join(text.split()))
    return texts


@pytest.mark.django_db
def test_pdf_pages_contents_and_page_numbers(config, tmp_path):
    edition = make_edition(n_items=30, month="2026-06")
    view = edition_view(edition, config)
    data = render_pdf(view)
    path = tmp_path / "edition.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(path), str(tmp_path / "page")],
                   check=True, timeout=120)  # fmt: skip
    images = sorted(tmp_path.glob("page-*.png"))
    pages = _pages(data)
    assert len(images) == len(pages)
    # cover, contents, foreword, then at least a page per sector
    assert len(pages) >= 3 + len(view.sections)
    assert view.masthead in pages[0] and view.month_label in pages[0]
    assert "Page" not in pages[0]  # no header or number on the cover
    for number, text in enumerate(pages[1:], start=2):
        # the running header (masthead, current section) and the page number close the text
        assert re.search(re.escape(view.masthead) + rf" .+ Page {number} of {len(pages)}$", text)

    contents = pages[1]
    assert contents.startswith("Contents")
    cursor = 0
    for entry in view.entries:
        start = contents.index(entry.heading[:40], cursor)
        match = re.compile(r"\.{2,}\s*(\d+)").search(contents, start)
        cursor = match.end()
        page_number = int(match.group(1))
        assert entry.heading in pages[page_number - 1], (entry.heading, page_number)
    headings = [e.heading for e in view.entries] + ["REPORTS", "BRIEFINGS"]
    headings += [s.label for s in view.sections]
    for text in pages[2:]:
        body = text[: text.rindex(view.masthead)].rstrip()
        assert not any(body.endswith(h) for h in headings), body[-80:]  # no orphan heading
    for section in view.sections:
        match = re.search(re.escape(section.label) + r"\s*\.{2,}\s*(\d+)", contents)
        page = pages[int(match.group(1)) - 1]
        assert page.startswith(section.label)  # a sector starts its own page


@pytest.mark.django_db
def test_pdf_shows_hostile_text_literally(config):
    edition = make_edition(n_items=3, month="2026-05", hostile=True)
    text = " ".join(_pages(render_pdf(edition_view(edition, config))))
    assert HOSTILE_SHOWN in text
    assert "\u202e" not in text and "&amp;" not in text and "&lt;" not in text


@pytest.mark.django_db
def test_pdf_and_docx_carry_the_logo_file(config, tmp_path):
    from docx import Document
    from PIL import Image

    from policypulse.render.documents import render_docx

    Image.new("RGB", (120, 40), "#7a1f5c").save(tmp_path / "logo.png")
    config.branding.logo_file = str(tmp_path / "logo.png")
    view = edition_view(make_edition(n_items=3, month="2026-03"), config)
    cover = pypdfium2.PdfDocument(render_pdf(view))[0]
    images = [o for o in cover.get_objects() if o.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE]
    assert len(images) == 1
    assert len(Document(io.BytesIO(render_docx(view))).inline_shapes) == 1
