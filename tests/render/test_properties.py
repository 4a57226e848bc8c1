"""Property tests for rendering: whatever a harvested page says, it stays text in the web
archive's HTML, the email (HTML and text), the print HTML the PDF is made from, and the
subject line. Hostile fragments are mixed with random text; the short `ci` profile runs here,
`--hypothesis-profile=fuzz` runs many more."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from policypulse.render.documents import print_html, render_html
from policypulse.render.email import prepare
from policypulse.render.view import edition_view
from tests.render.conftest import make_edition
from tests.render.htmlcheck import StrictHTML, check_html

FRAGMENTS = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '"><svg onload=alert(1)>',
        "javascript:alert(1)",
        "[click](javascript:alert(1))",
        "{{ 7*7 }}",
        "{% raw %}",
        "[/bold]",
        "**bold** _it_",
        "\r\nBcc: victim@example.org",
        "&amp;&#x3C;",
        "<!--",
        "]]>",
        "\u202e",
        "\u200b",
        "\x00",
        "\\",
    ]
)
HOSTILE = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=6).map("".join)
SAFE_SCHEMES = ("http://", "https://", "mailto:", "#")
ACTIVE_TAGS = {"script", "svg", "iframe", "object", "embed", "form", "input", "math", "base"}


def _assert_inert(html: str) -> None:
    """Strict structure, no active element, no event handler, no script URL."""
    check_html(html)
    parser = StrictHTML()
    parser.feed(html)
    for tag, attributes in parser.tags:
        assert tag not in ACTIVE_TAGS, tag
        assert not any(name.startswith("on") for name in attributes), (tag, attributes)
    assert parser.hrefs, "every format links to its publications"
    for href in parser.hrefs:
        assert href.startswith(SAFE_SCHEMES), href


@pytest.fixture
def item_edition(db):
    return make_edition(n_items=3, month="2026-08")


@pytest.mark.django_db
@given(title=HOSTILE, publisher=HOSTILE, summary=HOSTILE, edition_title=HOSTILE)
@example(
    title="Care & <script>alert(1)</script>",
    publisher='"><svg onload=alert(1)>',
    summary="[x](javascript:alert(1))",
    edition_title="Digest <script>alert(1)</script>\r\nBcc: victim@example.org",
)
def test_text_from_the_web_stays_text_in_every_html_format(
    config, item_edition, title, publisher, summary, edition_title
):
    item = item_edition.items.order_by("order").first()
    item.title, item.publisher, item.summary = title, publisher, summary
    item.save()
    item_edition.title = edition_title
    item_edition.save()

    view = edition_view(item_edition, config)
    for html in (render_html(view), print_html(view)):
        _assert_inert(html)
    prepared = prepare(item_edition, config)
    subject, email_html, text = prepared.personalise(None, "https://u.example", "https://p.example")
    _assert_inert(email_html)
    assert "\n" not in subject and "\r" not in subject
    assert "\u202e" not in email_html and "\u202e" not in text and "\x00" not in text
