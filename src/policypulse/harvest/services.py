"""Harvest: sources in, publications stored. One failing source never stops the others.

The network and the CPU work (discovering entries, fetching, extracting, fingerprinting) run
in a thread pool, so slow hosts overlap while each host keeps its own rate limit; everything
that touches the database runs in the calling thread. Fetched documents are stored a batch at
a time: a run of new publications goes in with one INSERT per table and one transaction (one
by one, storing cost the harvest process a third of its CPU, mostly Django compiling each
INSERT); anything that needs the catalogue's state first (an update, a twin, an adopted report
PDF) is stored on its own, in order, as before. A run interrupted halfway is safe to rerun:
what was stored is known next time, and a source's ETag/Last-Modified is saved only once all
its entries were stored.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import queue as queues
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from django.db import IntegrityError, transaction
from django.utils import timezone

from policypulse.audit.services import record
from policypulse.catalogue import dedup
from policypulse.catalogue.apps import drop_nul_characters
from policypulse.catalogue.models import Attachment, Publication, PublicationAlias
from policypulse.catalogue.urls import canonical_url
from policypulse.errors import PulseError
from policypulse.harvest.documents import FetchedDocument, RawBody, fetch_document, read_file
from policypulse.harvest.fetch import Fetcher
from policypulse.harvest.models import FetchCache, RawDocument
from policypulse.harvest.pool import extractor_for
from policypulse.rules import filter_entries
from policypulse.sources.adapters import KINDS, DiscoveredEntry, adapter_for
from policypulse.sources.models import Source
from policypulse.workspace import Config

log = logging.getLogger(__name__)

MANUAL_SOURCE = "added-by-hand"
BATCH_DOCUMENTS = 32  # fetched documents stored together, at most
BATCH_BYTES = 16 * 1024 * 1024  # ... and at most this much text and raw bytes held for it


@dataclass
class SourceReport:
    source: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    dropped: int = 0  # entries the source's keep/block rules left out
    paused: bool = False  # this failure paused the source

    @property
    def failed(self) -> bool:
        return bool(self.errors) and not (self.new or self.updated or self.unchanged)


def sync_sources(config: Config) -> None:
    """Make the Source table agree with pulse.toml's [[sources]] (hand-added ones stay)."""
    for declared in config.sources:
        Source.objects.update_or_create(
            name=declared.name,
            defaults={
                "url": declared.url,
                "kind": declared.kind,
                "publisher": declared.publisher,
                "selector": declared.selector,
                "interval": declared.interval,
                "sectors": declared.sectors,
                "keep": declared.keep,
                "block": declared.block,
                "main_selector": declared.main_selector,
                "from_config": True,
            },
        )


def harvest(
    config: Config,
    *,
    only: str | None = None,
    fetcher: Fetcher | None = None,
    on_entry=None,
    on_discovered=None,
    due_only: bool = False,
    now: datetime.datetime | None = None,
    on_skipped=None,
) -> list[SourceReport]:
    """Harvest every enabled source that is not paused (or `only` one). With `due_only`,
    sources whose next due time has not come are skipped, and `on_skipped(source)` is told.
    `on_discovered(source, n)` is told how many entries a source lists, `on_entry(source,
    entry)` when each is done (fetched, or known and unchanged). `now` is for tests."""
    sync_sources(config)
    now = now or timezone.now()
    sources = Source.objects.filter(enabled=True).exclude(kind=Source.Kind.MANUAL)
    if only:
        sources = sources.filter(name=only)
        if not sources:
            raise PulseError(f"no source named {only!r}; see `pulse sources list`")
        if sources[0].paused_at:
            raise PulseError(
                f"source {only!r} is paused after {sources[0].consecutive_failures} failures "
                f"({sources[0].last_error[:200]}); `pulse sources resume {only}` first"
            )
    chosen = []
    for source in sources.filter(paused_at__isnull=True):
        if due_only and not only and not source.is_due(now):
            if on_skipped:
                on_skipped(source)
            continue
        chosen.append(source)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(config.harvest)
    try:
        run = _Run(config, fetcher, on_entry=on_entry, on_discovered=on_discovered, now=now)
        return run.harvest(chosen)
    finally:
        if own_fetcher:
            fetcher.close()


@dataclass
class Overrides:
    """What the editor says about a publication added by hand; empty values say nothing."""

    title: str = ""
    publisher: str = ""
    published: datetime.date | None = None

    def entry(self, url: str, known: Publication | None = None) -> DiscoveredEntry:
        """The entry to store under; a publication already known keeps its title, publisher
        and date unless they are overridden (adding it again must not undo an override)."""
        return DiscoveredEntry(
            url=url,
            title=self.title.strip() or (known.title if known else ""),
            publisher=self.publisher.strip() or (known.publisher if known else ""),
            published=self.published or (known.published if known else None),
        )


def _manual_source(url: str) -> Source:
    source, _ = Source.objects.get_or_create(
        name=MANUAL_SOURCE, defaults={"url": url, "kind": Source.Kind.MANUAL}
    )
    return source


def add_item(
    config: Config, url: str, *, fetcher: Fetcher | None = None, overrides: Overrides | None = None
):
    """Fetch one publication URL (HTML or PDF) by hand: (publication, outcome)."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise PulseError(f"{url!r} is not an http(s) URL")
    source = _manual_source(url)
    own_fetcher = fetcher is None
    fetcher = fetcher or Fetcher(config.harvest)
    try:
        run = _Run(config, fetcher)
        known = dedup.find_known([canonical_url(url)])
        entry = (overrides or Overrides()).entry(url, known)
        document = fetch_document(entry, fetcher, follow_pdfs=config.harvest.follow_pdfs,
                                  keep_raw=config.harvest.keep_raw,
                                  **_validators(url if known else None))  # fmt: skip
        outcome, publication = run.store(source, entry, known, document)
        if overrides and publication is not None and outcome in ("unchanged", "duplicates"):
            _apply_overrides(publication, overrides)
    finally:
        if own_fetcher:
            fetcher.close()
    if publication is None:
        publication = dedup.find_known([canonical_url(url)])
    source.record_success()
    source.save()
    return publication, outcome


def add_file(
    config: Config,
    data: bytes,
    filename: str,
    *,
    actor,
    url: str = "",
    overrides: Overrides | None = None,
):
    """A publication that arrived as a file (PDF, DOCX or HTML): an embargoed report emailed to
    the editor, a client's own paper. `url` is its public address when it has one; without
    one it is known by its content (`upload:sha256:...`). Audited as `actor`'s addition.
    Returns (publication, outcome) like `add_item`."""
    limit = int(config.harvest.max_body_megabytes * 1024 * 1024)
    if len(data) > limit:
        raise PulseError(
            f"{filename!r} is larger than max_body_megabytes ({config.harvest.max_body_megabytes:g})"
        )
    if not data:
        raise PulseError(f"{filename!r} is empty")
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise PulseError(f"{url!r} is not an http(s) URL")
    key = url or f"upload:sha256:{hashlib.sha256(data).hexdigest()}"
    document = read_file(data, filename, key)
    overrides = overrides or Overrides()
    known = dedup.find_known([canonical_url(key)])
    entry = document.entry = overrides.entry(key, known)
    source = _manual_source(url or "upload:")
    outcome, publication = _Run(config, None).store(source, entry, known, document)
    if outcome in ("unchanged", "duplicates"):
        _apply_overrides(publication, overrides)
    if not url and publication.url == key:
        Publication.objects.filter(pk=publication.pk).update(url="")  # no public address
        publication.url = ""
    record(actor, "add-publication", publication, after={
        "file": filename, "url": url, "outcome": outcome, "title": publication.title,
        "publisher": publication.publisher,
        "published": publication.published.isoformat() if publication.published else None,
    })  # fmt: skip
    return publication, outcome


def _apply_overrides(publication: Publication, overrides: Overrides) -> None:
    """The editor's title, publisher and date win over what was extracted, even when the
    publication was already known."""
    changed = {}
    if overrides.title.strip():
        changed["title"] = overrides.title.strip()[:1000]
    if overrides.publisher.strip():
        changed["publisher"] = overrides.publisher.strip()[:300]
    if overrides.published:
        changed["published"] = overrides.published
    if changed:
        Publication.objects.filter(pk=publication.pk).update(**changed)
        for name, value in changed.items():
            setattr(publication, name, value)


@dataclass
class _SourceState:
    source: Source
    report: SourceReport
    started: float
    pending: int = 0
    validators: tuple[str, str] = ("", "")


class _Run:
    """One harvest run: a pool for network and CPU, the calling thread for the database."""

    def __init__(
        self, config: Config, fetcher: Fetcher, on_entry=None, on_discovered=None, now=None
    ):
        self.now = now
        self.config = config
        self.fetcher = fetcher
        self.on_entry = on_entry
        self.on_discovered = on_discovered
        self.workers = max(1, config.harvest.concurrency)
        self.near: dedup.NearDuplicates | None = None
        self.stored: dict[str, int] = {}  # canonical URL -> publication id, this run
        self.stored_ids: set[int] = set()  # the publications this run stored or met
        self.extractor = extractor_for(config.harvest.extraction_processes)
        self.waiting: list[tuple] = []  # (state, entry, known, document) fetched, not stored
        self.waiting_bytes = 0

    def harvest(self, sources: list[Source]) -> list[SourceReport]:
        states = {
            source.pk: _SourceState(source, SourceReport(source.name), time.monotonic())
            for source in sources
        }
        self.near = dedup.NearDuplicates.from_database()
        queue: deque = deque()
        running: dict[Future, tuple] = {}
        # Finished jobs arrive here, one at a time: `wait` on every running future would set
        # up and tear down a waiter on each of them per finished job.
        finished: queues.SimpleQueue[Future] = queues.SimpleQueue()

        def submit(*job) -> Future:
            future = pool.submit(*job)
            future.add_done_callback(finished.put)
            return future

        with ThreadPoolExecutor(self.workers, thread_name_prefix="harvest") as pool:
            for state in states.values():
                state.validators = (state.source.etag, state.source.last_modified)
                adapter = adapter_for(state.source.kind) if state.source.kind in KINDS else None
                if adapter is None:
                    self._source_failed(state, f"no adapter for kind {state.source.kind!r}")
                    continue
                running[submit(adapter.discover, state.source, self.fetcher)] = ("discover", state)
            while running:
                future = finished.get()
                what, state, *rest = running.pop(future)
                if what == "discover":
                    self._discovered(state, future, queue)
                else:
                    self._fetched(state, future, *rest)
                # Top up: a bounded number of documents in flight keeps memory flat.
                while queue and len(running) < self.workers * 2:
                    state, entry, known, validators = queue.popleft()
                    job = submit(self._fetch_job, state.source, entry, validators)
                    running[job] = ("fetch", state, entry, known)
                if self.waiting and (not running or self._batch_full()):
                    self._flush()
        return [state.report for state in states.values()]

    def _discovered(self, state: _SourceState, future: Future, queue: deque) -> None:
        try:
            entries = future.result()
        except PulseError as exc:
            self._source_failed(state, str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a broken source must not stop the others
            log.exception("adapter crashed", extra={"source": state.source.name})
            self._source_failed(state, f"unexpected error: {exc!r}")
            return
        planned = 0
        entries, state.report.dropped = filter_entries(entries or [], state.source.rules)
        if self.on_discovered:
            self.on_discovered(state.source, len(entries))
        found = dedup.find_known_many([canonical_url(entry.url) for entry in entries])
        for entry in entries:
            known = found.get(canonical_url(entry.url))
            # Stored this run by a source listed after this one: fetched again, to be ours (_store).
            ours = known is not None and self._listed_before(state.source, known)
            if (
                known
                and not ours
                and not dedup.entry_changed(known, entry, canonical_url(entry.url))
            ):
                state.report.unchanged += 1
                if self.on_entry:
                    self.on_entry(state.source, entry)
                continue
            validators = _validators(entry.url) if known and not ours else {}
            queue.append((state, entry, known, validators))
            planned += 1
        state.pending = planned
        if not planned:
            self._source_done(state)

    def _fetch_job(
        self, source: Source, entry: DiscoveredEntry, validators: dict
    ) -> FetchedDocument:
        """Runs in the pool: no database here."""
        adapter = adapter_for(source.kind) if source.kind in KINDS else None
        if adapter is not None and hasattr(adapter, "enrich"):
            entry = adapter.enrich(entry, self.fetcher)
        return fetch_document(
            entry, self.fetcher, follow_pdfs=self.config.harvest.follow_pdfs,
            main_selector=source.main_selector, extractor=self.extractor,
            keep_raw=self.config.harvest.keep_raw, **validators,
        )  # fmt: skip

    def _fetched(self, state: _SourceState, future: Future, entry: DiscoveredEntry, known) -> None:
        try:
            document = future.result()
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            self._entry_done(state, entry, exc)
            return
        self.waiting.append((state, entry, known, document))
        self.waiting_bytes += len(document.text) + sum(len(raw.body) for raw in document.raw)
        self.waiting_bytes += sum(len(attachment["text"]) for attachment in document.attachments)

    def _batch_full(self) -> bool:
        return len(self.waiting) >= BATCH_DOCUMENTS or self.waiting_bytes >= BATCH_BYTES

    def _flush(self) -> None:
        """Store what was fetched, then count each entry in its source's report."""
        waiting, self.waiting, self.waiting_bytes = self.waiting, [], 0
        items = [(state.source, document.entry, known, document)
                 for state, _, known, document in waiting]  # fmt: skip
        results = self.store_many(items)
        for (state, entry, _, document), result in zip(waiting, results, strict=True):
            if not isinstance(result, Exception):
                setattr(state.report, result, getattr(state.report, result) + 1)
                if document.problem:
                    state.report.errors.append(f"{entry.url}: {document.problem}")
            self._entry_done(state, entry, result if isinstance(result, Exception) else None)

    def _entry_done(self, state: _SourceState, entry: DiscoveredEntry, error=None) -> None:
        if isinstance(error, PulseError):
            state.report.errors.append(f"{entry.url}: {error}")
        elif error is not None:
            log.error("storing failed", exc_info=error,
                      extra={"source": state.source.name, "url": entry.url})  # fmt: skip
            state.report.errors.append(f"{entry.url}: unexpected error: {error!r}")
        if self.on_entry:
            self.on_entry(state.source, entry)
        state.pending -= 1
        if state.pending == 0:
            self._source_done(state)

    def _source_done(self, state: _SourceState) -> None:
        source = state.source
        if state.report.errors:
            # Keep the old validators so the next run sees the entries that failed again.
            source.etag, source.last_modified = state.validators
        source.record_success(self.now, getattr(source, "server_hint", datetime.timedelta(0)))
        source.save()
        state.report.seconds = time.monotonic() - state.started

    def _source_failed(self, state: _SourceState, error: str) -> None:
        source = state.source
        source.etag, source.last_modified = state.validators
        source.record_failure(error, self.now, self.config.harvest.pause_after_failures)
        source.save()
        state.report.paused = source.paused_at is not None
        state.report.errors.append(error)
        state.report.seconds = time.monotonic() - state.started
        log.warning("source failed", extra={"source": source.name, "error": error})

    def store_many(self, items: list[tuple]) -> list:
        """Store (source, entry, known, document) items in order: for each, its outcome or the
        exception that kept it out. A run of new publications that cannot be twins of one
        another is held back and written together (`_insert_new`); an item that needs the
        catalogue as it stands (a known one, a possible twin of one held back, a PDF to adopt)
        first writes what is held, then is stored on its own, as `store` always did."""
        results: list = [None] * len(items)
        held = _Held()
        for number, item in enumerate(items):
            source, entry, known, document = item
            try:
                if not held.related(entry, document) and self._new_for_sure(entry, known, document):
                    held.add(number, entry, document)
                    continue
                self._write_held(items, held.numbers, results)
                held = _Held()
                results[number] = self.store(*item)[0]
            except Exception as exc:  # noqa: BLE001 - reported against this item only
                results[number] = exc
        self._write_held(items, held.numbers, results)
        return results

    def _new_for_sure(self, entry: DiscoveredEntry, known, document: FetchedDocument) -> bool:
        """Nothing in the catalogue (or this run) is this publication: no address of it is
        known, no stored report PDF is its own, no stored text is its twin."""
        if known is not None or document.not_modified:
            return False
        keys = [canonical_url(entry.url), canonical_url(document.url)]
        if any(key in self.stored for key in keys) or dedup.known_now(keys, self.stored):
            return False
        if dedup.stored_report_pdf([canonical_url(a["url"]) for a in document.attachments]):
            return False
        titles = [entry.title, document.title]
        twin = dedup.find_twin(titles, document.text, document.content_hash,
                               document.signature, self.near)  # fmt: skip
        return twin is None

    def _write_held(self, items: list[tuple], held: list[int], results: list) -> None:
        """Insert the held new publications together; if the database refuses the batch (a
        publication another process stored meanwhile), store each on its own instead, so only
        the one at fault fails."""
        if not held:
            return
        try:
            with transaction.atomic():
                publications = self._insert_new([items[i] for i in held])
        except Exception:  # noqa: BLE001 - retried one by one below, each reported alone
            log.info("batch insert refused; storing one by one", exc_info=True)
            for number in held:
                try:
                    results[number] = self.store(*items[number])[0]
                except Exception as exc:  # noqa: BLE001
                    results[number] = exc
            return
        for number, publication in zip(held, publications, strict=True):
            source, entry, known, document = items[number]
            self._remember(entry, document, publication)
            results[number] = "new"

    def _insert_new(self, items: list[tuple]) -> list[Publication]:
        """One INSERT per table for publications known to be new (call inside a transaction).
        bulk_create sends no pre_save signal, so NUL characters are dropped here."""
        publications = []
        for source, entry, _, document in items:
            publication = Publication(canonical_url=canonical_url(entry.url),
                                      **self._values(source, entry, document))  # fmt: skip
            drop_nul_characters(Publication, publication)
            publications.append(publication)
        Publication.objects.bulk_create(publications)
        attachments, aliases, raws, validators = [], [], [], {}
        for publication, (_, entry, _, document) in zip(publications, items, strict=True):
            for attachment in document.attachments:
                key = canonical_url(attachment["url"])
                row = Attachment(publication=publication, canonical_url=key, **attachment)
                drop_nul_characters(Attachment, row)
                attachments.append(row)
                aliases.append((publication, key, PublicationAlias.Reason.ATTACHMENT))
            aliases.append((publication, canonical_url(document.url),
                            PublicationAlias.Reason.REDIRECT))  # fmt: skip
            raws.extend(raw_rows(publication, document.raw))
            if document.etag or document.last_modified:
                validators[FetchCache.key(entry.url)] = _validator_row(entry.url, document)
        Attachment.objects.bulk_create(attachments)
        # Like remember_alias: an address already held by another publication stays with it.
        PublicationAlias.objects.bulk_create(
            [PublicationAlias(publication=publication, canonical_url=key, reason=reason)
             for publication, key, reason in aliases
             if key and key != publication.canonical_url],
            ignore_conflicts=True,
        )  # fmt: skip
        RawDocument.objects.bulk_create(raws)
        FetchCache.objects.bulk_create(
            list(validators.values()), update_conflicts=True, unique_fields=["url_hash"],
            update_fields=["url", "etag", "last_modified", "fetched_at"],
        )  # fmt: skip
        return publications

    def _remember(self, entry: DiscoveredEntry, document: FetchedDocument, publication) -> None:
        """After a new publication is committed: this run knows its addresses and text."""
        if self.near is not None and document.signature is not None:
            self.near.add(publication.pk, document.signature)
        self._known_as([canonical_url(entry.url), canonical_url(document.url)], publication.pk)

    def store(self, source: Source, entry: DiscoveredEntry, known, document: FetchedDocument):
        """Save one fetched document: ('new'|'updated'|'unchanged'|'duplicates', publication).
        If another harvest (the scheduler's, say) stored the same address after this run
        looked it up, that one stands: 'unchanged', not an error."""
        try:
            return self._store(source, entry, known, document)
        except IntegrityError:
            if known is not None:
                raise
            stored = dedup.find_known([canonical_url(entry.url)])
            if stored is None:
                raise
            self._known_as([canonical_url(entry.url)], stored.pk)
            return "unchanged", stored

    def _store(self, source: Source, entry: DiscoveredEntry, known, document: FetchedDocument):
        entry_key = canonical_url(entry.url)
        final_key = canonical_url(document.url)
        if document.not_modified:
            if known:
                Publication.objects.filter(pk=known.pk).update(entry_stamp=entry.stamp[:100])
            return "unchanged", known
        attachment_keys = [canonical_url(a["url"]) for a in document.attachments]
        with transaction.atomic():
            publication = known or dedup.known_now([entry_key, final_key], self.stored)
            adopted = twin_taken = None
            # Listed by two sources, stored this run by the other: the source listed first in
            # pulse.toml has it as it stores it, whichever fetched first (see _order).
            order = self._order(source, publication) if publication else ""
            if order == "after":
                self._known_as([entry_key, final_key], publication.pk)
                return "unchanged", publication
            taken = publication if order == "before" else None
            reason = PublicationAlias.Reason.ATTACHMENT
            if publication is None:
                # Its report PDF was stored first, as a publication of its own: adopt it.
                publication = adopted = dedup.stored_report_pdf(attachment_keys)
            if publication is None:
                titles = [entry.title, document.title]
                found = dedup.find_twin(titles, document.text, document.content_hash,
                                        document.signature, self.near)  # fmt: skip
                if found is not None:
                    twin, reason = found
                    if not self._listed_before(source, twin):
                        dedup.remember_alias(twin, entry_key, reason)
                        dedup.remember_alias(twin, final_key, reason)
                        self._known_as([entry_key, final_key], twin.pk)
                        return "duplicates", twin
                    # Both copies came in this run, from two sources: the source listed first
                    # keeps the publication, whichever copy was fetched first, so that a run
                    # (and the sector its publisher suggests) does not depend on timing.
                    publication = taken = twin_taken = twin
            values = self._values(source, entry, document)
            if publication is None:
                publication = Publication.objects.create(canonical_url=entry_key, **values)
                outcome = "new"
            else:
                changed = publication.content_hash != values["content_hash"]
                outcome = "updated" if changed and not adopted else "unchanged"
                if adopted or twin_taken:
                    old_key = publication.canonical_url
                    values["canonical_url"] = entry_key
                    outcome = "duplicates" if twin_taken else "updated"
                for name, value in values.items():
                    if name == "source" and publication.source_id and not taken:
                        continue  # the first source keeps the publication
                    setattr(publication, name, value)
                publication.save()
                if adopted or twin_taken:
                    dedup.remember_alias(publication, old_key, reason)
            dedup.remember_alias(publication, final_key, PublicationAlias.Reason.REDIRECT)
            for attachment, key in zip(document.attachments, attachment_keys, strict=True):
                Attachment.objects.update_or_create(
                    publication=publication,
                    url=attachment["url"],
                    defaults={**attachment, "canonical_url": key},
                )
                dedup.remember_alias(publication, key, PublicationAlias.Reason.ATTACHMENT)
            keep_raw(publication, document.raw, new=outcome == "new")
            _remember_validators(entry.url, document)
        if self.near is not None and outcome == "new":
            self.near.add(publication.pk, document.signature)
        self._known_as([entry_key, final_key], publication.pk)
        return outcome, publication

    def _known_as(self, keys: list[str], pk: int) -> None:
        for key in keys:
            self.stored[key] = pk
        self.stored_ids.add(pk)

    def _listed_before(self, source: Source, twin: Publication) -> bool:
        return self._order(source, twin) == "before"

    def _order(self, source: Source, stored: Publication) -> str:
        """'before' or 'after': is `source` listed before or after the source that stored
        `stored` earlier in this run (pulse.toml's order; then the order sources were added)?
        '' when this run did not store it, or this source did."""
        if stored.source_id in (None, source.pk) or stored.pk not in self.stored_ids:
            return ""
        order = self._declared_order
        other = Source.objects.filter(pk=stored.source_id).values_list("name", flat=True).first()
        rank = len(order)
        mine = (order.get(source.name, rank), source.pk)
        return "before" if mine < (order.get(other, rank), stored.source_id) else "after"

    @cached_property
    def _declared_order(self) -> dict[str, int]:
        return {declared.name: number for number, declared in enumerate(self.config.sources)}

    def _values(self, source: Source, entry: DiscoveredEntry, document: FetchedDocument) -> dict:
        return {
            "source": source,
            "url": entry.url,
            "title": (entry.title or document.title or entry.url)[:1000],
            "publisher": (source.publisher or entry.publisher or document.publisher)[:300],
            "published": entry.published or document.published,
            "kind": document.kind,
            "document_type": (entry.document_type or document.document_type)[:100],
            "authors": document.authors,
            "description": entry.summary or document.description,
            "text": document.text,
            "key_text": document.key_text,
            "content_hash": document.content_hash,
            "minhash": document.signature,
            "entry_stamp": entry.stamp[:100],
            "extraction_status": document.status,
            "extraction_error": document.problem,
            "updated_at": timezone.now(),
        }


def _keys(entry: DiscoveredEntry, document: FetchedDocument) -> set[str]:
    return {canonical_url(entry.url), canonical_url(document.url),
            *(canonical_url(a["url"]) for a in document.attachments)}  # fmt: skip


class _Held:
    """The new publications held back for one batch, and what would tie a later fetched item
    to one of them (a shared address, the same text, nearly the same text): such an item
    waits until they are stored, and is stored against them as against any publication (the
    held ones are not in the catalogue yet). Kept as sets and one array as items are added,
    so an item is checked against all of them at once."""

    def __init__(self):
        self.numbers: list[int] = []
        self.keys: set[str] = set()
        self.hashes: set[str] = set()
        self.signatures: list[bytes] = []

    def add(self, number: int, entry: DiscoveredEntry, document: FetchedDocument) -> None:
        self.numbers.append(number)
        self.keys |= _keys(entry, document)
        if document.content_hash:
            self.hashes.add(document.content_hash)
        if document.signature is not None:
            self.signatures.append(bytes(document.signature))

    def related(self, entry: DiscoveredEntry, document: FetchedDocument) -> bool:
        if not self.numbers:
            return False
        if not self.keys.isdisjoint(_keys(entry, document)):
            return True
        if document.content_hash and document.content_hash in self.hashes:
            return True
        if document.signature is None or not self.signatures:
            return False
        stacked = dedup.stack(self.signatures)  # items are added between checks: no cache
        return dedup.most_similar(document.signature, stacked) >= dedup.THRESHOLD


def _validators(url: str | None) -> dict:
    if not url:
        return {}
    cached = FetchCache.objects.filter(url_hash=FetchCache.key(url)).first()
    return {"etag": cached.etag, "last_modified": cached.last_modified} if cached else {}


def _validator_row(url: str, document: FetchedDocument) -> FetchCache:
    return FetchCache(url_hash=FetchCache.key(url), url=url, etag=document.etag[:500],
                      last_modified=document.last_modified[:100], fetched_at=timezone.now())  # fmt: skip


def _remember_validators(url: str, document: FetchedDocument) -> None:
    if not (document.etag or document.last_modified):
        return
    row = _validator_row(url, document)
    FetchCache.objects.update_or_create(
        url_hash=row.url_hash,
        defaults={name: getattr(row, name) for name in ("url", "etag", "last_modified",
                                                        "fetched_at")},
    )  # fmt: skip


def raw_rows(publication: Publication, bodies: list[RawBody]) -> list[RawDocument]:
    """The RawDocument rows for a publication's bodies, one per address."""
    return [
        RawDocument(
            publication=publication,
            url_hash=FetchCache.key(raw.url),
            role=raw.role,
            url=raw.url,
            content_type=raw.content_type[:200],
            charset=raw.charset[:100],
            filename=raw.filename[:300],
            size=raw.size,
            body=raw.body,
            fetched_at=timezone.now(),
        )
        for raw in {FetchCache.key(raw.url): raw for raw in bodies}.values()
    ]


def keep_raw(publication: Publication, bodies: list[RawBody], *, new: bool = False) -> None:
    """Store (or replace) the bytes each part of a publication was extracted from. A `new`
    publication has none stored yet: one INSERT, not a look-up and a savepoint per body."""
    rows = raw_rows(publication, bodies)
    if new:
        RawDocument.objects.bulk_create(rows)
        return
    for row in rows:
        RawDocument.objects.update_or_create(
            publication=publication,
            url_hash=row.url_hash,
            defaults={name: getattr(row, name) for name in (
                "role", "url", "content_type", "charset", "filename", "size", "body",
                "fetched_at")},
        )  # fmt: skip


# -- re-extraction ---------------------------------------------------------------------------


@dataclass
class ReextractReport:
    checked: int = 0
    changed: list[int] = field(default_factory=list)  # publication ids whose text changed
    not_stored: int = 0  # harvested before raw bytes were kept (or with keep_raw off)
    errors: list[str] = field(default_factory=list)


class _StoredFetcher:
    """Answers a document's fetches from its stored bytes; anything not stored is missing."""

    def __init__(self, page: RawDocument | None, attachments: dict[str, RawDocument]):
        self.page, self.attachments = page, attachments

    def get(self, url: str, etag: str = "", last_modified: str = ""):
        from policypulse.harvest.fetch import FetchFailed, Response

        raw = self.attachments.get(url)
        if raw is None and self.page is not None:
            raw, self.page = self.page, None  # the first fetch is the page itself
        if raw is None:
            raise FetchFailed(f"{url}: no stored copy", reason="not-stored")
        content_type = raw.content_type + (f"; charset={raw.charset}" if raw.charset else "")
        return Response(url=raw.url, status=200, body=raw.data(),
                        headers={"content-type": content_type})  # fmt: skip


def reextract(
    config: Config, *, source: str | None = None, since: datetime.date | None = None
) -> ReextractReport:
    """Run extraction again over the stored bytes of publications (of one source, first seen
    on or after `since`) and save what changed: text, key findings, report PDFs' text,
    fingerprints. Titles, publishers and dates (a feed's, or an editor's) are left alone.
    Returns the ids whose extracted text changed, for triage and summaries to redo."""
    publications = Publication.objects.all().order_by("pk")
    if source:
        if not Source.objects.filter(name=source).exists():
            raise PulseError(f"no source named {source!r}; see `pulse sources list`")
        publications = publications.filter(source__name=source)
    if since:
        publications = publications.filter(first_seen__date__gte=since)
    report = ReextractReport()
    extractor = extractor_for(config.harvest.extraction_processes)
    publications = publications.select_related("source").prefetch_related("attachments")
    for publication in publications.iterator(chunk_size=100):
        raws = list(RawDocument.objects.filter(publication=publication))
        if not any(raw.role in ("page", "upload") for raw in raws):
            report.not_stored += 1
            continue
        report.checked += 1
        try:
            document = _read_again(config, publication, raws, extractor)
        except PulseError as exc:
            report.errors.append(f"#{publication.pk} {publication.url}: {exc}")
            continue
        if _save_reextracted(publication, document):
            report.changed.append(publication.pk)
    return report


def _read_again(config: Config, publication: Publication, raws: list[RawDocument], extractor):
    upload = next((raw for raw in raws if raw.role == "upload"), None)
    if upload is not None:
        return read_file(upload.data(), upload.filename or upload.url, upload.url,
                         extractor=extractor)  # fmt: skip
    page = next(raw for raw in raws if raw.role == "page")
    stored = {raw.url: raw for raw in raws if raw.role == "attachment"}
    titles = {a.url: a.title for a in publication.attachments.all()}
    entry = DiscoveredEntry(url=publication.url or page.url,
                            attachments=[(url, titles.get(url, "")) for url in stored])  # fmt: skip
    selector = publication.source.main_selector if publication.source else ""
    document = fetch_document(entry, _StoredFetcher(page, stored), main_selector=selector,
                              follow_pdfs=config.harvest.follow_pdfs, extractor=extractor)  # fmt: skip
    # A report PDF the new extraction finds but the harvest never fetched stays for the next
    # harvest: re-extraction never touches the network.
    document.attachments = [a for a in document.attachments if a["url"] in stored]
    return document


def _save_reextracted(publication: Publication, document: FetchedDocument) -> bool:
    attachments = {a.url: a for a in publication.attachments.all()}
    changed = (publication.text, publication.key_text) != (document.text, document.key_text)
    changed = changed or any(
        a["text"] != getattr(attachments.get(a["url"]), "text", None) for a in document.attachments
    )
    # The publisher's own document type (the type triage reads it) fills an empty one; one
    # already there may be a feed's or the GOV.UK API's, and is left like titles and dates.
    found_type = "" if publication.document_type else document.document_type[:100]
    changed = changed or bool(found_type)
    if not changed and publication.extraction_status == document.status:
        return False
    with transaction.atomic():
        Publication.objects.filter(pk=publication.pk).update(
            text=document.text,
            key_text=document.key_text,
            content_hash=document.content_hash,
            minhash=document.signature,
            extraction_status=document.status,
            extraction_error=document.problem,
            authors=publication.authors or document.authors,
            document_type=publication.document_type or found_type,
            updated_at=timezone.now(),
        )
        for attachment in document.attachments:
            Attachment.objects.filter(publication=publication, url=attachment["url"]).update(
                text=attachment["text"], status=attachment["status"],
                pages=attachment["pages"], error=attachment["error"],
            )  # fmt: skip
    return changed
