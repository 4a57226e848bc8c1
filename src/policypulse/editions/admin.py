from django.contrib import admin

from policypulse.editions.models import Edition, EditionItem


class EditionItemInline(admin.TabularInline):
    model = EditionItem
    extra = 0
    raw_id_fields = ["publication"]
    fields = ["sector", "type", "order", "title", "publisher"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    list_display = ["title", "month", "status", "approved_at", "sent_at"]
    list_filter = ["status"]
    inlines = [EditionItemInline]
