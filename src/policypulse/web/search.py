"""Full-text search over every publication: SQLite FTS5 by default, PostgreSQL's full-text
search when on PostgreSQL. The only raw SQL of the web app lives here (SQLite side).

SQLite: an FTS5 table `web_search_fts` (rowid = publication id) is created on first use and
brought up to date before each search from `SearchIndexEntry`, which records the publication
`updated_at` each row was indexed at; so harvests need no hook and no trigger survives a table
rebuild by a migration. PostgreSQL: `to_tsvector` / `websearch_to_tsquery` through the ORM.
Filters (sector, type, publisher, dates) are ORM filters on top, on both."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F, Q

from policypulse.catalogue.models import Publication
from policypulse.web.models import SearchIndexEntry

FTS_TABLE = "web_search_fts"
MAX_RESULTS = 200


@dataclass
class Filters:
    sector: str = ""
    type: str = ""
    publisher: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


def fts5_query(text: str) -> str:
    """User words to a safe FTS5 query: each word a quoted prefix term, all required.
    Punctuation and FTS5 operators typed by the user are treated as plain text."""
    words = re.findall(r"\w+", text.lower())
    return " ".join(f'"{word}"*' for word in words[:20])


def _ensure_sqlite_index() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "title, publisher, body, tokenize='porter unicode61 remove_diacritics 2')"
        )
    stale = Publication.objects.filter(
        Q(search_entry__isnull=True) | ~Q(search_entry__updated_at=F("updated_at"))
    ).values_list("id", "title", "publisher", "description", "text", "updated_at")
    batch = list(stale[:5000])
    while batch:
        with transaction.atomic(), connection.cursor() as cursor:
            ids = [row[0] for row in batch]
            cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(i,) for i in ids])
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, title, publisher, body) VALUES (%s, %s, %s, %s)",
                [(pk, title, publisher, f"{description}\n{text}") for pk, title, publisher,
                 description, text, _ in batch],
            )  # fmt: skip
            SearchIndexEntry.objects.filter(publication_id__in=ids).delete()
            SearchIndexEntry.objects.bulk_create(
                SearchIndexEntry(publication_id=pk, updated_at=updated) for pk, *_, updated in batch
            )
        batch = list(stale[:5000])


def _sqlite_ranked_ids(text: str, limit: int) -> list[int]:
    query = fts5_query(text)
    if not query:
        return []
    _ensure_sqlite_index()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"ORDER BY bm25({FTS_TABLE}, 10.0, 3.0, 1.0) LIMIT %s",
            [query, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def _filtered(publications, filters: Filters):
    if filters.sector:
        publications = publications.filter(label__sector=filters.sector)
    if filters.type:
        publications = publications.filter(label__type=filters.type)
    if filters.publisher:
        publications = publications.filter(publisher__icontains=filters.publisher)
    if filters.date_from:
        publications = publications.filter(published__gte=filters.date_from)
    if filters.date_to:
        publications = publications.filter(published__lte=filters.date_to)
    return publications


def search(text: str, filters: Filters | None = None, *, limit: int = MAX_RESULTS) -> list:
    """Publications matching the words (best first) and the filters; no words: newest first."""
    filters = filters or Filters()
    base = _filtered(
        Publication.objects.select_related("label", "summary").defer("text", "description"),
        filters,
    )
    if not text.strip():
        return list(base.order_by(F("published").desc(nulls_last=True), "-id")[:limit])
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("publisher", weight="B", config="english")
            + SearchVector("description", "text", weight="C", config="english")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return list(
            base.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "-id")[:limit]
        )
    # With filters, look deeper into the ranking so that `limit` filtered results remain.
    ids = _sqlite_ranked_ids(text, limit * 10 if any(vars(filters).values()) else limit)
    found = {p.pk: p for p in base.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found][:limit]


def publishers() -> list[str]:
    return list(
        Publication.objects.exclude(publisher="")
        .order_by("publisher")
        .values_list("publisher", flat=True)
        .distinct()
    )
