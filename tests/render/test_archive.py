"""The public archive: published editions only, permalinks, Atom feed, sitemap, static export."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.test import Client

from policypulse.errors import EditionError
from policypulse.render.archive import item_page, publish_static
from policypulse.render.view import edition_view
from tests.render.conftest import make_edition
from tests.render.htmlcheck import check_html

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def editions(db):
    return {
        "approved": make_edition(n_items=6, month="2026-10", status="approved", hostile=True),
        "sent": make_edition(n_items=3, month="2026-09", status="sent"),
        "draft": make_edition(n_items=3, month="2026-11", status="draft"),
    }


@pytest.mark.django_db
def test_index_lists_published_editions_without_login(editions):
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    check_html(html)
    assert "October 2026" in html and "September 2026" in html
    assert "November 2026" not in html
    assert html.index("October 2026") < html.index("September 2026")


@pytest.mark.django_db
def test_edition_and_item_pages_have_stable_permalinks(editions, settings):
    client = Client()
    assert client.get("/editions/2026-11/").status_code == 404  # drafts are not public
    response = client.get("/editions/2026-10/")
    assert response.status_code == 200
    html = response.content.decode()
    check_html(html)
    view = edition_view(editions["approved"], settings.PULSE)
    for entry in view.entries:
        path = view.item_path(entry)
        assert f'href="{path}"' in html
        page = client.get(path)
        assert page.status_code == 200
        check_html(page.content.decode())
        renamed = client.get(f"/editions/2026-10/items/{entry.key}-old-title/")
        assert renamed.status_code == 301 and renamed["Location"] == path
    assert client.get("/editions/2026-10/items/999999/").status_code == 404
    draft_item = editions["draft"].items.first()
    assert client.get(f"/editions/2026-11/items/{draft_item.pk}/").status_code == 404


@pytest.mark.django_db
def test_hostile_text_is_escaped_in_the_archive(editions):
    client = Client()
    html = client.get("/editions/2026-10/").content.decode()
    assert "<script>alert" not in html and "\u202e" not in html
    assert "Care &amp; &lt;script&gt;alert(1)&lt;/script&gt; costs gnp.exe" in html
    feed = client.get("/feed.atom").content.decode()
    assert "<script>" not in feed


@pytest.mark.django_db
def test_atom_feed_and_sitemap(editions, settings):
    client = Client()
    response = client.get("/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo
    base = settings.PULSE.site.base_url
    assert [e.link for e in feed.entries] == [
        f"{base}/editions/2026-10/",
        f"{base}/editions/2026-09/",
    ]
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")]
    assert f"{base}/editions/2026-10/" in locations
    assert len(locations) == 1 + 2 + 6 + 3  # index, two editions, their items
    assert not any("2026-11" in loc for loc in locations)


@pytest.mark.django_db
def test_downloads_in_every_format(editions):
    client = Client()
    assert client.get("/editions/2026-10/edition.pdf").content.startswith(b"%PDF")
    assert client.get("/editions/2026-10/edition.docx").content.startswith(b"PK")
    assert b"Links:" in client.get("/editions/2026-10/edition.txt").content
    assert client.get("/editions/2026-11/edition.pdf").status_code == 404


@pytest.mark.django_db
def test_static_export_writes_what_serve_serves(editions, settings, tmp_path):
    written = publish_static(settings.PULSE, tmp_path, "2026-10", downloads=False)
    assert (tmp_path / "index.html").read_bytes() == Client().get("/").content
    page = tmp_path / "editions" / "2026-10" / "index.html"
    assert page.read_bytes() == Client().get("/editions/2026-10/").content
    assert (tmp_path / "feed.atom").is_file() and (tmp_path / "sitemap.xml").is_file()
    items = list((tmp_path / "editions" / "2026-10" / "items").glob("*/index.html"))
    assert len(items) == 6 and len(written) == 3 + 1 + 6
    assert not (tmp_path / "editions" / "2026-09").exists()  # only the month asked for
    with pytest.raises(EditionError, match="draft"):
        publish_static(settings.PULSE, tmp_path, "2026-11")


@pytest.mark.django_db
def test_a_missing_item_is_an_edition_error_where_the_pages_are_built(editions, settings):
    """The builders live in render/, which knows no HTTP: the view turns this into a 404."""
    with pytest.raises(EditionError, match="no item 999999"):
        item_page(settings.PULSE, editions["approved"], 999999)
