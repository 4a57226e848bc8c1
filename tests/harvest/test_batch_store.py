"""Storing fetched documents a batch at a time gives what storing them one by one gave."""

import pytest

from policypulse.catalogue import dedup
from policypulse.catalogue.models import Attachment, Publication, PublicationAlias
from policypulse.catalogue.urls import canonical_url
from policypulse.harvest.documents import FetchedDocument, RawBody, _fingerprinted
from policypulse.harvest.models import FetchCache, RawDocument
from policypulse.harvest.services import _Held, _Run
from policypulse.sources.adapters import DiscoveredEntry
from policypulse.sources.models import Source

BODY = (
    "The inspection of {place} youth offending service found that 64% of children had a plan "
    "reviewed within three months. Inspectors visited {visits} homes and read 120 case files, "
    "and they recommend that the service shares its risk assessments with schools and health "
    "partners before every review meeting. The board should check each month whether children "
    "supervised in the community are safer, and report what it finds to the local authority, "
    "the police and the courts. Caseloads rose by a fifth over the year, and the service has "
    "not yet replaced the two managers who left in the spring of that year."
)


def item(source, number: int, *, url=None, title=None, text=None, **document_fields):
    url = url or f"https://justice.example/reports/{number}"
    text = text if text is not None else BODY.format(place=f"Town {number}", visits=number)
    entry = DiscoveredEntry(url=url, title=title or f"Inspection of Town {number} youth justice")
    document = FetchedDocument(entry=entry, url=url, title=entry.title, text=text,
                               raw=[RawBody.of("page", url, text.encode())],
                               **document_fields)  # fmt: skip
    return (source, entry, None, _fingerprinted(document))


def key(path: str) -> str:
    return canonical_url(f"https://justice.example/{path}")


@pytest.fixture
def run(config):
    run = _Run(config, fetcher=None)
    run.near = dedup.NearDuplicates.from_database()
    return run


@pytest.fixture
def source(db):
    return Source.objects.create(name="inspections", url="https://justice.example/feed")


@pytest.mark.django_db
def test_new_publications_are_stored_together_with_their_raw_bytes(run, source):
    items = [item(source, number) for number in range(5)]
    assert run.store_many(items) == ["new"] * 5
    stored = Publication.objects.order_by("pk")
    assert [p.canonical_url for p in stored] == [key(f"reports/{n}") for n in range(5)]
    assert all(p.minhash and p.content_hash and p.source_id == source.pk for p in stored)
    assert RawDocument.objects.count() == 5
    assert RawDocument.objects.get(publication=stored[2]).data() == items[2][3].text.encode()
    # The run knows them: the same address again is not new.
    assert run.store_many([item(source, 2)]) == ["unchanged"]


@pytest.mark.django_db
def test_a_mirror_in_the_same_batch_is_recognised_as_a_duplicate(run, source):
    first = item(source, 1)
    mirror = item(source, 1, url="https://mirror.example/copy-of-1")
    other = item(source, 2)
    assert run.store_many([first, other, mirror]) == ["new", "new", "duplicates"]
    assert Publication.objects.count() == 2
    alias = PublicationAlias.objects.get(
        canonical_url=canonical_url("https://mirror.example/copy-of-1")
    )
    assert alias.publication.canonical_url == key("reports/1")


def test_an_item_tied_to_one_held_back_waits_for_it():
    """Held back for a batch, an item ties a later one by any address (its page, where it
    redirected, a report PDF), by the same text or by nearly the same text; others are free,
    however many are held."""
    other = (
        "A survey of 2,000 parents finds that childcare costs rose faster than wages in "
        "every region, and that one family in three cut back on other spending to pay."
    )
    held = _Held()
    first = item(None, 1)
    first[3].url = "https://justice.example/reports/1-moved"
    first[3].attachments = [{"url": "https://justice.example/files/1.pdf"}]
    assert not held.related(first[1], first[3])
    held.add(0, first[1], first[3])
    for number in range(2, 40):
        held.add(number, item(None, number)[1], item(None, number)[3])
    assert held.numbers == [0, *range(2, 40)]
    for url in (
        "https://justice.example/reports/1-moved",
        "http://www.justice.example/files/1.pdf/",
    ):
        _, entry, _, document = item(None, 100, url=url, text=other)
        assert held.related(entry, document), url
    same = item(None, 1, url="https://mirror.example/a")  # the same text at another address
    assert held.related(same[1], same[3])
    near = item(None, 1, url="https://mirror.example/b", text=BODY.format(place="Town 1", visits=1)
                + " Published by the inspectorate.")  # fmt: skip
    assert near[3].content_hash != first[3].content_hash
    assert held.related(near[1], near[3])
    free = item(None, 500, text=other)
    assert not held.related(free[1], free[3])
    unsigned = item(None, 501, text="")
    assert not held.related(unsigned[1], unsigned[3])


@pytest.mark.django_db
def test_one_stored_meanwhile_by_another_harvest_stands_and_the_rest_are_stored(run, source):
    """The batch's INSERT is refused (another harvest stored that address after this run
    looked it up), so each is stored on its own: that one is the other run's ('unchanged',
    not an error), the rest of the batch is kept."""
    items = [item(source, number) for number in range(4)]
    Publication.objects.create(canonical_url=key("reports/2"), title="Stored meanwhile")
    assert run.store_many(items) == ["new", "new", "unchanged", "new"]
    assert Publication.objects.count() == 4
    assert Publication.objects.get(canonical_url=key("reports/2")).title == ("Stored meanwhile")


@pytest.mark.django_db
def test_nul_characters_attachments_redirects_and_validators_are_kept_as_one_by_one(run, source):
    """bulk_create sends no pre_save signal: NUL characters are still dropped (PostgreSQL
    refuses them); a redirect's address, report PDFs and the ETag are remembered as before."""
    (_, entry, _, document) = doomed = item(source, 7, title="Youth\x00 justice in Town 7")
    document.url = "https://justice.example/reports/7-moved"
    document.etag = '"v7"'
    document.attachments = [{"url": "https://justice.example/files/7.pdf", "title": "Report",
                             "media_type": "application/pdf", "status": "ok", "pages": 3,
                             "text": "Full\x00 report text", "error": ""}]  # fmt: skip
    assert run.store_many([doomed, item(source, 8)]) == ["new", "new"]
    publication = Publication.objects.get(canonical_url=key("reports/7"))
    assert publication.title == "Youth justice in Town 7"
    assert Attachment.objects.get(publication=publication).text == "Full report text"
    assert set(publication.aliases.values_list("canonical_url", flat=True)) == {
        key("reports/7-moved"),
        key("files/7.pdf"),
    }
    assert FetchCache.objects.get(url_hash=FetchCache.key(entry.url)).etag == '"v7"'


@pytest.mark.django_db
def test_the_source_listed_first_keeps_a_publication_two_sources_list(run, config):
    """A joint report in two publishers' feeds: whichever copy is fetched first, the source
    listed first in pulse.toml keeps it (its publisher suggests the sector), so two runs of
    the same harvest give the same catalogue."""
    from policypulse.workspace import SourceConfig

    second = Source.objects.create(name="second", url="https://b.example/feed")
    first = Source.objects.create(name="first", url="https://a.example/feed")
    run.config.sources = [SourceConfig(name="first", url=first.url),
                          SourceConfig(name="second", url=second.url)]  # fmt: skip
    theirs = item(second, 5, url="https://b.example/joint-report")
    ours = item(first, 5, url="https://a.example/joint-report")
    assert run.store_many([theirs]) == ["new"]
    assert run.store_many([ours]) == ["duplicates"]
    (publication,) = Publication.objects.all()
    assert publication.source == first
    assert publication.canonical_url == canonical_url("https://a.example/joint-report")
    assert publication.aliases.filter(canonical_url=canonical_url(theirs[1].url)).exists()
    # ...and the other way round it stays: the first-listed source's copy came first.
    assert run.store_many([item(second, 5, url="https://b.example/joint-report-2")]) == [
        "duplicates"
    ]
    assert Publication.objects.get().source == first


@pytest.mark.django_db
@pytest.mark.parametrize("second_fetched_first", [True, False])
def test_one_address_in_two_feeds_belongs_to_the_source_listed_first(
    run, config, second_fetched_first
):
    """A partner's feed links the lead publisher's page: in either order, the source listed
    first keeps it with its own publisher name, and the other's copy changes nothing (before,
    the later copy overwrote the publisher: a run's edition depended on timing)."""
    from policypulse.workspace import SourceConfig

    lead = Source.objects.create(name="lead", url="https://a.example/feed", publisher="Lead Trust")
    partner = Source.objects.create(name="partner", url="https://b.example/feed",
                                    publisher="Partner Institute")  # fmt: skip
    run.config.sources = [SourceConfig(name="lead", url=lead.url),
                          SourceConfig(name="partner", url=partner.url)]  # fmt: skip
    ours = item(lead, 3, url="https://a.example/report")
    theirs = item(partner, 3, url="https://a.example/report?utm_source=partner")
    first, then = (theirs, ours) if second_fetched_first else (ours, theirs)
    assert run.store_many([first]) == ["new"]
    assert run.store_many([then]) == ["unchanged"]
    (publication,) = Publication.objects.all()
    assert (publication.source, publication.publisher) == (lead, "Lead Trust")
