"""Where extraction runs: in this process, or in a pool of worker processes.

PDFium is not thread-safe and trafilatura holds the GIL, so in threads extraction runs on one
core at a time. The harvest hands each page and PDF to a process pool instead (one process per
usable core): extraction uses every core while the harvest's threads wait on the network and
the database, and a PDF that crashes PDFium takes down one worker, not the harvest. Workers
come from a forkserver that has the extraction modules imported and warmed already (`warm`), so
a new worker costs a fork, not an import and a first page's set-up; the pool lives as long as
the process and is shared by every harvest.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from policypulse.errors import ExtractError
from policypulse.harvest.extract import Extracted, PdfText, extract_html, extract_pdf, fingerprint


class LocalExtractor:
    """Extraction in the calling process (serialised by extract's lock). `fingerprinted` is
    for the main document: a pool makes its fingerprint where it made the text."""

    def html(self, body: bytes, url: str, content_type: str = "", charset: str | None = None,
             **options) -> Extracted:  # fmt: skip
        return extract_html(body, url, content_type, charset, **options)

    def pdf(self, body: bytes, fingerprinted: bool = False) -> PdfText:
        return extract_pdf(body)


def _html_fingerprinted(body: bytes, url: str, content_type: str, charset: str | None,
                        **options) -> Extracted:  # fmt: skip
    """In a worker: the page and its fingerprint, so the harvest's busy threads need not."""
    page = extract_html(body, url, content_type, charset, **options)
    page.fingerprint = fingerprint(page.text)
    return page


def _pdf_fingerprinted(body: bytes) -> PdfText:
    pdf = extract_pdf(body)
    pdf.fingerprint = fingerprint(pdf.text)
    return pdf


LOCAL = LocalExtractor()


class ProcessExtractor(LocalExtractor):
    """The same calls, run in worker processes; safe to call from many threads at once."""

    def __init__(self, workers: int):
        self.workers = workers
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def html(self, body: bytes, url: str, content_type: str = "", charset: str | None = None,
             **options) -> Extracted:  # fmt: skip
        try:
            return self._submit(_html_fingerprinted, body, url, content_type, charset, **options)
        except BrokenProcessPool:
            raise ExtractError(f"{url}: the extraction process crashed on this page") from None

    def pdf(self, body: bytes, fingerprinted: bool = False) -> PdfText:
        try:
            return self._submit(_pdf_fingerprinted if fingerprinted else extract_pdf, body)
        except BrokenProcessPool:
            return PdfText(status="corrupt", error="PDFium crashed reading it")

    def warm(self) -> None:
        """Start the workers now (a benchmark's warm-up, a long-running worker's start)."""
        futures = [self._pool().submit(os.getpid) for _ in range(self.workers * 2)]
        for future in futures:
            future.result()

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["policypulse.harvest.warm"])
                self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
            return self._executor

    def _submit(self, function, *args, **kwargs):
        executor = self._pool()
        try:
            return executor.submit(function, *args, **kwargs).result()
        except BrokenProcessPool:
            # One worker died (a crash in PDFium): the next document gets a fresh pool.
            with self._lock:
                if self._executor is executor:
                    self._executor = None
            executor.shutdown(wait=False, cancel_futures=True)
            raise


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_shared: dict[int, ProcessExtractor] = {}
_shared_lock = threading.Lock()


def extractor_for(processes: int) -> ProcessExtractor:
    """The process-wide pool of `processes` workers (0: one per usable core)."""
    workers = processes or usable_cores()
    with _shared_lock:
        if workers not in _shared:
            _shared[workers] = ProcessExtractor(workers)
        return _shared[workers]


@atexit.register
def close_all() -> None:
    """Stop every pool's workers and forkserver. Tasks call it when they end: an RQ work-horse
    leaves through os._exit, which skips atexit, and its pool would outlive it."""
    for extractor in list(_shared.values()):
        extractor.close()


def open_pools() -> int:
    return sum(extractor._executor is not None for extractor in _shared.values())
