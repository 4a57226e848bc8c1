"""FetchCache moved from the sources app to harvest: the rows a workspace already has survive
the migration (SQLite; the same operations run on PostgreSQL)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from policypulse.harvest.models import FetchCache

BEFORE = [("sources", "0002_fetchcache"), ("harvest", None)]


@pytest.mark.django_db(transaction=True)
def test_moving_fetchcache_keeps_its_rows():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    old = executor.loader.project_state([BEFORE[0]]).apps.get_model("sources", "FetchCache")
    old.objects.create(url_hash="a" * 64, url="https://example.org/report", etag='"v7"')

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(latest)

    kept = FetchCache.objects.get(url_hash="a" * 64)
    assert (kept.url, kept.etag) == ("https://example.org/report", '"v7"')
    assert FetchCache._meta.db_table == "harvest_fetchcache"
    assert "sources_fetchcache" not in connection.introspection.table_names()
