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
