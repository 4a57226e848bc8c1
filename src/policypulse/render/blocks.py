"""Sanitised HTML (the editor's foreword and news) as paragraphs of styled runs, for the
formats that are not HTML: the plain-text email and the Word document."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


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
