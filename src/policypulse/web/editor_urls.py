"""The editor app, mounted at /editor/. Every page needs a log-in with the editor or admin role."""

from django.urls import path, register_converter

from policypulse.web import views, views_accounts, views_editions, views_items
from policypulse.web.params import IdConverter

register_converter(IdConverter, "id")

app_name = "editor"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views_accounts.login, name="login"),
    path("logout/", views_accounts.logout, name="logout"),
    path("users/", views_accounts.users, name="users"),
    path("queue/", views.review_queue, name="queue"),
    path("items/add/", views_items.add_item, name="item-add"),
    path("items/<id:pk>/", views.item, name="item"),
    path("items/<id:pk>/decision/", views.item_decision, name="item-decision"),
    path("items/<id:pk>/sector/", views.item_sector, name="item-sector"),
    path("items/<id:pk>/type/", views.item_type, name="item-type"),
    path("items/<id:pk>/summary/", views.item_summary, name="item-summary"),
    path("search/", views.search, name="search"),
    path("audit/", views.audit_log, name="audit"),
    path("editions/", views_editions.editions, name="editions"),
    path("editions/<str:month>/", views_editions.edition, name="edition"),
    path("editions/<str:month>/build/", views_editions.build, name="edition-build"),
    path("editions/<str:month>/foreword/", views_editions.foreword, name="edition-foreword"),
    path(
        "editions/<str:month>/foreword/preview/",
        views_editions.foreword_preview,
        name="edition-foreword-preview",
    ),  # fmt: skip
    path("editions/<str:month>/news/", views_editions.news, name="edition-news"),
    path("editions/<str:month>/stats/", views_editions.stats, name="edition-stats"),
    path("editions/<str:month>/move/", views_editions.move, name="edition-move"),
    path("editions/<str:month>/approve/", views_editions.approve, name="edition-approve"),
    path("editions/<str:month>/reopen/", views_editions.reopen, name="edition-reopen"),
    path(
        "editions/<str:month>/preview.html",
        views_editions.preview_html,
        name="edition-preview-html",
    ),  # fmt: skip
    path(
        "editions/<str:month>/preview.pdf", views_editions.preview_pdf, name="edition-preview-pdf"
    ),  # fmt: skip
]
