import datetime

import pytest

from policypulse.decoding import parse_html
from policypulse.errors import ExtractError
from policypulse.harvest.extract import (
    QUICK_PASS_ENOUGH,
    content_hash,
    decode_html,
    extract_html,
    extract_pdf,
    main_text,
)

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


def test_encrypted_pdf_made_for_real_is_recorded_as_encrypted():
    import pypdfium2 as pdfium

    from .pdfs import encrypted_pdf

    body = encrypted_pdf("Secret findings", user_password=b"letmein")
    # It is a real encrypted PDF: with its password it opens and reads.
    opened = pdfium.PdfDocument(body, password="letmein")
    assert "Secret findings" in opened[0].get_textpage().get_text_bounded()
    opened.close()
    result = extract_pdf(body)
    assert result.status == "encrypted" and result.pages == []
    assert "password" in result.error.lower()


def test_truncated_pdf_is_corrupt():
    from weasyprint import HTML

    from .pdfs import truncated_pdf

    full = HTML(string="<p>x</p>" * 500).write_pdf()
    assert extract_pdf(full).status == "ok"
    assert extract_pdf(truncated_pdf(full)).status == "corrupt"


def test_key_section_prefers_the_executive_summary_over_the_contents():
    from policypulse.harvest.extract import key_section

    pages = [
        "Contents\nExecutive summary 3\nIntroduction 5",
        "Foreword\nSome words.\nExecutive summary\n"
        + "Demand for assessments rose by 12% while staffing fell. " * 8,
        "1. Introduction\nThis chapter sets out the background.",
    ]
    section = key_section(pages)
    assert section.startswith("Demand for assessments rose by 12%")
    assert "background" not in section
    assert key_section(["No headings here, just text. " * 20]) == ""


def test_date_in_text_prefers_a_published_line():
    from policypulse.harvest.extract import date_in_text

    text = "Site news 3 Jan 2020. Published: 16 December 2016. Updated 2017-01-02"
    assert date_in_text(text) == datetime.date(2016, 12, 16)
    assert date_in_text("Released on Sept. 4, 2021") == datetime.date(2021, 9, 4)
    assert date_in_text("in 2019 and 31 February 2020") is None


def test_publisher_date_and_authors_from_json_ld_and_a_visible_date():
    page = b"""<html><head><title>T</title><script type="application/ld+json">
    {"@type": "Report", "headline": "Care home fees 2026", "publisher": {"name": "Care Institute"},
     "author": [{"name": "A. Smith"}, {"name": "B. Jones"}]}</script></head><body><main>
    <h1>Care home fees 2026</h1><p>Published 4 November 2026</p>
    <p>Fees rose by 9% on average across 120 councils, the survey of providers found.</p>
    </main></body></html>"""
    page_data = extract_html(page, "https://ci.example/r", "text/html")
    assert page_data.title == "Care home fees 2026"
    assert page_data.publisher == "Care Institute"
    assert page_data.authors == ["A. Smith", "B. Jones"]
    assert page_data.published == datetime.date(2026, 11, 4)


def test_xhtml_with_an_xml_declaration_and_download_links():
    body = b"""<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">
    <head><title>Prison education</title></head><body><main><h1>Prison education</h1>
    <p>Only 31% of prisoners took part in education, the inspectorate found this year.</p>
    <a href="/dl?id=7">Download the full report (PDF, 2 MB)</a> <a href="/data">Download data</a>
    </main></body></html>"""
    page = extract_html(body, "https://hmi.example/r", "application/xhtml+xml")
    assert page.title == "Prison education" and "31% of prisoners" in page.text
    assert page.pdf_links == [
        ("https://hmi.example/dl?id=7", "Download the full report (PDF, 2 MB)")
    ]


@pytest.mark.parametrize(
    ("body", "declared", "expected"),
    [
        ("Children\u2019s caf\u00e9".encode(), "iso-8859-1", "Children\u2019s caf\u00e9"),
        ("Caf\u00e9 \u2013 review".encode("cp1252"), "utf-8", "Caf\u00e9 \u2013 review"),
        ("\ufeffBOM page".encode("utf-8"), None, "BOM page"),
    ],
)
def test_decode_html_survives_wrong_declarations(body, declared, expected):
    html = b"<html><body><p>" + body + b"</p></body></html>"
    assert expected in decode_html(html, declared)


def _govuk_page(record_id: str, head: str = "", attachment: str = "") -> bytes:
    """A recorded GOV.UK page (tests/data/corpus/raw) in GOV.UK's markup: its first line is
    the document-type label GOV.UK shows above the title, its second the title."""
    from html import escape

    from tests.harvest.conftest import raw_text

    lines = [line.strip() for line in raw_text(record_id).splitlines() if line.strip()]
    label, title, paragraphs = lines[0], lines[1], lines[2:12]
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{escape(title)} - GOV.UK</title>{head}</head><body><main>"
        f'<span class="govuk-caption-xl gem-c-title__context">{escape(label)}</span>'
        f"<h1>{escape(title)}</h1>{attachment}{body}</main></body></html>"
    ).encode()


def test_the_document_type_a_recorded_govuk_page_shows_is_extracted():
    from policypulse.triage.publication_type import type_by_rules

    page = extract_html(_govuk_page("decc-evaluation-heat-networks-delivery-unit"),
                        "https://www.gov.uk/government/publications/x")  # fmt: skip
    assert page.document_type == "Research and analysis"
    assert type_by_rules(page.title, page.publisher, page.document_type)[0] == "report"
    annual = extract_html(_govuk_page("ofsted-annual-report-2018-19-hmci-commentary"),
                          "https://www.gov.uk/government/publications/y")  # fmt: skip
    assert annual.document_type == "Corporate report"
    assert type_by_rules(annual.title, annual.publisher, annual.document_type)[0] == "briefing"


def test_govuk_format_meta_comes_first_then_json_ld():
    meta = '<meta name="govuk:format" content="official_statistics">'
    page = extract_html(_govuk_page("moj-flexible-cjs-pilots-process-evaluation-2013", meta),
                        "https://www.gov.uk/x")  # fmt: skip
    assert page.document_type == "official_statistics"
    json_ld = ('<script type="application/ld+json">{"@graph": [{"@type": "WebPage"}, '
               '{"@type": "ScholarlyArticle", "headline": "A study"}]}</script>')  # fmt: skip
    plain = extract_html(f"<html><head>{json_ld}</head><body><p>A study.</p></body></html>".encode(),
                         "https://journal.example/a")  # fmt: skip
    assert plain.document_type == "ScholarlyArticle"
    assert extract_html(b"<html><body><p>Nothing said.</p></body></html>",
                        "https://x.example/").document_type == ""  # fmt: skip


def test_the_pdf_length_an_attachment_block_states_is_kept_by_url():
    """GOV.UK's attachment markup (the figures here are made up for the markup test)."""
    attachment = (
        '<section class="gem-c-attachment"><div class="gem-c-attachment__details">'
        '<h3 class="gem-c-attachment__title"><a href="/media/1/report.pdf">Final report</a></h3>'
        '<p class="gem-c-attachment__metadata"><span>PDF</span>, <span>1.2 MB</span>, '
        "<span>84 pages</span></p></div></section>"
        '<section class="gem-c-attachment"><h3><a href="/media/2/annex.pdf">Annex</a></h3>'
        "<p>PDF, 300 KB</p></section>"
    )
    page = extract_html(_govuk_page("decc-evaluation-heat-networks-delivery-unit", "", attachment),
                        "https://www.gov.uk/government/publications/x")  # fmt: skip
    assert page.pdf_pages == {"https://www.gov.uk/media/1/report.pdf": 84}


def test_a_fetched_page_carries_its_type_and_an_unreadable_pdf_its_stated_length(
    http_server, make_fetcher
):
    """The harvest fills what the type rules read: the page's document type, and the stated
    page count of a PDF that could not be read (here it is not a PDF at all)."""
    from policypulse.harvest.documents import fetch_document
    from policypulse.sources.adapters import DiscoveredEntry

    attachment = (
        '<section class="gem-c-attachment"><h3><a href="/media/report.pdf">Final report</a></h3>'
        "<p>PDF, 2 MB, 120 pages</p></section>"
    )
    page = _govuk_page("decc-evaluation-heat-networks-delivery-unit", "", attachment)
    http_server.routes["/pub"] = (200, {"Content-Type": "text/html"}, page)
    http_server.routes["/media/report.pdf"] = (200, {"Content-Type": "application/pdf"},
                                               b"%PDF-1.4 broken")  # fmt: skip
    document = fetch_document(DiscoveredEntry(url=http_server.url("/pub")), make_fetcher())
    assert document.document_type == "Research and analysis"
    (pdf,) = document.attachments
    assert pdf["status"] != "ok" and pdf["pages"] == 120


FORMS_PAGE = """<!DOCTYPE html><html><head><title>Consultation | Council</title>
<meta name="citation_author" content="A. Writer"><meta name="citation_author" content=" ">
<meta name="citation_author" content="B. Writer"><meta name="govuk:format" content="">
<script type="application/ld+json">{"@type": "Report", "headline": "Day services",
"datePublished": "2026-03-02", "publisher": {"name": "The Council"}}</script>
<script type="application/ld+json">{not json</script></head><body><!-- a comment -->
<form action="/search"><label for="q">Search</label><input id="q" name="q" value="day">
<select name="s"><option>All</option></select><textarea name="t">Say more</textarea></form>
<main><h1>Consultation on day services</h1><?php echo 1; ?>
<p>The council asks carers and users about 12 day centres, and what should change by 2027.</p>
<p>Answers close on 30 April 2026; a report on what was said follows in the summer.</p>
<p><a href="/d/consultation.pdf">Consultation document</a> PDF, 1.2 MB, 24 pages</p>
</main></body></html>"""


def test_element_classes_chosen_in_c_extract_what_lxml_html_does(monkeypatch, corpus):
    """The parser picks every element's class in C (lxml.html's own calls back into Python
    per element): pages, forms, comments and processing instructions extract exactly as they
    did with lxml.html's parser."""
    import lxml.html

    from policypulse import decoding
    from tests.harvest.conftest import corpus_page

    pages = [corpus_page(record, index) for index, record in enumerate(corpus)]
    pages += [FORMS_PAGE.encode(), PAGE.encode(),
              _govuk_page("decc-evaluation-heat-networks-delivery-unit")]  # fmt: skip
    url = "https://example.org/publications/a"
    ours = [extract_html(page, url, "text/html") for page in pages]
    assert type(decoding.parse_html(FORMS_PAGE, url).find(".//form")) is lxml.html.HtmlElement
    monkeypatch.setattr(decoding, "html_parser", lxml.html.HTMLParser)
    assert type(decoding.parse_html(FORMS_PAGE, url).find(".//form")) is lxml.html.FormElement
    assert [extract_html(page, url, "text/html") for page in pages] == ours
    forms = ours[len(corpus)]
    assert forms.authors == ["A. Writer", "B. Writer"]
    assert forms.document_type == "Report"
    assert forms.publisher == "The Council"
    assert forms.published == datetime.date(2026, 3, 2)
    assert forms.pdf_pages == {"https://example.org/d/consultation.pdf": 24}
    assert "12 day centres" in forms.text


def _passes(monkeypatch) -> list[bool]:
    """Records each trafilatura run main_text makes (quick or full); the runs are real."""
    import trafilatura

    made, real = [], trafilatura.bare_extraction

    def recorded(*args, fast=False, **kwargs):
        made.append(fast)
        return real(*args, fast=fast, **kwargs)

    monkeypatch.setattr(trafilatura, "bare_extraction", recorded)
    return made


def _full_run(html: str) -> str:
    import trafilatura

    document = trafilatura.bare_extraction(
        parse_html(html, "https://care.example/p"), url="https://care.example/p",
        with_metadata=False, include_comments=False, favor_precision=False,
    )  # fmt: skip
    return document.text


def test_a_thin_page_gets_trafilaturas_full_run(monkeypatch):
    """The quick pass finds under QUICK_PASS_ENOUGH characters here: the full run (with its
    readability and justext comparison) decides, on the same tree."""
    expected = _full_run(PAGE)
    made = _passes(monkeypatch)
    text = main_text(parse_html(PAGE, "https://care.example/p"), "https://care.example/p")
    assert made == [True, False] and text == expected and len(text) < QUICK_PASS_ENOUGH


def test_a_long_page_is_read_by_the_quick_pass_alone(monkeypatch):
    findings = "".join(
        f"<p>Finding {n}: in {n + 3} of the 40 councils visited, carers waited more than "
        f"{n + 2} weeks for a day service place, and {n}% said they had cut their hours.</p>"
        for n in range(1, 16)
    )
    page = PAGE.replace("<p>The report recommends", findings + "<p>The report recommends")
    made = _passes(monkeypatch)
    text = extract_html(page.encode(), "https://care.example/p", "text/html").text
    assert made == [True] and len(text) >= QUICK_PASS_ENOUGH
    assert "Finding 15: in 18 of the 40 councils" in text and "Cookies | Privacy" not in text
