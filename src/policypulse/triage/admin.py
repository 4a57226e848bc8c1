from django.contrib import admin

from policypulse.triage.models import TriageLabel


@admin.register(TriageLabel)
class TriageLabelAdmin(admin.ModelAdmin):
    list_display = ["publication", "sector", "type", "relevance", "decided_by", "decision"]
    list_filter = ["sector", "type", "decided_by", "decision"]
    raw_id_fields = ["publication"]
