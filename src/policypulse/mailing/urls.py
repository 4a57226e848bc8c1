"""Public subscriber pages, mounted at / by policypulse.web.urls; providers' webhooks under
/anymail/ when django-anymail is installed and a webhook secret is set (see mailing/esp.py)."""

import importlib.util

from django.urls import path, re_path

from policypulse.mailing import views

app_name = "mailing"

urlpatterns = [
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", views.preferences, name="preferences"),
    path("r/<str:token>/", views.click, name="click"),
    path("r/<str:token>/<str:who>/", views.click, name="click-who"),
]

if importlib.util.find_spec("anymail") is not None:
    urlpatterns.append(re_path(r"^anymail/(?P<rest>.*)$", views.webhooks, name="webhooks"))
