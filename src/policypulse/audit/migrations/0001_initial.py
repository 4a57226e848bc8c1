"""The audit log moves from the web app to its own app: the same table, state only."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalogue", "0001_initial"),
        ("editions", "0001_initial"),
        ("web", "0002_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],  # web.0001 made the table; it stays where it is
            state_operations=[
                migrations.CreateModel(
                    name="AuditEntry",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True,
                                                   serialize=False, verbose_name="ID")),
                        ("at", models.DateTimeField(db_index=True,
                                                    default=django.utils.timezone.now)),
                        ("action", models.CharField(
                            help_text="e.g. accept, reject, sector, summary", max_length=50)),
                        ("before", models.JSONField(blank=True, null=True)),
                        ("after", models.JSONField(blank=True, null=True)),
                        ("edition", models.ForeignKey(
                            blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                            related_name="audit_entries", to="editions.edition")),
                        ("publication", models.ForeignKey(
                            blank=True, null=True, on_delete=django.db.models.deletion.CASCADE,
                            related_name="audit_entries", to="catalogue.publication")),
                        ("user", models.ForeignKey(
                            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                            to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "web_auditentry",
                        "ordering": ["-at", "-id"],
                        "verbose_name_plural": "audit entries",
                    },
                ),
            ],
        ),
    ]  # fmt: skip
