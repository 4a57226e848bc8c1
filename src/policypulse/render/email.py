"""The email, rendered once per edition and personalised cheaply per subscriber.

The templates render the whole edition (every sector) once; css-inline inlines it once. The
`<!--pp:...-->` marks (HTML) and `\\x1e` lines (text) split the result into fragments: the
shared parts, one table-of-contents line and one section per sector, and the two footers
(subscriber, anonymous). `PreparedEdition.personalise` joins the subscriber's fragments,
writes their preheader, numbers the text's link references and puts their URLs in the footer:
string joins only, no template or CSS work. The message for each distinct set of sectors is
assembled once and kept (with the URL slots cut out), so most subscribers cost one join of
five strings. The mailing stage calls:

    prepared = render.email.prepare(edition, config)          # once per edition
    prepared.personalise(sectors, unsubscribe_url, preferences_url)
        -> (subject, html, text), or None when none of `sectors` has an item this month

`sectors` empty or None means every sector. The URLs are escaped here; pass them raw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

from policypulse.render.sanitise import one_line
from policypulse.render.templating import email_html_template_output, email_text_output
from policypulse.render.view import EditionView, edition_view

# Placeholders for the footer's URLs; sanitise.clean_text strips U+E000 from every text, so
# nothing harvested can contain them.
UNSUBSCRIBE_TOKEN = "\ue000unsubscribe\ue000"
PREFERENCES_TOKEN = "\ue000preferences\ue000"
_TOKENS = re.compile(f"({UNSUBSCRIBE_TOKEN}|{PREFERENCES_TOKEN})")
_CACHE_LIMIT = 256  # distinct sets of sectors kept assembled
GMAIL_CLIP_BYTES = 102 * 1024

_HTML_MARK = re.compile(r"<!--pp:([a-z]+)(?::([a-z0-9-]+))?-->\n?")
_TEXT_MARK = re.compile(r"^\x1e([a-z]+)(?::([a-z0-9-]+))?\n", re.M)
_TEXT_REF = re.compile(r"\x01(\d+)\x02")
_PREHEADER_STYLE = (
    "display:none;font-size:1px;line-height:1px;color:#eef0f3;max-height:0;max-width:0;"
    "opacity:0;overflow:hidden;mso-hide:all"
)


@dataclass
class _Fragment:
    kind: str  # "static", "preheader", "toc", "section", "subscriber", "anonymous"
    key: str
    body: object  # str for HTML; a list of str / int (link index) for text


def split_marked(text: str, mark: re.Pattern) -> list[_Fragment]:
    """Cut rendered output at its marks; a fragment runs from its mark to the next `end`."""
    parts = mark.split(text)
    fragments = [_Fragment("static", "", parts[0])]
    index = 1
    while index < len(parts):
        kind, key, body = parts[index], parts[index + 1] or "", parts[index + 2]
        index += 3
        if kind == "end":
            fragments.append(_Fragment("static", "", body))
        elif kind == "preheader":
            fragments += [_Fragment("preheader", "", ""), _Fragment("static", "", body)]
        else:
            fragments.append(_Fragment(kind, key, body))
    return [f for f in fragments if f.body or f.kind != "static"]


@dataclass
class PreparedEdition:
    """One edition's email, rendered; `personalise` is cheap (see the module docstring)."""

    subject: str
    view: EditionView
    html: list[_Fragment]
    text: list[_Fragment]
    urls: list[str]
    _labels: dict[str, tuple[str, int]] = field(default_factory=dict)
    _assembled: dict[tuple, tuple[list[str], list[str]]] = field(default_factory=dict)

    def sector_keys(self, sectors: list[str] | None) -> list[str]:
        chosen = set(sectors or ())
        return [key for key in self._labels if not chosen or key in chosen]

    def personalise(
        self, sectors: list[str] | None, unsubscribe_url: str = "", preferences_url: str = ""
    ) -> tuple[str, str, str] | None:
        """(subject, html, text) for one subscriber, or None if their sectors are empty."""
        keys = self.sector_keys(sectors)
        if not keys:
            return None
        subscriber = bool(unsubscribe_url or preferences_url)
        slot = (tuple(keys), subscriber)
        assembled = self._assembled.get(slot)
        if assembled is None:
            if len(self._assembled) >= _CACHE_LIMIT:
                self._assembled.pop(next(iter(self._assembled)))
            html = self._html(set(keys), self.preheader(keys), subscriber)
            text = self._text(set(keys), subscriber)
            assembled = self._assembled[slot] = (_TOKENS.split(html), _TOKENS.split(text))
        html_parts, text_parts = assembled
        html_urls = {UNSUBSCRIBE_TOKEN: escape(unsubscribe_url),
                     PREFERENCES_TOKEN: escape(preferences_url)}  # fmt: skip
        text_urls = {UNSUBSCRIBE_TOKEN: one_line(unsubscribe_url),
                     PREFERENCES_TOKEN: one_line(preferences_url)}  # fmt: skip
        return (
            self.subject,
            "".join([html_urls.get(part, part) if i % 2 else part
                     for i, part in enumerate(html_parts)]),
            "".join([text_urls.get(part, part) if i % 2 else part
                     for i, part in enumerate(text_parts)]),
        )  # fmt: skip

    def preheader(self, keys: list[str]) -> str:
        count = sum(self._labels[key][1] for key in keys)
        labels = "; ".join(self._labels[key][0] for key in keys)
        words = f"{count} new publication{'s' if count != 1 else ''} this month: {labels}."
        filler = "&#847;&zwnj;&nbsp;" * 40  # keeps the body out of the inbox preview
        return f'<div style="{_PREHEADER_STYLE}">{escape(words)}{filler}</div>\n'

    def _html(self, keys: set[str], preheader: str, subscriber: bool) -> str:
        """The HTML for these sectors; the subscriber footer keeps its URL placeholders."""
        out = []
        for fragment in self.html:
            kind = fragment.kind
            if kind == "static":
                out.append(fragment.body)
            elif kind == "preheader":
                out.append(preheader)
            elif kind in ("toc", "section"):
                if fragment.key in keys:
                    out.append(fragment.body)
            elif kind == "subscriber":
                if subscriber:
                    out.append(fragment.body)
            elif kind == "anonymous" and not subscriber:
                out.append(fragment.body)
        return "".join(out)

    def _text(self, keys: set[str], subscriber: bool) -> str:
        """The text for these sectors, its link references numbered from 1."""
        out: list[str] = []
        numbers: dict[int, int] = {}
        for fragment in self.text:
            kind = fragment.kind
            if kind in ("toc", "section") and fragment.key not in keys:
                continue
            if kind == "subscriber" and not subscriber:
                continue
            if kind == "anonymous" and subscriber:
                continue
            for piece in fragment.body:
                if isinstance(piece, int):
                    number = numbers.setdefault(piece, len(numbers) + 1)
                    out.append(f"[{number}]")
                else:
                    out.append(piece)
        text = "".join(out)
        if numbers:
            text = text.rstrip("\n") + "\n\nLinks:\n"
            text += "".join(f"[{n}] {self.urls[i]}\n" for i, n in numbers.items())
        return text


def _text_fragments(text: str) -> list[_Fragment]:
    fragments = split_marked(text, _TEXT_MARK)
    for fragment in fragments:
        pieces = _TEXT_REF.split(fragment.body)
        fragment.body = [int(p) if i % 2 else p for i, p in enumerate(pieces) if p or i % 2]
    return fragments


def prepare_view(view: EditionView) -> PreparedEdition:
    """Render the view's email once: every sector in it, ready to personalise."""
    urls: list[str] = []

    def ref(url: str) -> str:
        if url not in urls:
            urls.append(url)
        return f"\x01{urls.index(url)}\x02"

    html = email_html_template_output(view)
    text = email_text_output(view, ref)
    return PreparedEdition(
        subject=one_line(view.title),
        view=view,
        html=split_marked(html, _HTML_MARK),
        text=_text_fragments(text),
        urls=urls,
        _labels={s.key: (s.label, s.count) for s in view.sections},
    )


def prepare(edition, config) -> PreparedEdition:
    """The edition's email for every subscriber: render once, then `personalise` each."""
    return prepare_view(edition_view(edition, config))
