"""The site: the public archive and subscriber pages at /, the editor app under /editor/."""

from django.contrib import admin
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("editor/", include("policypulse.web.editor_urls")),
    # `pulse serve` is the embedded mode: it serves the app's own static files (htmx, CSS)
    # itself, whatever DEBUG says. Behind a web server, `collectstatic` and let it serve them.
    re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
    path("", include("policypulse.mailing.urls")),
    path("", include("policypulse.web.archive_urls")),
]
