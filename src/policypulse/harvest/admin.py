from django.contrib import admin

from policypulse.harvest.models import FetchCache


@admin.register(FetchCache)
class FetchCacheAdmin(admin.ModelAdmin):
    list_display = ["url", "etag", "last_modified", "fetched_at"]
    search_fields = ["url"]
