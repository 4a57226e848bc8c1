"""Near-duplicates never swallow a publication: releases written from one template, with other
titles or other figures, stay apart; a true mirror (same title, same figures) is still merged."""

from __future__ import annotations

import html
import itertools
import random
import re

import pytest

from policypulse.catalogue.dedup import figures_agree, same_publication, titles_agree
from policypulse.catalogue.models import Publication, PublicationAlias
from policypulse.harvest.services import harvest
from policypulse.workspace import SourceConfig
from tests.conftest import LoopbackServer, data_path
from tests.harvest.conftest import rss

SERIES = ["homelessness-2023-q2", "homelessness-2023-q3",
          "homelessness-infographic-2023-q2", "homelessness-infographic-2024-q2"]  # fmt: skip


def release(name: str) -> tuple[str, str]:
    """(title, text) of a recorded real release (tests/data/series/NOTICE.md)."""
    header, text = data_path("series", f"{name}.txt").read_text("utf-8").split("\n---\n", 1)
    return header.split("\n", 1)[0].removeprefix("Title: "), text


def page(title: str, text: str, chrome: str = "") -> bytes:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line)
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"</head><body><nav>Home | Statistics</nav><main><h1>{html.escape(title)}</h1>"
        f"{paragraphs}</main><footer>{chrome}</footer></body></html>"
    ).encode()


def serve(server, pages: dict[str, tuple[str, str]], feed: str = "/feed.xml") -> None:
    for path, (title, text) in pages.items():
        server.routes[path] = (200, {"Content-Type": "text/html"}, page(title, text))
    items = [{"title": "", "path": path} for path in pages]
    server.routes[feed] = (200, {"Content-Type": "application/rss+xml"}, rss(server.base, items))


def with_figures(text: str, rng: random.Random, how_many: int) -> str:
    """The text with its first `how_many` figures replaced by other numbers."""
    count = itertools.count()

    def swap(match):
        if next(count) >= how_many:
            return match.group(0)
        return f"{rng.randint(10, 99)},{rng.randint(100, 999)}"

    return re.sub(r"\d[\d,.]*\d|\d", swap, text)


@pytest.mark.django_db
def test_sixty_releases_from_one_template_are_sixty_publications(http_server, config, make_fetcher):
    """Issue 11 finding 4: 60 pages with distinct URLs and titles, the same wording and other
    numbers, were stored as 55 (five became `mirror` aliases of other reports)."""
    _, template = release("homelessness-infographic-2023-q2")
    rng = random.Random(11)
    pages = {
        f"/stats/district-{n:02d}": (
            f"Homelessness in district {n:02d}: April to June 2023",
            with_figures(template, rng, 3),
        )
        for n in range(60)
    }
    serve(http_server, pages)
    config.sources = [SourceConfig(name="series", url=http_server.url("/feed.xml"))]

    (report,) = harvest(config, fetcher=make_fetcher())

    assert (report.new, report.duplicates, report.errors) == (60, 0, [])
    assert Publication.objects.count() == 60
    assert not PublicationAlias.objects.filter(reason="mirror").exists()


@pytest.mark.django_db
def test_the_same_title_with_a_changed_figure_is_another_publication(
    http_server, config, make_fetcher
):
    """A weekly page republished at a new address under the same title, one figure changed."""
    title, text = release("homelessness-2023-q2")
    changed = text.replace("76,760", "77,120", 1)
    assert changed != text
    serve(http_server, {"/week-1": (title, text), "/week-2": (title, changed)})
    config.sources = [SourceConfig(name="weekly", url=http_server.url("/feed.xml"))]

    (report,) = harvest(config, fetcher=make_fetcher())

    assert (report.new, report.duplicates) == (2, 0)
    texts = sorted(p.text for p in Publication.objects.all())
    assert any("77,120" in t for t in texts) and any("76,760" in t for t in texts)


@pytest.mark.django_db
def test_real_releases_of_one_series_are_separate_publications(http_server, config, make_fetcher):
    pages = {f"/statistics/{name}": release(name) for name in SERIES}
    serve(http_server, pages)
    config.sources = [SourceConfig(name="mhclg", url=http_server.url("/feed.xml"))]

    (report,) = harvest(config, fetcher=make_fetcher())

    assert (report.new, report.duplicates) == (4, 0)
    assert sorted(Publication.objects.values_list("title", flat=True)) == sorted(
        release(name)[0] for name in SERIES
    )
    # And the rule itself on the real pairs: the figures never agree; the titles of two
    # periods do not either (a release and its infographic share a title, not figures).
    for first, second in itertools.combinations(SERIES, 2):
        (title_a, text_a), (title_b, text_b) = release(first), release(second)
        assert not figures_agree(text_a, text_b)
        assert not same_publication([title_a], text_a, title_b, text_b)
    assert not titles_agree(release(SERIES[0])[0], release(SERIES[1])[0])


@pytest.mark.django_db
def test_a_true_mirror_on_another_host_is_still_merged(http_server, config, make_fetcher):
    """The same release, same title and figures, copied by another site with its chrome."""
    title, text = release("homelessness-2023-q2")
    mirror = LoopbackServer()
    try:
        serve(http_server, {"/statistics/release": (title, text)})
        mirror.routes["/copies/4711"] = (
            200,
            {"Content-Type": "text/html"},
            page(f"{title} - StatsMirror", text, chrome="Views 12,345 | Shared 67 times"),
        )
        mirror_url = mirror.url("/copies/4711").replace("127.0.0.1", "localhost")
        mirror.routes["/feed.xml"] = (200, {}, rss("", [{"title": "", "path": mirror_url}]))
        config.sources = [
            SourceConfig(name="original", url=http_server.url("/feed.xml")),
            SourceConfig(name="mirror", url=mirror.url("/feed.xml")),
        ]
        reports = {r.source: r for r in harvest(config, fetcher=make_fetcher())}
    finally:
        mirror.close()

    assert reports["original"].new + reports["mirror"].new == 1
    assert reports["original"].duplicates + reports["mirror"].duplicates == 1
    publication = Publication.objects.get()
    assert publication.title.startswith(title)
    alias = PublicationAlias.objects.exclude(reason="redirect").get()
    assert alias.publication == publication and alias.reason in ("mirror", "same-text")
