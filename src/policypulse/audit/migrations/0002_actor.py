"""Who acted, as a name: the web app's user, `cli:<OS user>` or `task:<name>`."""

from django.db import migrations, models


def name_past_actors(apps, schema_editor):
    entry = apps.get_model("audit", "AuditEntry")
    for row in entry.objects.filter(user__isnull=False).select_related("user").iterator():
        row.actor = row.user.username[:150]
        row.save(update_fields=["actor"])


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("web", "0003_auditentry_moved_to_audit")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="actor",
            field=models.CharField(blank=True, db_index=True, default="", max_length=150),
        ),
        migrations.RunPython(name_past_actors, migrations.RunPython.noop),
    ]
