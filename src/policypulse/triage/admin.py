from django.contrib import admin

from policypulse.triage.models import TrainedModel, TriageLabel


@admin.register(TriageLabel)
class TriageLabelAdmin(admin.ModelAdmin):
    list_display = ["publication", "sector", "type", "relevance", "decided_by", "decision"]
    list_filter = ["sector", "type", "decided_by", "decision"]
    raw_id_fields = ["publication"]


@admin.register(TrainedModel)
class TrainedModelAdmin(admin.ModelAdmin):
    list_display = ["version", "created_at", "examples", "editor_examples"]
    exclude = ["payload"]
