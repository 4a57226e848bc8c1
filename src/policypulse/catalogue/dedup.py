"""Publication identity, in one place: recognising a publication seen before, in one
documented order:

1. its canonical URL, or an alias of one (its report PDF, a mirror, an address it moved from),
   or an address stored earlier in the same run;
2. the same text (content hash of the normalised text);
3. nearly the same text: MinHash LSH over word 3-shingles (datasketch), for the same report
   mirrored elsewhere with different chrome.

2 and 3 never merge two publications whose titles or figures differ: releases of one
statistical series are written from one template ("Statutory homelessness: April to June"
and "...: July to September" share most sentences), so similar wording is not enough. A twin
must agree on the title (one normalised title inside the other: a mirror may add "- free
download") and on its figures (the numbers of one text, in order, among the other's: a mirror
may add page chrome such as "Views 12,345", never change a figure).

The hard parts (`fingerprints.signature`, `NearDuplicates`, `titles_agree`, `figures_agree`)
are pure; the functions below them load and save.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
from datasketch import MinHash, MinHashLSH
from django.db import connection

from policypulse.catalogue.fingerprints import _PERMUTATIONS, NUM_PERM, SCHEME, WORD
from policypulse.catalogue.models import Publication, PublicationAlias

THRESHOLD = 0.7
FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


def _minhash(stored: bytes) -> MinHash:
    values = np.frombuffer(bytes(stored), dtype=np.uint64)
    return MinHash(hashvalues=values, scheme=SCHEME, permutations=_PERMUTATIONS)


def similarity(first: bytes, second: bytes) -> float:
    """The estimated Jaccard similarity (MinHash.jaccard's share of equal values, without
    building two MinHash objects per comparison)."""
    a, b = np.frombuffer(bytes(first), np.uint64), np.frombuffer(bytes(second), np.uint64)
    if len(a) != len(b):
        raise ValueError("signatures of different lengths do not compare")
    return float(np.count_nonzero(a == b)) / float(len(a))


def stack(signatures: list[bytes]) -> np.ndarray:
    """Signatures as the rows of one array, to compare one against all at once."""
    return np.vstack([np.frombuffer(bytes(stored), np.uint64) for stored in signatures])


def most_similar(stored: bytes, stacked: np.ndarray) -> float:
    """The highest `similarity` of a signature to the rows of `stack(...)`."""
    values = np.frombuffer(bytes(stored), np.uint64)
    if stacked.shape[1] != len(values):
        raise ValueError("signatures of different lengths do not compare")
    return float(np.count_nonzero(stacked == values, axis=1).max()) / float(len(values))


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

    def candidates(self, stored: bytes | None) -> list[int]:
        """Indexed keys at or above the threshold, the most similar first."""
        if stored is None:
            return []
        found = self.lsh.query(_minhash(stored))
        scored = [(similarity(stored, self._signatures[key]), key) for key in found]
        return [key for score, key in sorted(scored, reverse=True) if score >= self.threshold]

    def match(self, stored: bytes | None) -> int | None:
        """The most similar indexed key at or above the threshold, if any."""
        found = self.candidates(stored)
        return found[0] if found else None

    @classmethod
    def from_database(cls) -> NearDuplicates:
        index = cls()
        rows = Publication.objects.exclude(minhash=None).values_list("pk", "minhash")
        for key, stored in rows.iterator(chunk_size=2000):
            index.add(key, stored)
        return index


def title_words(title: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", title).casefold().replace("\u2019", "'")
    return WORD.findall(folded)


def titles_agree(first: str, second: str) -> bool:
    """The same title, give or take what a mirror adds around it: one normalised title's
    words appear, in a row, in the other's. An unknown (empty) title agrees with any."""
    short, long = sorted((title_words(first), title_words(second)), key=len)
    if not short:
        return True
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def figures(text: str) -> list[str]:
    """The numbers in a text, in order, as written without thousands separators."""
    return [match.replace(",", "") for match in FIGURE.findall(text)]


def figures_agree(first: str, second: str) -> bool:
    """No figure changed: the figures of the text with fewer are, in order, among the
    other's (a mirror may add numbers in its chrome, never alter one)."""
    short, long = sorted((figures(first), figures(second)), key=len)
    rest = iter(long)
    return all(any(figure == other for other in rest) for figure in short)


def same_publication(titles: Iterable[str], text: str, other_title: str, other_text: str) -> bool:
    """May two texts found as twins be one publication? Only with agreeing title and figures."""
    titled = [title for title in titles if title]
    agree = any(titles_agree(title, other_title) for title in titled) if titled else True
    return agree and figures_agree(text, other_text)


def find_known(canonical_urls: list[str]):
    """The publication any of these canonical URLs already belongs to."""
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


def known_now(keys: list[str], stored: dict[str, int]):
    """The publication of an entry whose first key was already looked up when it was planned:
    one stored earlier in this run (two entries may point at one publication), or the one the
    address it redirected to belongs to."""
    for key in keys:
        if key in stored:
            return Publication.objects.get(pk=stored[key])
    return find_known([key for key in keys[1:] if key != keys[0]])


def stored_report_pdf(attachment_keys: list[str]):
    """A page's report PDF stored before it, as a publication of its own, to be adopted."""
    if not attachment_keys:
        return None
    found = Publication.objects.filter(canonical_url__in=attachment_keys, kind=Publication.Kind.PDF)
    return found.order_by("pk").first()


def _titles(column: str, values: list) -> list[tuple[int, str]]:
    """(id, title) of the publications whose `column` is one of `values`, oldest first, in one
    plain SELECT of two columns. Asked for every document a harvest stores (and nearly always
    empty): building the ORM query cost more than the rest of storing the document, and a
    twin's text is read only when its title agrees. (Another process may be harvesting at the
    same time, so the database is asked, not a set loaded when the run began.)"""
    if not values:
        return []
    quote = connection.ops.quote_name
    table, meta = quote(Publication._meta.db_table), Publication._meta
    key, title = quote(meta.pk.column), quote(meta.get_field("title").column)
    where = quote(meta.get_field(column).column)
    marks = ", ".join(["%s"] * len(values))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key}, {title} FROM {table} WHERE {where} IN ({marks}) "
                       f"ORDER BY {key}", list(values))  # fmt: skip
        return list(cursor.fetchall())


def find_twin(titles: list[str], text: str, text_hash: str, stored_signature, near):
    """(publication, alias reason) for a publication stored under another address with the
    same text, or nearly the same (`near` index), and the same title and figures; else None."""
    if not text:
        return None
    found = _agreeing(titles, text, _titles("content_hash", [text_hash])) if text_hash else None
    if found is not None:
        return found, PublicationAlias.Reason.SAME_TEXT
    keys = near.candidates(stored_signature) if near is not None else []
    if keys:
        named = dict(_titles("id", keys))
        found = _agreeing(titles, text, [(key, named[key]) for key in keys if key in named])
        if found is not None:
            return found, PublicationAlias.Reason.MIRROR
    return None


def _agreeing(titles: list[str], text: str, candidates: list[tuple[int, str]]):
    """The first candidate (id, title) that is the same publication, loaded; titles are
    compared before any text is read (twins with another title are the common case: one
    statistical series' releases), so a long text is loaded only to compare figures."""
    titled = [title for title in titles if title]
    agreeing = [key for key, title in candidates
                if not titled or any(titles_agree(mine, title) for mine in titled)]  # fmt: skip
    if not agreeing:
        return None
    rows = Publication.objects.in_bulk(agreeing)
    for key in agreeing:
        twin = rows.get(key)
        if twin is not None and same_publication(titles, text, twin.title, twin.text):
            return twin
    return None


def entry_changed(existing, entry, entry_key: str) -> bool:
    """Worth fetching again? Only when the source says it changed (a newer date, another
    lastmod or updated stamp), and never for a mirror's address of a known publication."""
    if existing.canonical_url != entry_key:
        return False
    if entry.stamp:
        return entry.stamp != existing.entry_stamp
    return bool(entry.published and existing.published and entry.published > existing.published)


def remember_alias(publication, canonical: str, reason: str) -> None:
    """Record another address of `publication` (never its own)."""
    if not canonical or canonical == publication.canonical_url:
        return
    PublicationAlias.objects.get_or_create(
        canonical_url=canonical, defaults={"publication": publication, "reason": reason}
    )
