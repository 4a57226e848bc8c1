from django.apps import AppConfig


class EditionsConfig(AppConfig):
    name = "policypulse.editions"
    label = "editions"
