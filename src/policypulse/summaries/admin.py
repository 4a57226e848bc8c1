from django.contrib import admin

from policypulse.summaries.models import LlmUsage, Summary


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    list_display = ["publication", "backend", "passed", "edited_by_editor", "updated_at"]
    list_filter = ["backend", "passed"]
    raw_id_fields = ["publication"]


@admin.register(LlmUsage)
class LlmUsageAdmin(admin.ModelAdmin):
    list_display = ["edition_month", "model", "publication", "calls", "input_tokens",
                    "output_tokens", "cost", "outcome"]  # fmt: skip
    list_filter = ["edition_month", "model", "outcome"]
    raw_id_fields = ["publication"]
