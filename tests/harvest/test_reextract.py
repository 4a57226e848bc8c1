"""Re-extraction from the stored bytes: a better extractor improves what is already in the
catalogue, without fetching again, and only what changed is triaged and summarised again."""

import dataclasses

import pytest
import zstandard

from policypulse.audit.services import cli_actor
from policypulse.catalogue.models import Attachment, Publication
from policypulse.harvest import pool, services
from policypulse.harvest.models import RawDocument
from policypulse.harvest.services import harvest, reextract
from policypulse.summaries.services import edit_summary, summarize
from policypulse.triage.models import TriageLabel
from policypulse.triage.services import record_editor_decision, triage
from policypulse.workspace import SourceConfig

from .conftest import rss
from .pdfs import plain_pdf

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav>Home | Publications</nav><main><h1>{title}</h1>{paragraphs}{link}</main></body></html>"""
FIRST = "<p>This inspection of 14 children's homes found that 9 kept care plans up to date.</p>"
SECOND = (
    "<p>Ofsted recommends that local authorities review placements for children every month.</p>"
)


class OldExtractor(pool.LocalExtractor):
    """Yesterday's extractor: it lost the paragraph of recommendations."""

    def html(self, body, url, content_type="", charset=None, **options):
        page = super().html(body, url, content_type, charset, **options)
        lines = [line for line in page.text.split("\n") if "recommends" not in line]
        return dataclasses.replace(page, text="\n".join(lines))


@pytest.fixture
def site(http_server):
    pages = {
        "a": FIRST + SECOND,
        "b": FIRST.replace("14", "15"),
        "c": FIRST.replace("14", "16") + SECOND,
    }
    for slug, paragraphs in pages.items():
        link = '<a href="/a.pdf">Download the full report (PDF)</a>' if slug == "a" else ""
        http_server.routes[f"/p/{slug}"] = (200, {"Content-Type": "text/html"}, PAGE.format(
            title=f"Children's homes inspection {slug}", paragraphs=paragraphs, link=link).encode())  # fmt: skip
    http_server.routes["/a.pdf"] = (200, {"Content-Type": "application/pdf"},
                                    plain_pdf("Key findings of the inspection"))  # fmt: skip
    http_server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(
        http_server.base, [{"title": "", "path": f"/p/{slug}"} for slug in pages]))  # fmt: skip
    return http_server


def by_slug(slug: str) -> Publication:
    return Publication.objects.get(url__endswith=f"/p/{slug}")


@pytest.mark.django_db
def test_reextraction_updates_the_text_and_retriages_only_what_changed(
    site, config, make_fetcher, monkeypatch
):
    config.sources = [SourceConfig(name="homes", url=site.url("/feed.xml"))]
    monkeypatch.setattr(services, "extractor_for", lambda processes: OldExtractor())
    (report,) = harvest(config, fetcher=make_fetcher())
    assert report.new == 3 and not report.errors
    a, b, c = by_slug("a"), by_slug("b"), by_slug("c")
    assert "Ofsted recommends" not in a.text  # the old extractor lost it

    # What was fetched is kept, compressed, page and report PDF alike.
    page = RawDocument.objects.get(publication=a, role="page")
    assert page.data() == site.routes["/p/a"][2] and page.size == len(page.data())
    assert zstandard.decompress(bytes(page.body)) == page.data() and len(page.body) < page.size
    pdf = RawDocument.objects.get(publication=a, role="attachment")
    assert pdf.data() == site.routes["/a.pdf"][2]

    triage(config)
    record_editor_decision(c, actor=cli_actor(), decision="accepted", sector="children")
    edit_summary(c, cli_actor(), "Nine of 16 children's homes kept care plans up to date.", config)
    labels_before = {p.pk: TriageLabel.objects.get(publication=p) for p in (a, b, c)}
    hits_before = len(site.hits)

    monkeypatch.setattr(services, "extractor_for", lambda processes: pool.LOCAL)  # today's
    result = reextract(config)
    assert len(site.hits) == hits_before  # nothing fetched
    assert result.checked == 3 and result.not_stored == 0 and not result.errors
    assert sorted(result.changed) == sorted([a.pk, c.pk])
    a.refresh_from_db()
    b.refresh_from_db()
    assert "Ofsted recommends" in a.text and "Ofsted recommends" not in b.text
    assert a.content_hash != by_slug("c").content_hash
    assert "Key findings" in Attachment.objects.get(publication=a).text

    triage(config, only=result.changed)
    summarize(config, force=True, only=result.changed)
    after = {p.pk: TriageLabel.objects.get(publication=p) for p in (a, b, c)}
    assert after[a.pk].updated_at > labels_before[a.pk].updated_at  # changed: labelled again
    assert after[b.pk].updated_at == labels_before[b.pk].updated_at  # unchanged: left alone
    assert after[c.pk].decided_by == "editor" and after[c.pk].sector == "children"
    c.refresh_from_db()
    assert c.summary.edited_by_editor and c.summary.text.startswith("Nine of 16")

    again = reextract(config)
    assert again.checked == 3 and again.changed == []  # stable: nothing changes twice


@pytest.mark.django_db
def test_filters_and_publications_without_a_stored_copy(site, config, make_fetcher):
    config.sources = [SourceConfig(name="homes", url=site.url("/feed.xml"))]
    config.harvest.keep_raw = False
    harvest(config, fetcher=make_fetcher())
    assert not RawDocument.objects.exists()
    assert reextract(config).not_stored == 3
    assert reextract(config, source="homes").not_stored == 3
    import datetime

    assert (
        reextract(config, since=datetime.date.today() + datetime.timedelta(days=1)).not_stored == 0
    )
    with pytest.raises(services.PulseError, match="no source named"):
        reextract(config, source="nope")


@pytest.mark.django_db
def test_a_new_main_text_rule_improves_what_is_stored(site, config, make_fetcher):
    from policypulse.sources.models import Source

    config.sources = [SourceConfig(name="homes", url=site.url("/feed.xml"))]
    harvest(config, fetcher=make_fetcher())
    assert "Download the full report" in by_slug("a").text  # the link came with the text
    Source.objects.filter(name="homes").update(main_selector="main p")
    result = reextract(config, source="homes")
    assert len(result.changed) == 3 and not result.errors
    text = by_slug("a").text
    assert "Download the full report" not in text and "Ofsted recommends" in text


class TypeBlindExtractor(pool.LocalExtractor):
    """Yesterday's extractor: it did not read the publisher's document type."""

    def html(self, body, url, content_type="", charset=None, **options):
        return dataclasses.replace(super().html(body, url, content_type, charset, **options),
                                   document_type="")  # fmt: skip


@pytest.mark.django_db
def test_reextraction_fills_a_document_type_the_old_extractor_missed(
    site, config, make_fetcher, monkeypatch
):
    typed = site.routes["/p/b"][2].replace(
        b"<head>", b'<head><meta name="govuk:format" content="research">', 1
    )
    site.routes["/p/b"] = (200, {"Content-Type": "text/html"}, typed)
    config.sources = [SourceConfig(name="homes", url=site.url("/feed.xml"))]
    monkeypatch.setattr(services, "extractor_for", lambda processes: TypeBlindExtractor())
    harvest(config, fetcher=make_fetcher())
    assert by_slug("b").document_type == ""
    Publication.objects.filter(pk=by_slug("c").pk).update(document_type="Policy paper")

    monkeypatch.setattr(services, "extractor_for", lambda processes: pool.LOCAL)
    result = reextract(config)
    assert by_slug("b").document_type == "research" and by_slug("b").pk in result.changed
    assert by_slug("c").document_type == "Policy paper"  # one already there is kept
    assert reextract(config).changed == []
