"""Property and fuzz tests of the harvester's pure cores on hostile input: canonical URLs,
HTML and PDF extraction, and the near-duplicate rule. Short runs (a few hundred cases in all);
the guard's address rule has its own in test_address_policy.py."""

from __future__ import annotations

import string
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from policypulse.catalogue.dedup import figures, figures_agree, titles_agree
from policypulse.catalogue.urls import canonical_url
from policypulse.errors import ExtractError
from policypulse.harvest.extract import extract_html, extract_pdf

HOSTILE_CHARS = st.characters(codec="utf-8", exclude_categories=["Cs"])
hosts = st.one_of(
    st.from_regex(r"\A(www\.){0,3}[a-zA-Z0-9-]{1,12}(\.[a-zA-Z]{2,6}){1,2}\.{0,2}\Z"),
    st.ip_addresses().map(lambda a: f"[{a}]" if a.version == 6 else str(a)),
    st.text(HOSTILE_CHARS, max_size=20),
)
ports = st.one_of(st.just(""), st.integers(0, 70000).map(lambda p: f":{p}"),
                  st.text(string.printable, max_size=6).map(lambda p: ":" + p))  # fmt: skip
paths = st.text(HOSTILE_CHARS, max_size=40).map(lambda p: "/" + p)
queries = st.one_of(
    st.just(""),
    st.lists(
        st.tuples(st.sampled_from(["utm_source", "id", "fbclid", "q", "x y", "a%26b"]),
                  st.text(HOSTILE_CHARS, max_size=10)),
        max_size=4,
    ).map(lambda pairs: "?" + "&".join(f"{k}={v}" for k, v in pairs)),
)  # fmt: skip
http_urls = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}{path}{query}{fragment}"
    ),
    st.sampled_from(["http", "https", "HTTP", "HtTpS"]),
    hosts,
    ports,
    paths,
    queries,
    st.one_of(st.just(""), st.text(HOSTILE_CHARS, max_size=10).map(lambda f: "#" + f)),
)
any_urls = st.one_of(http_urls, st.text(HOSTILE_CHARS, max_size=80))


@settings(max_examples=300)
@given(any_urls)
@example("http://[::1]/x")
@example("https://www.www.example.org/a")
@example("http://example.org:notaport/")
@example("http://[::1/")
@example("http:/// #")
@example("http://0/a/ #")
@example("http://0/ /")  # found by Hypothesis: "/ /" lost its slash, then its space
def test_canonical_url_never_raises_and_is_idempotent(url):
    once = canonical_url(url)
    assert isinstance(once, str)
    assert canonical_url(once) == once


@settings(max_examples=200)
@given(http_urls)
@example("http://0/??utm_source=")  # a doubled "?" hid a tracking parameter
@example("http://0.AA:?/?utm_source=")  # an empty port: the query starts at the "?"
def test_canonical_url_of_a_web_address_stays_https(url):
    once = canonical_url(url)
    try:
        urlsplit(url).port  # noqa: B018 - only a parsable address has a canonical form
        parsable = bool(urlsplit(url).hostname)
    except ValueError:
        parsable = False
    if parsable:
        assert once.startswith("https://")
        assert "#" not in once
        keys = [key for key, _ in parse_qsl(urlsplit(once).query, keep_blank_values=True)]
        assert not [key for key in keys if key.lower().startswith("utm_")], once


tags = st.sampled_from(["p", "div", "main", "article", "script", "style", "title", "h1", "a",
                        "table", "td", "meta", "html", "body", "head", "iframe", "svg"])  # fmt: skip
hostile_html = st.recursive(
    st.text(HOSTILE_CHARS, max_size=60),
    lambda inner: st.builds(
        lambda tag, attrs, body, close: (
            f"<{tag} {attrs}>{''.join(body)}" + (f"</{tag}>" if close else "")
        ),
        tags,
        st.text(HOSTILE_CHARS, max_size=20),
        st.lists(inner, max_size=4),
        st.booleans(),
    ),
    max_leaves=20,
)
charsets = st.sampled_from([None, "utf-8", "latin-1", "utf-16", "shift_jis", "no-such-charset"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(hostile_html.map(lambda h: h.encode("utf-8", "surrogatepass")), st.binary()),
    st.sampled_from(["text/html", "", "application/xhtml+xml", "application/pdf", "image/png"]),
    charsets,
)
@example(b"<IFRAME>", "text/html", None)  # htmldate's assert fired: a crash, not an ExtractError
def test_html_extraction_gives_a_result_or_an_extract_error(body, content_type, charset):
    try:
        page = extract_html(body, "https://example.org/p", content_type, charset)
    except ExtractError as exc:
        assert str(exc)
    else:
        assert isinstance(page.title, str) and isinstance(page.text, str)


def tiny_pdf() -> bytes:
    from weasyprint import HTML

    return HTML(string="<h1>Report</h1><p>Councils assessed 1,200 people.</p>").write_pdf()


@pytest.fixture(scope="module")
def real_pdf() -> bytes:
    return tiny_pdf()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_pdf_extraction_reports_a_status_never_raises(real_pdf, data):
    kind = data.draw(st.sampled_from(["random", "header", "truncated", "flipped"]))
    if kind == "random":
        body = data.draw(st.binary(max_size=2000))
    elif kind == "header":
        body = b"%PDF-1." + data.draw(st.binary(max_size=2000))
    elif kind == "truncated":
        body = real_pdf[: data.draw(st.integers(0, len(real_pdf)))]
    else:
        position = data.draw(st.integers(0, len(real_pdf) - 1))
        body = real_pdf[:position] + bytes([real_pdf[position] ^ 0xFF]) + real_pdf[position + 1 :]
    result = extract_pdf(body)
    assert result.status in ("ok", "encrypted", "corrupt", "image-only")
    if result.status != "ok":
        assert result.error or result.status == "image-only"


WORDS = ["the", "households", "duty", "relief", "of", "were", "in", "owed", "quarter"]
words = st.lists(st.sampled_from(WORDS), min_size=5, max_size=40)
numbers = st.integers(0, 10**6).map(lambda n: f"{n:,}")


@settings(max_examples=200)
@given(words, st.lists(numbers, min_size=1, max_size=8), st.data())
def test_figures_agree_with_a_mirror_and_not_with_a_changed_figure(prose, figs, data):
    text = " ".join(w + (f" {figs[i]}" if i < len(figs) else "") for i, w in enumerate(prose))
    chrome = data.draw(st.lists(numbers, max_size=3))
    mirrored = " ".join(chrome) + " " + text + " Views " + " ".join(chrome)
    assert figures_agree(text, mirrored) and figures_agree(mirrored, text)
    present = figures(text)
    if present:
        index = data.draw(st.integers(0, len(present) - 1))
        old = present[index]
        new = str(int(old) + data.draw(st.integers(1, 1000)))
        parts = text.split(" ")
        seen = -1
        for i, part in enumerate(parts):
            if part.replace(",", "").isdigit():
                seen += 1
                if seen == index:
                    parts[i] = new
        assert not figures_agree(text, " ".join(parts))


@settings(max_examples=200)
@given(st.text(HOSTILE_CHARS, max_size=60), st.text(HOSTILE_CHARS, max_size=30))
def test_titles_agree_with_what_a_mirror_adds_around_them(title, suffix):
    assert titles_agree(title, f"{title} - {suffix}")
    assert titles_agree(title, title.upper())
