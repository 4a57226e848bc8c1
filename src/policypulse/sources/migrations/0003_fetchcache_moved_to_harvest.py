"""FetchCache now belongs to `harvest` (see harvest 0001): drop it from this app's state
only, so the table and its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sources", "0002_fetchcache"),
        ("harvest", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="FetchCache")],
            database_operations=[],
        ),
    ]
