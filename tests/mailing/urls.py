"""The mailing pages mounted at / as policypulse.web.urls does, without the rest of the site:
these tests do not depend on the editor app's imports."""

from django.urls import include, path

urlpatterns = [path("", include("policypulse.mailing.urls"))]
