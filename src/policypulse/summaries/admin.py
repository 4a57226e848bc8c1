from django.contrib import admin

from policypulse.summaries.models import Summary


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    list_display = ["publication", "backend", "passed", "edited_by_editor", "updated_at"]
    list_filter = ["backend", "passed"]
    raw_id_fields = ["publication"]
