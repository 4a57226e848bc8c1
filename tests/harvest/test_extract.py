import datetime

import pytest

from policypulse.errors import ExtractError
from policypulse.harvest.extract import content_hash, decode_html, extract_html, extract_pdf

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Ignored | Site</title>
<meta property="og:site_name" content="Office for Care Review">
<meta name="citation_title" content="Adult day services: a review">
<meta name="citation_publication_date" content="2026/11/04">
<meta name="citation_author" content="Dr A. Author">
</head><body><nav>Home | About | Contact</nav><main><h1>Adult day services: a review</h1>
<p>This review looks at adult day services in 40 councils and what they offer carers.</p>
<p>It found that 62% of carers said day services let them keep working, and that places fell by 14% since 2019.</p>
<p>The report recommends that councils publish waiting times for day services each quarter.</p>
<p><a href="/files/review.pdf">Download the full report (PDF)</a></p></main>
<footer>Cookies | Privacy | Accessibility</footer></body></html>"""


def test_extract_html_finds_text_and_metadata():
    page = extract_html(PAGE.encode(), "https://care.example/p/review", "text/html")
    assert page.title == "Adult day services: a review"
    assert page.publisher == "Office for Care Review"
    assert page.authors == ["Dr A. Author"]
    assert "62% of carers" in page.text
    assert "Cookies | Privacy" not in page.text
    assert page.pdf_links == [
        ("https://care.example/files/review.pdf", "Download the full report (PDF)")
    ]


def test_extract_html_refuses_what_is_not_html():
    with pytest.raises(ExtractError, match="not an HTML page"):
        extract_html(b"\x00\x01binary stuff", "https://x.example/a", "application/octet-stream")
    with pytest.raises(ExtractError, match="is a PDF"):
        extract_html(b"%PDF-1.7 ...", "https://x.example/a", "text/html")


def test_wrong_declared_charset_falls_back():
    body = "<html><body><p>Caf\u00e9 \u2013 children\u2019s services</p></body></html>".encode()
    assert "Caf\u00e9" in decode_html(body, declared="ascii")


def test_corrupt_pdf_is_reported_not_raised():
    result = extract_pdf(b"%PDF-1.4\n1 0 obj <<>> endobj\ntruncated")
    assert result.status == "corrupt"
    assert extract_pdf(b"not a pdf").status == "corrupt"


def test_content_hash_ignores_whitespace_and_case():
    assert content_hash("A  b\nC") == content_hash("a b c")
    assert content_hash("a b c") != content_hash("a b d")


def test_real_pdf_text_page_by_page():
    from weasyprint import HTML

    pdf = HTML(
        string="<p>First page 38%</p><p style='break-before: page'>Second page</p>"
    ).write_pdf()
    result = extract_pdf(pdf)
    assert result.status == "ok"
    assert len(result.pages) == 2
    assert "38%" in result.pages[0] and "Second page" in result.pages[1]


def test_date_from_metadata_is_parsed():
    page = extract_html(PAGE.replace("2026/11/04", "2026-11-04").encode(), "https://c.example/x")
    assert page.published == datetime.date(2026, 11, 4)
