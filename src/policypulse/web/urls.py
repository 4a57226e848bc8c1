"""The site: the public archive and subscriber pages at /, the editor app under /editor/."""

from django.contrib import admin
from django.urls import include, path

from policypulse.service.health import healthz
from policypulse.web import views_accounts

urlpatterns = [
    # One log-in page and one throttle: the admin's log-in is the editor's (its form would
    # otherwise be a second way in). The admin then checks the account is staff.
    path("admin/login/", views_accounts.login, name="admin-login"),
    path("admin/", admin.site.urls),
    path("editor/", include("policypulse.web.editor_urls")),
    path("healthz", healthz, name="healthz"),
    # Static files (htmx, CSS) are served by WhiteNoise's middleware, in every mode.
    path("", include("policypulse.mailing.urls")),
    path("", include("policypulse.web.archive_urls")),
]
