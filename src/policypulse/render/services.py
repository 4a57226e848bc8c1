"""Load an edition, render it in one format; the CLI and the web app call these."""

from __future__ import annotations

from policypulse.editions.services import get_edition
from policypulse.errors import EditionError
from policypulse.render.documents import render_docx, render_html, render_pdf, render_text
from policypulse.render.view import edition_view

FORMATS = ("html", "text", "pdf", "docx")
MEDIA_TYPES = {
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render_view(view, fmt: str) -> bytes:
    if fmt == "html":
        return render_html(view).encode("utf-8")
    if fmt == "text":
        return render_text(view).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(view)
    if fmt == "docx":
        return render_docx(view)
    raise EditionError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def render_edition(config, month: str | None, fmt: str, sectors: list[str] | None = None) -> bytes:
    """The edition for YYYY-MM (default: the latest) in html, text, pdf or docx."""
    if fmt not in FORMATS:
        raise EditionError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    edition = get_edition(month)
    return render_view(edition_view(edition, config, sectors), fmt)
