from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "policypulse.sources"
    label = "sources"
