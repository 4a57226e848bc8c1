"""Source adapters: one module per kind, each with `discover(source, fetcher) -> list[Entry]`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass
class Entry:
    """A candidate publication a source points at."""

    url: str
    title: str = ""
    summary: str = ""
    published: datetime.date | None = None
    guid: str = ""


def adapter_for(kind: str):
    from policypulse.sources.adapters import feed

    adapters = {"feed": feed}
    if kind not in adapters:
        from policypulse.errors import SourceError

        raise SourceError(f"no adapter for sources of kind {kind!r} yet")
    return adapters[kind]
