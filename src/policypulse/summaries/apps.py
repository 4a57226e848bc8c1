from django.apps import AppConfig


class SummariesConfig(AppConfig):
    name = "policypulse.summaries"
    label = "summaries"
