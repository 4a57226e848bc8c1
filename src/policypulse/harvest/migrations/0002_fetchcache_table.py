"""The moved FetchCache table takes its app's name (a rename: rows are kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("harvest", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="fetchcache", table=None),
    ]
