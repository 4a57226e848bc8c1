from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "policypulse.web"
    label = "web"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from policypulse.web import accounts

        user_login_failed.connect(accounts.record_failed_login, dispatch_uid="pulse-login-failed")
        user_logged_in.connect(accounts.forget_failed_logins, dispatch_uid="pulse-logged-in")
