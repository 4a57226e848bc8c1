"""Recognising a publication seen before, in one documented order:

1. its canonical URL, or an alias of one (its report PDF, a mirror, an address it moved from);
2. the same text (content hash of the normalised text);
3. nearly the same text: MinHash LSH over word 3-shingles (datasketch), for the same report
   mirrored elsewhere with different chrome.

The hard parts (`signature`, `NearDuplicates`) are pure; `find_known` and `remember_alias`
load and save (importing the models lazily, so the pure part needs no Django).
"""

from __future__ import annotations

import re
import zlib

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
SCHEME = "affine32"  # pinned: signatures of different schemes do not compare
THRESHOLD = 0.7
MIN_WORDS = 60
MAX_WORDS = 2000
WORD = re.compile(r"\w+", re.U)


def shingles(text: str, size: int = 3) -> list[bytes]:
    """Word `size`-grams of the lower-cased text (its first MAX_WORDS words)."""
    words = WORD.findall(text[: MAX_WORDS * 12].lower())[:MAX_WORDS]
    return [" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)]


def signature(text: str) -> bytes | None:
    """A MinHash signature as bytes, or None for texts too short to compare safely.

    Shingles are hashed with CRC-32 (stable across processes, and ten times cheaper than
    datasketch's default SHA-1); the affine permutations do the mixing."""
    grams = shingles(text)
    if len(grams) < MIN_WORDS:
        return None
    minhash = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=zlib.crc32)
    minhash.update_batch(grams)
    return minhash.hashvalues.astype(np.uint64).tobytes()


def _minhash(stored: bytes) -> MinHash:
    values = np.frombuffer(bytes(stored), dtype=np.uint64)
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme=SCHEME)


def similarity(first: bytes, second: bytes) -> float:
    return _minhash(first).jaccard(_minhash(second))


class NearDuplicates:
    """An in-memory LSH index of publication signatures, keyed by publication id."""

    def __init__(self, threshold: float = THRESHOLD):
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self.threshold = threshold
        self._signatures: dict[int, bytes] = {}

    def add(self, key: int, stored: bytes | None) -> None:
        if stored is None or key in self._signatures:
            return
        self._signatures[key] = bytes(stored)
        self.lsh.insert(key, _minhash(stored))

    def match(self, stored: bytes | None) -> int | None:
        """The most similar indexed key at or above the threshold, if any."""
        if stored is None:
            return None
        candidates = self.lsh.query(_minhash(stored))
        scored = [(similarity(stored, self._signatures[key]), key) for key in candidates]
        scored = [pair for pair in scored if pair[0] >= self.threshold]
        return max(scored)[1] if scored else None

    @classmethod
    def from_database(cls) -> NearDuplicates:
        from policypulse.catalogue.models import Publication

        index = cls()
        rows = Publication.objects.exclude(minhash=None).values_list("pk", "minhash")
        for key, stored in rows.iterator(chunk_size=2000):
            index.add(key, stored)
        return index


def find_known(canonical_urls: list[str]):
    """The publication any of these canonical URLs already belongs to."""
    from policypulse.catalogue.models import Publication, PublicationAlias

    urls = [url for url in canonical_urls if url]
    if not urls:
        return None
    found = list(Publication.objects.filter(canonical_url__in=urls).order_by()[:1])
    if found:
        return found[0]
    aliases = PublicationAlias.objects.filter(canonical_url__in=urls).order_by()
    alias = list(aliases.select_related("publication")[:1])
    return alias[0].publication if alias else None


def find_known_many(canonical_urls: list[str]) -> dict:
    """{canonical URL: publication} for those already known, in a few queries."""
    from policypulse.catalogue.models import Publication, PublicationAlias

    urls = list(dict.fromkeys(url for url in canonical_urls if url))
    known: dict = {}
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        for publication in Publication.objects.filter(canonical_url__in=chunk).order_by():
            known[publication.canonical_url] = publication
        missing = [url for url in chunk if url not in known]
        if missing:
            aliases = PublicationAlias.objects.filter(canonical_url__in=missing).order_by()
            for alias in aliases.select_related("publication"):
                known[alias.canonical_url] = alias.publication
    return known


def find_same_text(text_hash: str):
    from policypulse.catalogue.models import Publication

    if not text_hash:
        return None
    found = list(Publication.objects.filter(content_hash=text_hash).order_by("pk")[:1])
    return found[0] if found else None


def remember_alias(publication, canonical: str, reason: str) -> None:
    """Record another address of `publication` (never its own)."""
    from policypulse.catalogue.models import PublicationAlias

    if not canonical or canonical == publication.canonical_url:
        return
    PublicationAlias.objects.get_or_create(
        canonical_url=canonical, defaults={"publication": publication, "reason": reason}
    )
