from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "policypulse.mailing"
    label = "mailing"
