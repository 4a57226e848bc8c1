"""The harvest fixtures (fake time, fetchers, the corpus site) are shared with these tests."""

from tests.harvest.conftest import corpus, corpus_site, fake_time, make_fetcher  # noqa: F401
