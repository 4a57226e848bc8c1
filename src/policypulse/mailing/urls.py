"""Public subscriber pages, mounted at / by policypulse.web.urls; providers' webhooks under
/anymail/ when django-anymail is installed (see mailing/esp.py)."""

import importlib.util

from django.urls import include, path

from policypulse.mailing import views

app_name = "mailing"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
]

if importlib.util.find_spec("anymail") is not None:
    urlpatterns.append(path("anymail/", include("anymail.urls")))
