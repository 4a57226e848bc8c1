from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "policypulse.catalogue"
    label = "catalogue"
