"""Rendering's pure core: an EditionView in, HTML / text / PDF bytes out."""

from __future__ import annotations

import textwrap

import css_inline
from jinja2 import Environment, PackageLoader, select_autoescape

from policypulse.render.context import EditionView

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


def _wrap(text: str, width: int = 72, indent: str = "") -> str:
    return textwrap.fill(" ".join(str(text).split()), width, initial_indent=indent,
                         subsequent_indent=indent)  # fmt: skip


_text_env.filters["wrap"] = _wrap


def render_html(view: EditionView) -> str:
    html = _env.get_template("email.html.j2").render(edition=view)
    return css_inline.inline(html)


def render_text(view: EditionView) -> str:
    links: list[str] = []

    def ref(url: str) -> int:
        links.append(url)
        return len(links)

    return _text_env.get_template("email.txt.j2").render(edition=view, ref=ref, links=links)


def render_pdf(view: EditionView) -> bytes:
    from weasyprint import HTML

    html = _env.get_template("print.html.j2").render(edition=view)
    return HTML(string=html).write_pdf()
