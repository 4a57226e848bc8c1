"""Adding packs, resuming paused sources: the database side of `sources/packs.py`."""

from __future__ import annotations

from dataclasses import dataclass

from policypulse.errors import SourceError
from policypulse.sources.models import Source
from policypulse.sources.packs import load_pack


@dataclass
class PackResult:
    added: list[str]
    already: list[str]


def add_pack(name: str) -> PackResult:
    """Add every source of a pack that is not there yet (by name or URL); idempotent, and a
    source the editor already has is left as the editor set it."""
    pack = load_pack(name)
    result = PackResult([], [])
    known_urls = set(Source.objects.values_list("url", flat=True))
    for entry in pack.entries:
        if entry.url in known_urls or Source.objects.filter(name=entry.name).exists():
            result.already.append(entry.name)
            continue
        Source.objects.create(
            name=entry.name, url=entry.url, kind=entry.kind, publisher=entry.publisher,
            selector=entry.selector, main_selector=entry.main_selector,
            sectors=list(entry.sectors), interval=entry.interval, keep=list(entry.keep),
            block=list(entry.block), pack=pack.name, last_seen=entry.last_seen,
        )  # fmt: skip
        result.added.append(entry.name)
    return result


def resume(name: str) -> Source:
    source = Source.objects.filter(name=name).first()
    if source is None:
        raise SourceError(f"no source named {name!r}; see `pulse sources list`")
    source.resume()
    source.save()
    return source
