"""The public archive, mounted at / by policypulse.web.urls: no log-in, published editions only."""

from django.urls import path, re_path

from policypulse.web import archive

app_name = "archive"

MONTH = r"(?P<month>[0-9]{4}-[0-9]{2})"

urlpatterns = [
    path("", archive.index, name="index"),
    path("feed.atom", archive.feed, name="feed"),
    path("sitemap.xml", archive.sitemap, name="sitemap"),
    re_path(rf"^editions/{MONTH}/$", archive.edition, name="edition"),
    re_path(
        rf"^editions/{MONTH}/edition\.(?P<fmt>pdf|docx|txt)$", archive.download, name="download"
    ),  # fmt: skip
    re_path(
        rf"^editions/{MONTH}/items/(?P<item_id>[0-9]{{1,18}})(?:-(?P<slug_text>[^/]*))?/$",
        archive.item,
        name="item",
    ),  # fmt: skip
]
