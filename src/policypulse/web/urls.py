"""The site: the public archive and subscriber pages at /, the editor app under /editor/."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("editor/", include("policypulse.web.editor_urls")),
    path("", include("policypulse.mailing.urls")),
    path("", include("policypulse.web.archive_urls")),
]
