"""Rendering's pure core: an EditionView in, HTML / text / PDF / DOCX out.

`render_html` and `render_text` are the email without a subscriber (the anonymous footer);
render/email.py personalises the same rendering for each subscriber."""

from __future__ import annotations

import base64
import mimetypes
import re
import textwrap
from pathlib import Path

import css_inline
from jinja2 import Environment, PackageLoader, select_autoescape

from policypulse.render.context import Block, EditionView, html_blocks

_env = Environment(
    loader=PackageLoader("policypulse.render", "templates"),
    autoescape=select_autoescape(["html", "j2"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_text_env = Environment(
    loader=PackageLoader("policypulse.render", "templates"), autoescape=False, trim_blocks=True,
    lstrip_blocks=True, keep_trailing_newline=True,
)  # fmt: skip
_inliner = css_inline.CSSInliner(
    keep_at_rules=True, load_remote_stylesheets=False, minify_css=True
)  # the @media rules (narrow screens, dark mode) stay in the <style>; the rest is inlined


_DIGIT_GAP = re.compile(r"(?<=\d) (?=\d)")
_GLUE = "\x1f"


def _wrap(text: str, width: int = 72, indent: str = "", subsequent: str | None = None) -> str:
    """Wrap at `width`; URLs are never broken, nor phone numbers ("020 7946 0000")."""
    glued = _DIGIT_GAP.sub(_GLUE, " ".join(str(text).split()))
    return textwrap.fill(
        glued, width, initial_indent=indent,
        subsequent_indent=indent if subsequent is None else subsequent,
        break_long_words=False, break_on_hyphens=False,
    ).replace(_GLUE, " ")  # fmt: skip


def _block_text(block: Block, ref) -> str:
    """A foreword / news paragraph for the text email: links become numbered references."""
    words = []
    for run in block.runs:
        words.append(run.text)
        if run.href and run.href != run.text.strip():
            words.append(f" {ref(run.href)}")
    if block.bullet:
        return _wrap("".join(words), 72, "- ", "  ")
    return _wrap("".join(words))


def _blocks_text(blocks: list[Block], ref) -> str:
    """Paragraphs apart by a blank line; the items of a list kept together."""
    out = []
    for index, block in enumerate(blocks):
        if index:
            out.append("\n" if block.bullet and blocks[index - 1].bullet else "\n\n")
        out.append(_block_text(block, ref))
    return "".join(out)


_text_env.filters["wrap"] = _wrap
_text_env.filters["blockstext"] = _blocks_text


def email_html_template_output(view: EditionView) -> str:
    """The whole email's HTML with its fragment marks, CSS inlined (render/email.py cuts it)."""
    return _inliner.inline(_env.get_template("email.html.j2").render(edition=view))


def email_text_output(view: EditionView, ref) -> str:
    from policypulse.render.email import news_blocks

    foreword = html_blocks(view.foreword_html)
    return _text_env.get_template("email.txt.j2").render(
        edition=view, ref=ref, foreword=foreword, news=news_blocks(view)
    )


def _anonymous(view: EditionView):
    from policypulse.render.email import prepare_view

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
    return _env.get_template("print.html.j2").render(edition=view, logo=logo_data_uri(view))


def render_pdf(view: EditionView) -> bytes:
    """A4 PDF. Only data: URLs are fetched: harvested links are never followed while printing."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return HTML(string=print_html(view), url_fetcher=fetcher).write_pdf()


def render_docx(view: EditionView) -> bytes:
    from policypulse.render.docx import render_docx as build

    return build(view, _logo_path(view))
