"""FetchCache moves from `sources` to `harvest`: the model's state moves, its table and rows
stay (sources 0003 drops it from the sources state); 0002 then renames the table."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("sources", "0002_fetchcache"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="FetchCache",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("url_hash", models.CharField(max_length=64, unique=True)),
                        ("url", models.TextField()),
                        ("etag", models.CharField(blank=True, max_length=500)),
                        ("last_modified", models.CharField(blank=True, max_length=100)),
                        ("fetched_at", models.DateTimeField(default=django.utils.timezone.now)),
                    ],
                    options={"db_table": "sources_fetchcache"},
                ),
            ],
            database_operations=[],
        ),
    ]
