"""The Jinja environments the formats share, and the email's whole-edition outputs.

HTML templates autoescape; the plain-text email has its own environment with wrapping and
link-reference filters. render/email.py cuts the whole-edition outputs into per-subscriber
fragments; render/documents.py prints the same views."""

from __future__ import annotations

import re
import textwrap

import css_inline
from jinja2 import Environment, PackageLoader, select_autoescape

from policypulse.render.blocks import Block, html_blocks
from policypulse.render.view import EditionView

html_env = Environment(
    loader=PackageLoader("policypulse.render", "templates"),
    autoescape=select_autoescape(["html", "j2"], default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
text_env = Environment(
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


text_env.filters["wrap"] = _wrap
text_env.filters["blockstext"] = _blocks_text


def email_html_template_output(view: EditionView) -> str:
    """The whole email's HTML with its fragment marks, CSS inlined (render/email.py cuts it)."""
    return _inliner.inline(html_env.get_template("email.html.j2").render(edition=view))


def email_text_output(view: EditionView, ref) -> str:
    """The whole email's text with its fragment marks; `ref(url)` numbers each link."""
    foreword = html_blocks(view.foreword_html)
    return text_env.get_template("email.txt.j2").render(
        edition=view, ref=ref, foreword=foreword, news=news_blocks(view)
    )


def news_blocks(view: EditionView) -> list[dict]:
    return [{"title": n["title"], "blocks": html_blocks(n["html"])} for n in view.news_html]
