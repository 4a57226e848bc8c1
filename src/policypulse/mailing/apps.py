from django.apps import AppConfig


class MailingConfig(AppConfig):
    name = "policypulse.mailing"
    label = "mailing"

    def ready(self) -> None:
        from policypulse.mailing.esp import connect_anymail

        connect_anymail()
