from django.apps import AppConfig


class ServiceConfig(AppConfig):
    name = "policypulse.service"
    label = "service"
    verbose_name = "Service"
    default_auto_field = "django.db.models.BigAutoField"
