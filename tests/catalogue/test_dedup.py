"""One publication, however many places it is seen: mirrors, its PDF, the same text."""

import hashlib
import re
import zlib

import numpy as np
import pytest
from datasketch import MinHash
from weasyprint import HTML

from policypulse.catalogue.dedup import NearDuplicates, find_twin, similarity
from policypulse.catalogue.fingerprints import NUM_PERM, SCHEME, shingles, signature
from policypulse.catalogue.models import Publication, PublicationAlias
from policypulse.harvest.models import FetchCache
from policypulse.harvest.services import add_item, harvest
from policypulse.workspace import SourceConfig
from tests.harvest.conftest import corpus_page, raw_text, rss


def test_signatures_tell_mirrors_from_different_reports(corpus):
    texts = [record["text"] for record in corpus]
    index = NearDuplicates()
    for key, text in enumerate(texts):
        assert index.match(signature(text)) is None  # 30 different publications
        index.add(key, signature(text))
    mirrored = "Home | Upload | Login\n" + texts[3] + "\nViews: 1,234 | Post on Facebook"
    assert index.match(signature(mirrored)) == 3
    assert signature("too short to compare") is None
    assert similarity(signature(texts[0]), signature(texts[1])) < 0.2


def test_signatures_and_similarity_are_datasketchs_own(corpus):
    """The permutations drawn once and the array comparison give what datasketch computes
    with its own MinHash objects: stored signatures stay comparable."""
    texts = [record["text"] for record in corpus[:6]]
    for text in texts:
        reference = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32)
        reference.update_batch(shingles(text))
        assert signature(text) == reference.hashvalues.astype(np.uint64).tobytes()
    mirrored = "Home | Upload\n" + texts[0] + "\nViews: 1,234"
    for first, second in [(texts[0], mirrored), (texts[0], texts[1])]:
        minhashes = []
        for text in (first, second):
            values = np.frombuffer(signature(text), dtype=np.uint64)
            minhashes.append(MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME))
        expected = minhashes[0].jaccard(minhashes[1])
        assert similarity(signature(first), signature(second)) == expected
    assert similarity(signature(texts[0]), signature(mirrored)) > 0.7


# sha256 of the 30 corpus texts' signatures, as stored before shingling was made cheaper: a
# change here would leave every stored signature unable to find its mirrors.
CORPUS_SIGNATURES = "45155697d10e9241422ee7ddc04128a6f4fc2394e6f376cc79ef1eb23a292f10"


def test_signatures_are_those_already_stored(corpus):
    digest = hashlib.sha256()
    for record in corpus:
        digest.update(signature(raw_text(record["id"])) or b"-")
    assert digest.hexdigest() == CORPUS_SIGNATURES
    text = "Café naïve déjà-vu: the 3,000 children’s homes\nin Ünited words " * 30
    words = re.findall(r"\w+", text.lower())
    expected = [" ".join(words[i : i + 3]).encode() for i in range(len(words) - 2)]
    assert shingles(text) == expected
    assert shingles("two words") == []


@pytest.mark.django_db
def test_a_same_text_twin_with_another_title_is_refused_before_its_text_is_read(corpus):
    """One statistical series' releases share their wording: the title decides, so the twin's
    (long) text is read only for a twin whose title agrees, to compare figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from policypulse.harvest.extract import content_hash

    text = raw_text(corpus[0]["id"])
    stored = Publication.objects.create(
        canonical_url="https://example.org/april", url="https://example.org/april",
        title="Statutory homelessness: April to June", text=text,
        content_hash=content_hash(text), minhash=signature(text),
    )  # fmt: skip
    near = NearDuplicates.from_database()
    with CaptureQueriesContext(connection) as queries:
        found = find_twin(["Statutory homelessness: July to September"], text,
                          content_hash(text), signature(text), near)  # fmt: skip
    assert found is None
    assert queries.captured_queries  # the database was asked
    assert not any('"text"' in query["sql"] for query in queries.captured_queries)
    found = find_twin(["Statutory homelessness: April to June - free download"], text,
                      content_hash(text), signature(text), near)  # fmt: skip
    assert found == (stored, PublicationAlias.Reason.SAME_TEXT)
    mirrored = "Home | Upload\n" + text + "\nViews: 1,234"
    found = find_twin(["Statutory homelessness: April to June"], mirrored,
                      content_hash(mirrored), signature(mirrored), near)  # fmt: skip
    assert found == (stored, PublicationAlias.Reason.MIRROR)


def mirror_page(record: dict) -> bytes:
    """The same publication on a document-sharing site: other chrome, other title."""
    paragraphs = "".join(f"<p>{line}</p>" for line in raw_text(record["id"]).split("\n") if line)
    return (
        "<html><head><title>Download PDF - DocShare</title></head><body><div id='menu'>"
        "<a href='/'>DocShare</a> | <a href='/upload'>Upload</a></div><article>"
        f"<h1>{record['title']} - free download</h1>{paragraphs}</article>"
        "<div class='related'>Views 12,345 | Post on Facebook</div></body></html>"
    ).encode()


@pytest.mark.django_db
def test_a_mirror_is_the_same_publication(http_server, corpus, config, make_fetcher):
    record = next(r for r in corpus if len(r["text"].split()) > 200)
    http_server.routes["/pub/original"] = (
        200,
        {"Content-Type": "text/html"},
        corpus_page(record, 0),
    )
    http_server.routes["/docs/12345/mirror"] = (
        200,
        {"Content-Type": "text/html"},
        mirror_page(record),
    )
    http_server.routes["/feed.xml"] = (200, {}, rss(http_server.base, [
        {"title": "", "path": "/pub/original"}, {"title": "", "path": "/docs/12345/mirror"}]))  # fmt: skip
    config.sources = [SourceConfig(name="f", url=http_server.url("/feed.xml"))]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert (report.new, report.duplicates) == (1, 1)
    publication = Publication.objects.get()  # whichever address arrived first
    other = "/docs/12345/mirror" if publication.url.endswith("/pub/original") else "/pub/original"
    alias = PublicationAlias.objects.get(canonical_url__endswith=other)
    assert alias.publication == publication and alias.reason == "mirror"
    # Next run: the mirror's address is known and not fetched again.
    hits = len(http_server.hits)
    (again,) = harvest(config, fetcher=make_fetcher())
    assert again.unchanged == 2 and http_server.hits[hits:] == ["/robots.txt", "/feed.xml"]


def report_pdf() -> bytes:
    return HTML(
        string="<h1>Adult social care review</h1>" + "<p>Councils assessed 1,200 people.</p>" * 40
    ).write_pdf()


LANDING = """<html><head><title>Adult social care review</title></head><body><main>
<h1>Adult social care review</h1><p>This review of 12 councils found that 1,200 people waited
more than six months for an assessment, and recommends faster triage.</p>
<p><a href="/files/review.pdf">Download the report (PDF)</a></p></main></body></html>"""


@pytest.mark.django_db
@pytest.mark.parametrize(
    "order", [["/landing", "/files/review.pdf"], ["/files/review.pdf", "/landing"]]
)
def test_landing_page_and_its_pdf_are_one_publication(http_server, config, make_fetcher, order):
    http_server.routes["/landing"] = (200, {"Content-Type": "text/html"}, LANDING.encode())
    http_server.routes["/files/review.pdf"] = (
        200,
        {"Content-Type": "application/pdf"},
        report_pdf(),
    )
    config.sources = []
    for number, path in enumerate(order):
        # One source per run, so the order of arrival is the order given.
        http_server.routes[f"/feed{number}.xml"] = (
            200,
            {},
            rss(http_server.base, [{"title": "", "path": path}]),
        )
        config.sources = [
            SourceConfig(name=f"f{number}", url=http_server.url(f"/feed{number}.xml"))
        ]
        harvest(config, fetcher=make_fetcher())
    publication = Publication.objects.get()
    assert publication.url.endswith("/landing") and publication.kind == "html"
    assert publication.attachments.get().status == "ok"
    assert PublicationAlias.objects.filter(canonical_url__endswith="/files/review.pdf").exists()


@pytest.mark.django_db
def test_the_same_text_at_another_address_is_a_duplicate(http_server, config, make_fetcher):
    http_server.routes["/a"] = (200, {"Content-Type": "text/html"}, LANDING.encode())
    http_server.routes["/b"] = (200, {"Content-Type": "text/html"}, LANDING.encode())
    first, _ = add_item(config, http_server.url("/a"), fetcher=make_fetcher())
    second, outcome = add_item(config, http_server.url("/b"), fetcher=make_fetcher())
    assert outcome == "duplicates" and second == first
    assert Publication.objects.count() == 1


PLAIN = """<html><head><title>Adult social care review</title></head><body><main>
<h1>Adult social care review</h1><p>This review of 12 councils found that 1,200 people waited
more than six months for an assessment.</p></main></body></html>"""


@pytest.mark.django_db
def test_same_text_stored_before_the_harvest_is_a_duplicate(http_server, config, make_fetcher):
    """A text stored before the harvest began is found by its content hash."""
    for path in ("/a", "/b"):
        http_server.routes[path] = (200, {"Content-Type": "text/html"}, PLAIN.encode())
    first, outcome = add_item(config, http_server.url("/a"), fetcher=make_fetcher())
    assert outcome == "new"
    http_server.routes["/feed.xml"] = (
        200,
        {},
        rss(http_server.base, [{"title": "", "path": "/b"}]),
    )
    config.sources = [SourceConfig(name="f", url=http_server.url("/feed.xml"))]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert (report.new, report.duplicates) == (0, 1)
    assert Publication.objects.get() == first
    assert PublicationAlias.objects.get(canonical_url__endswith="/b").reason == "same-text"


@pytest.mark.django_db
def test_same_text_stored_during_the_harvest_is_a_duplicate(http_server, config, make_fetcher):
    """Another process (a worker harvesting another source) may store the same text while this
    harvest runs: the database is asked, not what this run knew when it began."""
    for path in ("/a", "/b"):
        http_server.routes[path] = (200, {"Content-Type": "text/html"}, PLAIN.encode())
    http_server.routes["/feed.xml"] = (
        200,
        {},
        rss(http_server.base, [{"title": "", "path": "/b"}]),
    )
    config.sources = [SourceConfig(name="f", url=http_server.url("/feed.xml"))]
    elsewhere = []

    def meanwhile(source, count):  # after the run loaded its indexes, before it fetches /b
        elsewhere.append(add_item(config, http_server.url("/a"), fetcher=make_fetcher())[0])

    (report,) = harvest(config, fetcher=make_fetcher(), on_discovered=meanwhile)
    assert (report.new, report.duplicates) == (0, 1)
    assert Publication.objects.get() == elsewhere[0]


@pytest.mark.django_db
def test_same_text_twice_in_one_harvest_is_one_publication(http_server, config, make_fetcher):
    """...and so is one stored earlier in the same run."""
    for path in ("/a", "/b", "/c"):
        http_server.routes[path] = (200, {"Content-Type": "text/html"}, PLAIN.encode())
    items = [{"title": "", "path": path} for path in ("/a", "/b", "/c")]
    http_server.routes["/feed.xml"] = (200, {}, rss(http_server.base, items))
    config.sources = [SourceConfig(name="f", url=http_server.url("/feed.xml"))]
    (report,) = harvest(config, fetcher=make_fetcher())
    assert (report.new, report.duplicates) == (1, 2)
    assert Publication.objects.count() == 1


@pytest.mark.django_db
def test_items_add_html_and_pdf_with_conditional_get(http_server, config, make_fetcher):
    def landing(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        body = LANDING.encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    http_server.routes["/landing"] = landing
    http_server.routes["/files/review.pdf"] = (
        200,
        {"Content-Type": "application/pdf"},
        report_pdf(),
    )
    http_server.routes["/other.pdf"] = (
        200,
        {"Content-Type": "application/pdf"},
        report_pdf().replace(b"1,200", b"1,300"),
    )
    publication, outcome = add_item(config, http_server.url("/landing"), fetcher=make_fetcher())
    assert outcome == "new" and publication.title == "Adult social care review"
    assert FetchCache.objects.get(url=http_server.url("/landing")).etag == '"v1"'
    again, outcome = add_item(config, http_server.url("/landing"), fetcher=make_fetcher())
    assert (again, outcome) == (publication, "unchanged")
    pdf, outcome = add_item(config, http_server.url("/other.pdf"), fetcher=make_fetcher())
    assert outcome == "new" and pdf.kind == "pdf" and "Councils assessed" in pdf.text
    assert pdf.source.name == "added-by-hand"
