"""The site: the public archive and subscriber pages at /, the editor app under /editor/."""

from django.contrib import admin
from django.urls import include, path

from policypulse.service.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("editor/", include("policypulse.web.editor_urls")),
    path("healthz", healthz, name="healthz"),
    # Static files (htmx, CSS) are served by WhiteNoise's middleware, in every mode.
    path("", include("policypulse.mailing.urls")),
    path("", include("policypulse.web.archive_urls")),
]
