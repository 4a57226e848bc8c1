"""Extraction in worker processes: the same results as in-process, and a worker that dies (as
PDFium can on a hostile PDF) costs one document, not the harvest."""

import os
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace

import pytest

from policypulse.harvest import pool
from policypulse.harvest.extract import extract_html, extract_pdf, fingerprint

from .pdfs import plain_pdf

PAGE = b"""<!DOCTYPE html><html><head><title>Prison education</title>
<meta name="citation_publication_date" content="2026-10-02"></head><body><main>
<h1>Prison education</h1><p>Only 31% of prisoners took part in education in 2025.</p>
<a href="/full.pdf">Download the report (PDF)</a></main></body></html>"""


@pytest.fixture
def workers():
    extractor = pool.ProcessExtractor(2)
    yield extractor
    extractor.close()


def test_workers_extract_what_the_process_would(workers):
    """...and fingerprint the main document where they read it (an attachment is not)."""
    here = extract_html(PAGE, "https://example.org/r", "text/html")
    there = workers.html(PAGE, "https://example.org/r", "text/html")
    assert replace(there, fingerprint=None) == here and "31% of prisoners" in there.text
    assert there.fingerprint == fingerprint(here.text) and there.fingerprint[0]
    assert there.pdf_links == [("https://example.org/full.pdf", "Download the report (PDF)")]
    report = plain_pdf("Key findings")
    assert workers.pdf(report) == extract_pdf(report)
    main = workers.pdf(report, fingerprinted=True)
    assert replace(main, fingerprint=None) == extract_pdf(report)
    assert main.fingerprint == fingerprint(main.text)
    assert workers.pdf(b"%PDF-1.4 broken").status == "corrupt"


def test_a_dead_worker_costs_one_document(workers):
    assert workers.pdf(plain_pdf("before")).status == "ok"
    with pytest.raises(BrokenProcessPool):
        workers._submit(os._exit, 3)  # what a segfault in PDFium looks like from here
    after = workers.pdf(plain_pdf("after the crash"))
    assert after.status == "ok" and "after the crash" in after.text


def test_one_pool_per_size_for_the_whole_process():
    assert pool.extractor_for(2) is pool.extractor_for(2)
    assert pool.extractor_for(0).workers == pool.usable_cores()


def _first_use_loaded() -> bool:
    from trafilatura import external

    return external.JT_STOPLIST is not None


def test_workers_start_with_the_extractors_first_use_set_up_done(workers):
    """The forkserver read a page before forking them: justext's stop lists (loaded on the
    first page that needs trafilatura's fallback) are there before any page is sent."""
    assert workers._submit(_first_use_loaded)
