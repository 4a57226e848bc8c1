"""Rendering's pure core: an EditionView in, HTML / text / PDF / DOCX out.

`render_html` and `render_text` are the email without a subscriber (the anonymous footer):
render/email.py renders it once and this module joins the fragments for every sector."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from policypulse.render.email import prepare_view
from policypulse.render.templating import html_env
from policypulse.render.view import EditionView


def _anonymous(view: EditionView):
    prepared = prepare_view(view)
    keys = [s.key for s in view.sections]
    return prepared, keys


def render_html(view: EditionView) -> str:
    """The email's HTML for every sector in the view, without a subscriber's links."""
    prepared, keys = _anonymous(view)
    return prepared._html(set(keys), prepared.preheader(keys), subscriber=False)


def render_text(view: EditionView) -> str:
    """The plain-text email, from its own template: 72 columns, links as references."""
    prepared, keys = _anonymous(view)
    return prepared._text(set(keys), subscriber=False)


def logo_data_uri(view: EditionView) -> str:
    """The branding's logo file as a data: URI, so the PDF renderer never fetches anything."""
    path = _logo_path(view)
    if path is None:
        return ""
    media_type = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{media_type};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _logo_path(view: EditionView) -> Path | None:
    name = view.brand.logo_file
    if not name:
        return None
    path = Path(name)
    if not path.is_absolute() and view.workspace_root:
        path = Path(view.workspace_root) / path
    return path if path.is_file() else None


def print_html(view: EditionView) -> str:
    return html_env.get_template("print.html.j2").render(edition=view, logo=logo_data_uri(view))


def render_pdf(view: EditionView) -> bytes:
    """A4 PDF. Only data: URLs are fetched: harvested links are never followed while printing."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=print_html(view), url_fetcher=fetcher).write_pdf()


def render_docx(view: EditionView) -> bytes:
    from policypulse.render.docx import render_docx as build

    return build(view, _logo_path(view))
