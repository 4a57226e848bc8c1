from django.contrib import admin

from policypulse.mailing.models import Delivery, Subscriber, SubscriberEvent, Suppression


class SubscriberEventInline(admin.TabularInline):
    model = SubscriberEvent
    extra = 0
    readonly_fields = ["kind", "detail", "at"]
    can_delete = False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    inlines = [SubscriberEventInline]
    exclude = ["confirm_nonce"]  # the secret half of an outstanding confirmation link
    readonly_fields = ["key", "consent_source", "consent_text", "consent_at", "confirmed_at"]
    list_display = ["email", "name", "organisation", "status", "consent_source", "consent_at"]
    list_filter = ["status", "consent_source"]
    search_fields = ["email", "name", "organisation"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email_hash", "reason", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["edition", "subscriber", "status", "attempts", "reply", "updated_at"]
    list_filter = ["status", "edition"]
    raw_id_fields = ["subscriber"]
