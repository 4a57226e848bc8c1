from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "policypulse.audit"
    label = "audit"
