from django.apps import AppConfig


class HarvestConfig(AppConfig):
    name = "policypulse.harvest"
    label = "harvest"
