from django.contrib import admin

from policypulse.sources.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "publisher",
        "enabled",
        "last_success_at",
        "consecutive_failures",
    ]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "url", "publisher"]
