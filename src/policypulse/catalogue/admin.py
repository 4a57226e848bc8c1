from django.contrib import admin

from policypulse.catalogue.models import Attachment, Publication, PublicationAlias


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["url", "title", "status", "pages"]


@admin.register(Publication)
class PublicationAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "published", "kind", "first_seen"]
    list_filter = ["kind", "publisher"]
    search_fields = ["title", "publisher", "canonical_url"]
    date_hierarchy = "first_seen"
    inlines = [AttachmentInline]


@admin.register(PublicationAlias)
class PublicationAliasAdmin(admin.ModelAdmin):
    list_display = ["canonical_url", "publication", "reason", "created_at"]
    list_filter = ["reason"]
    search_fields = ["canonical_url"]
    raw_id_fields = ["publication"]
