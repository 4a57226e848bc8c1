from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "policypulse.web"
    label = "web"
