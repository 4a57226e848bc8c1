"""The HTML and text email: strict HTML, size, sectors, personalisation, hostile text."""

import re

import pytest

from policypulse.render.documents import render_html, render_text
from policypulse.render.email import GMAIL_CLIP_BYTES, prepare
from policypulse.render.view import edition_view
from tests.render.conftest import HOSTILE_SHOWN, HOSTILE_TITLE, make_edition
from tests.render.htmlcheck import check_html


@pytest.mark.django_db
def test_html_is_strict_and_has_every_item_in_order(config, edition):
    view = edition_view(edition, config)
    html = render_html(view)
    parsed = check_html(html)
    headings = [e.heading for e in view.entries]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions) and len(headings) == 12
    for section in view.sections:
        assert f'href="#{section.key}"' in html and section.key in parsed.ids
    for href in parsed.hrefs:
        assert href.startswith(("http://", "https://")) or href[1:] in parsed.ids, href
    assert "<style" in html and "@media" in html  # narrow screens and dark mode kept
    assert 'style="' in html  # and the rest inlined
    assert "View this edition in your browser" in html
    assert f'href="{config.site.base_url}/editions/2026-10/"' in html


@pytest.mark.django_db
def test_fifty_items_stay_under_gmails_clipping_limit(config):
    edition = make_edition(n_items=50, month="2026-08")
    html = render_html(edition_view(edition, config))
    assert 40_000 < len(html.encode("utf-8")) < GMAIL_CLIP_BYTES


@pytest.mark.django_db
def test_personalise_picks_the_subscribers_sectors_and_links(config, edition):
    prepared = prepare(edition, config)
    unsubscribe = "https://digest.example/unsubscribe/abc?x=1&y=2"
    preferences = "https://digest.example/preferences/abc/"
    subject, html, text = prepared.personalise(["justice"], unsubscribe, preferences)
    assert subject == edition.title
    check_html(html)
    assert "Criminal Justice" in html and "Adult Social Care and Health" not in html
    assert 'href="#children"' not in html
    assert 'href="https://digest.example/unsubscribe/abc?x=1&amp;y=2"' in html
    assert preferences in html and "\ue000" not in html
    assert "4 new publications this month: Criminal Justice." in html  # the preheader
    assert "CRIMINAL JUSTICE" in text and "ADULT SOCIAL CARE" not in text
    assert f"Unsubscribe: {unsubscribe}" in text
    assert "\ue000" not in text
    everyone = prepared.personalise([], "https://u", "https://p")
    assert all(label in everyone[1] for label in ("Adult Social Care", "Children", "Criminal"))
    assert prepared.personalise(["no-such-sector"], "https://u", "https://p") is None


@pytest.mark.django_db
def test_without_a_subscriber_the_footer_invites_to_subscribe(config, edition):
    html = render_html(edition_view(edition, config))
    assert "/subscribe/" in html and "Unsubscribe</a>" not in html


@pytest.mark.django_db
def test_text_is_72_columns_same_order_and_numbered_references(config, edition):
    view = edition_view(edition, config)
    text = render_text(view)
    body, links = text.split("\nLinks:\n")
    for line in body.splitlines():
        assert len(line) <= 72 or re.fullmatch(r"\S*https?://\S+", line.split()[-1]), line
    headings = [e.heading for e in view.entries]
    positions = [body.index(h) for h in headings]
    assert positions == sorted(positions)
    references = [int(n) for n in re.findall(r"\[(\d+)\]", body)]
    assert references == list(range(1, len(references) + 1))
    listed = re.findall(r"^\[(\d+)\] (\S+)$", links, re.M)
    assert [int(n) for n, _ in listed] == references
    assert listed[1][1] == view.entries[0].url  # [1] is the foreword's link
    assert "<" not in body.replace("<script>", "")  # written from its own template, no HTML


@pytest.mark.django_db
def test_hostile_text_is_escaped_in_html_and_plain_in_text(config, hostile_edition):
    prepared = prepare(hostile_edition, config)
    _, html, text = prepared.personalise(None, "https://u", "https://p")
    check_html(html)
    assert "<script" not in html.lower()
    assert "Care &amp; &lt;script&gt;alert(1)&lt;/script&gt; costs gnp.exe" in html
    assert "\u202e" not in html and "\u202e" not in text
    assert HOSTILE_SHOWN in text
    assert HOSTILE_TITLE not in text


@pytest.mark.django_db
def test_the_subject_is_one_line_whatever_the_title(config, edition):
    edition.title = "Digest\r\nBcc: victim@example.org"
    edition.save()
    subject = prepare(edition, config).subject
    assert "\n" not in subject and "\r" not in subject


@pytest.mark.django_db
def test_foreword_markdown_is_sanitised(config, edition):
    edition.foreword = "Hi <img src=x onerror=alert(1)> [x](javascript:alert(1)) **bold**"
    edition.news = [{"title": "<b>News</b>", "body": "<script>bad()</script> ok"}]
    edition.save()
    html = render_html(edition_view(edition, config))
    assert "onerror" not in html and "javascript:" not in html and "<script" not in html
    assert "<strong" in html and "&lt;b&gt;News&lt;/b&gt;" in html


@pytest.mark.django_db
def test_branding_colours_logo_and_footer(config, edition):
    config.branding.primary_colour = "#7a1f5c"
    config.branding.logo_url = "https://cdn.example.org/logo.png"
    config.branding.contact_lines = ["1 High Street, Northfield", "020 7946 0000"]
    config.branding.footer_text = "Registered charity 123456"
    html = render_html(edition_view(edition, config))
    parsed = check_html(html)
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert images and all(attrs.get("alt") for attrs in images)  # readable with images off
    assert "#7a1f5c" in html
    assert "1 High Street, Northfield" in html and "Registered charity 123456" in html


@pytest.mark.django_db
def test_personalised_messages_differ_only_in_their_links(config, edition):
    prepared = prepare(edition, config)
    first = prepared.personalise(["children"], "https://u/alpha", "https://p/alpha")
    second = prepared.personalise(["children"], "https://u/beta", "https://p/beta")
    assert first[1] != second[1]
    assert first[1].replace("alpha", "beta") == second[1]
    assert first[2].replace("alpha", "beta") == second[2]
    justice = prepared.personalise(["justice"], "https://u/3", "https://p/3")
    assert "Criminal Justice" in justice[1] and "Children and Young" not in justice[1]
    assert prepared.personalise(["children"], "", "")[1] != first[1]  # the anonymous footer


@pytest.mark.django_db
def test_harvested_text_cannot_reach_the_url_placeholders(config, edition):
    item = edition.items.first()
    item.title = "\ue000unsubscribe\ue000 and \ue000preferences\ue000"
    item.save()
    _, html, text = prepare(edition, config).personalise(None, "https://u/secret", "https://p/x")
    assert html.count("https://u/secret") == 1 and text.count("https://u/secret") == 1
