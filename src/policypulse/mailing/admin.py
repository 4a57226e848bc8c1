from django.contrib import admin

from policypulse.mailing.models import Delivery, Subscriber, Suppression


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "organisation", "status", "consent_source", "consent_at"]
    list_filter = ["status", "consent_source"]
    search_fields = ["email", "name", "organisation"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["email_hash", "reason", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["edition", "subscriber", "status", "attempts", "message_id", "updated_at"]
    list_filter = ["status", "edition"]
    raw_id_fields = ["subscriber"]
