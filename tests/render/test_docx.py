"""The Word document: Word's own heading styles, real hyperlinks, hostile text as plain text."""

import io
import zipfile

import pytest
from docx import Document

from policypulse.render.documents import render_docx
from policypulse.render.view import edition_view
from tests.render.conftest import HOSTILE_SHOWN, make_edition


@pytest.mark.django_db
def test_docx_uses_heading_styles_in_edition_order(config, edition):
    view = edition_view(edition, config)
    document = Document(io.BytesIO(render_docx(view)))
    styled = [(p.style.name, p.text) for p in document.paragraphs]
    assert ("Title", view.masthead) in styled
    level1 = [text for style, text in styled if style == "Heading 1"]
    assert level1 == ["Foreword"] + [s.label for s in view.sections]
    level3 = [text for style, text in styled if style == "Heading 3"]
    assert level3 == [e.heading for e in view.entries]
    assert {"Reports", "Briefings"} <= {text for style, text in styled if style == "Heading 2"}
    assert any(style == "List Bullet" for style, _ in styled)  # the foreword's list
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert set(e.url for e in view.entries) <= set(links)


@pytest.mark.django_db
def test_docx_keeps_hostile_text_as_text(config):
    edition = make_edition(n_items=3, month="2026-04", hostile=True)
    data = render_docx(edition_view(edition, config))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "<script>" not in xml and "&lt;script&gt;" in xml and "\u202e" not in xml
    texts = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert any(HOSTILE_SHOWN in text for text in texts)
