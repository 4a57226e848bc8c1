import datetime

import pytest

from policypulse.errors import SourceError
from policypulse.sources.adapters.feed import parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>Report one</title><link>/p/one</link><pubDate>Tue, 03 Nov 2026 09:00:00 GMT</pubDate>
<description>&lt;p&gt;About &lt;b&gt;one&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>No date</title><link>https://x.example/p/two</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>Atom item</title><link rel="alternate" href="https://a.example/x"/><id>tag:a,1</id>
<updated>2026-11-05T10:00:00Z</updated><summary>S</summary></entry></feed>"""


def test_rss_entries_with_relative_links_and_missing_dates():
    entries = parse_feed(RSS, "https://x.example/feed.xml")
    assert [e.url for e in entries] == ["https://x.example/p/one", "https://x.example/p/two"]
    assert entries[0].published == datetime.date(2026, 11, 3)
    assert entries[0].summary == "About one"
    assert entries[1].published is None


def test_atom_entries():
    (entry,) = parse_feed(ATOM, "https://a.example/feed")
    assert entry.title == "Atom item"
    assert entry.published == datetime.date(2026, 11, 5)


def test_garbage_is_a_clear_error():
    with pytest.raises(SourceError, match="not a readable feed"):
        parse_feed(b"<html><body>Oops, an error page</body>", "https://x.example/feed")
