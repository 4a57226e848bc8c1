"""Source adapters: one module per kind, each with `discover(source, fetcher) -> list[DiscoveredEntry]`
(or None when the source says nothing changed). An adapter may also define
`enrich(entry, fetcher) -> DiscoveredEntry`, run just before the entry's page is fetched (GOV.UK uses it
to read the Content API)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from importlib import import_module

from policypulse.errors import SourceError


@dataclass
class DiscoveredEntry:
    """A candidate publication a source points at."""

    url: str
    title: str = ""
    summary: str = ""
    published: datetime.date | None = None
    guid: str = ""
    stamp: str = ""  # the source's change marker (feed updated date, sitemap lastmod)
    publisher: str = ""
    document_type: str = ""
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (url, title)


KINDS = ("feed", "govuk", "page", "sitemap")


def adapter_for(kind: str):
    if kind not in KINDS:
        raise SourceError(f"no adapter for sources of kind {kind!r}; known: {', '.join(KINDS)}")
    return import_module(f"policypulse.sources.adapters.{kind}")
