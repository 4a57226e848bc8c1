"""The bundled demo corpus is ours, big enough, and a real little web."""

import datetime
import json
from collections import Counter
from importlib import resources
from pathlib import Path

import feedparser

from policypulse.demo.site import DemoServer, load_corpus

REAL_PAGES = Path(__file__).resolve().parents[1] / "data" / "corpus" / "pages.jsonl"


def test_corpus_shape():
    corpus = load_corpus()
    publications = corpus["publications"]
    counts = Counter((p["sector"], p["type"]) for p in publications)
    for sector in ("children", "justice", "adult-care"):
        assert counts[(sector, "report")] >= 1 and counts[(sector, "briefing")] >= 1
    assert sum(n for (sector, _), n in counts.items() if sector != "out") >= 24
    assert sum(n for (sector, _), n in counts.items() if sector == "out") >= 4
    assert {p["feed"] for p in corpus["publishers"]} == {"rss", "atom"}
    assert any(p.get("pdf") for p in publications)
    assert len({p["slug"] for p in publications}) == len(publications)


def test_corpus_copies_no_sentence_from_real_pages():
    """Our demo text is written for this project: no 12-word run of it is in the real pages
    recorded for the tests, nor in the house examples."""
    house = resources.files("policypulse.triage").joinpath("house_examples.jsonl")
    lines = REAL_PAGES.read_text(encoding="utf-8").splitlines()
    lines += house.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 49
    real_text = " ".join(
        json.loads(line).get(field, "") for line in lines for field in ("text", "summary", "title")
    ).lower()
    real_words = real_text.split()
    shingles = {" ".join(real_words[i : i + 12]) for i in range(len(real_words) - 11)}
    publications = load_corpus()["publications"]
    assert len(publications) >= 28  # an empty corpus must not pass
    checked = 0
    for publication in publications:
        words = (
            " ".join(
                p
                for s in publication["sections"]
                for p in s.get("paragraphs", []) + s.get("bullets", [])
            )
            .lower()
            .split()
        )
        for i in range(len(words) - 11):
            assert " ".join(words[i : i + 12]) not in shingles, publication["slug"]
            checked += 1
    assert checked >= 100 * len(publications)  # every publication has prose to compare


def test_server_serves_feeds_pages_and_pdfs():
    import httpx

    corpus = load_corpus()
    with DemoServer() as server:
        feeds = server.feeds()
        assert len(feeds) == len(corpus["publishers"])
        seen = 0
        for feed in feeds:
            parsed = feedparser.parse(httpx.get(feed["url"]).content)
            assert not parsed.bozo, feed["url"]
            for entry in parsed.entries:
                page = httpx.get(entry.link)
                assert page.status_code == 200
                assert "<h1>" in page.text
                seen += 1
        assert seen >= len(corpus["publications"])
        pdf_pub = next(p for p in corpus["publications"] if p.get("pdf"))
        from policypulse.demo.site import page_path

        pdf = httpx.get(server.base + page_path(corpus, pdf_pub) + "/report.pdf")
        assert pdf.content.startswith(b"%PDF-")
    for publication in corpus["publications"]:
        datetime.date.fromisoformat(publication["date"])
