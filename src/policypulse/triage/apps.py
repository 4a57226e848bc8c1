from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "policypulse.triage"
    label = "triage"
