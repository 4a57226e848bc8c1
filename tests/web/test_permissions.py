"""Who may see what: anonymous users go to the log-in page, editors cannot do admin things,
and every form needs its CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.web import factories

EDITOR_PAGES = [
    ("editor:dashboard", []),
    ("editor:queue", []),
    ("editor:search", []),
    ("editor:audit", []),
    ("editor:editions", []),
    ("editor:edition", ["2026-11"]),
    ("editor:users", []),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "args"), EDITOR_PAGES)
def test_anonymous_users_are_sent_to_log_in(client, name, args):
    url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/editor/login/?next=")


@pytest.mark.django_db
def test_anonymous_posts_change_nothing(client, month_items):
    item = month_items[0]
    response = client.post(
        reverse("editor:item-decision", args=[item.pk]), {"decision": "accepted"}
    )
    assert response.status_code == 302
    item.label.refresh_from_db()
    assert item.label.decision == "pending"


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client, django_user_model):
    nobody = django_user_model.objects.create_user("nobody@example.org", password="x" * 12)
    client.force_login(nobody)
    assert client.get(reverse("editor:queue")).status_code == 403


@pytest.mark.django_db
def test_editors_cannot_manage_users_or_use_the_django_admin(editor_client):
    assert editor_client.get(reverse("editor:users")).status_code == 403
    created = editor_client.post(
        reverse("editor:users"),
        {"email": "sneaky@example.org", "role": "admin", "password": "p" * 12},
    )
    assert created.status_code == 403
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="sneaky@example.org").exists()
    admin_page = editor_client.get("/admin/")
    assert admin_page.status_code == 302 and "/admin/login/" in admin_page["Location"]
    assert "Users" not in editor_client.get(reverse("editor:dashboard")).content.decode()


@pytest.mark.django_db
def test_admins_manage_users_and_reach_the_django_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    response = client.post(
        reverse("editor:users"),
        {"email": "New.Editor@example.org", "role": "editor", "password": "long enough pw"},
    )
    assert response.status_code == 302
    from django.contrib.auth import get_user_model

    created = get_user_model().objects.get(username="new.editor@example.org")
    assert list(created.groups.values_list("name", flat=True)) == ["editor"]
    assert not created.is_staff
    assert "new.editor@example.org" in client.get(reverse("editor:users")).content.decode()


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused(editor, month_items):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    item = month_items[0]
    response = client.post(
        reverse("editor:item-decision", args=[item.pk]), {"decision": "accepted"}
    )
    assert response.status_code == 403
    item.label.refresh_from_db()
    assert item.label.decision == "pending"
    # With the token from the page (as the browser and htmx send it) the same post works.
    page = client.get(reverse("editor:queue") + f"?month=2026-11&item={item.pk}")
    token = page.cookies["csrftoken"].value
    response = client.post(
        reverse("editor:item-decision", args=[item.pk]),
        {"decision": "accepted"},
        HTTP_X_CSRFTOKEN=token,
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    item.label.refresh_from_db()
    assert item.label.decision == "accepted"


@pytest.mark.django_db
def test_log_in_and_out(client, editor):
    page = client.get(reverse("editor:login"))
    assert page.status_code == 200 and b'name="password"' in page.content
    response = client.post(
        reverse("editor:login"),
        {
            "username": "editor@example.org",
            "password": factories.PASSWORD,
            "next": "/editor/queue/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/editor/queue/"
    assert client.get(reverse("editor:queue")).status_code == 200
    assert client.get(reverse("editor:logout")).status_code == 405  # log-out is a POST
    client.post(reverse("editor:logout"))
    assert client.get(reverse("editor:queue")).status_code == 302


@pytest.mark.django_db
def test_log_in_refuses_an_outside_next(client, editor):
    response = client.post(
        reverse("editor:login"),
        {"username": "editor@example.org", "password": factories.PASSWORD,
         "next": "https://evil.example.com/"},
    )  # fmt: skip
    assert response["Location"] == "/editor/"
