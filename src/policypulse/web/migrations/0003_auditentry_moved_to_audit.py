"""The audit log now belongs to the audit app (policypulse.audit): state only, the table and
its rows stay."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("web", "0002_roles"), ("audit", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
        )
    ]
