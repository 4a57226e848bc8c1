import pytest

from policypulse.catalogue.urls import canonical_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://www.gov.uk/government/publications/x/",
            "https://gov.uk/government/publications/x",
        ),
        ("https://gov.uk:443/a?utm_source=feed&utm_medium=rss#section-2", "https://gov.uk/a"),
        ("https://Example.ORG/a?b=2&a=1&fbclid=zzz", "https://example.org/a?a=1&b=2"),
        ("https://example.org:8443/a//b/", "https://example.org:8443/a/b"),
        ("https://example.org", "https://example.org/"),
    ],
)
def test_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_distinct_queries_stay_distinct():
    assert canonical_url("https://x.org/p?id=1") != canonical_url("https://x.org/p?id=2")


@pytest.mark.django_db
def test_nul_characters_from_the_web_are_dropped_before_saving():
    """PostgreSQL refuses NUL in text; a page or PDF that holds one must still be stored."""
    from policypulse.catalogue.models import Publication

    publication = Publication.objects.create(
        url="https://example.org/a", canonical_url="https://example.org/a",
        title="Care\x00 report", text="Text\x00 with a NUL",
    )  # fmt: skip
    publication.refresh_from_db()
    assert (publication.title, publication.text) == ("Care report", "Text with a NUL")
