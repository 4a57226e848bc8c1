"""One log-in throttle for every way in (finding 1 of the hardening issue): the editor's form,
Django's admin log-in and any other caller of `authenticate`. Failures are rows in the
database, so a restart does not forget them."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from policypulse.web import accounts
from policypulse.web.models import LoginFailure
from tests.web import factories

ADMIN = "admin@example.org"


def lock_via_the_editor_login(client, username):
    for _ in range(accounts.THROTTLE_LIMIT):
        client.post(reverse("editor:login"), {"username": username, "password": "wrong"})
    locked = client.post(reverse("editor:login"),
                         {"username": username, "password": factories.PASSWORD})  # fmt: skip
    assert locked.status_code == 429


@pytest.mark.django_db
def test_the_admin_login_obeys_the_editor_logins_lock(admin_user):
    lock_via_the_editor_login(Client(), ADMIN)
    attacker = Client()
    for attempt in range(12):
        response = attacker.post("/admin/login/?next=/admin/",
                                 {"username": ADMIN, "password": f"guess {attempt}"})  # fmt: skip
        assert response.status_code == 429, attempt
    right = attacker.post("/admin/login/?next=/admin/",
                          {"username": ADMIN, "password": factories.PASSWORD})  # fmt: skip
    assert right.status_code == 429
    assert "_auth_user_id" not in attacker.session
    assert attacker.get(reverse("editor:users")).status_code == 302  # to the log-in page
    assert attacker.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_admin_login_failures_count_towards_the_same_lock(client, admin_user):
    for attempt in range(accounts.THROTTLE_LIMIT):
        client.post("/admin/login/", {"username": ADMIN, "password": f"guess {attempt}"})
    assert LoginFailure.objects.filter(username=ADMIN).count() == accounts.THROTTLE_LIMIT
    response = client.post(reverse("editor:login"),
                           {"username": ADMIN, "password": factories.PASSWORD})  # fmt: skip
    assert response.status_code == 429 and "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_authenticate_itself_refuses_a_locked_account(admin_user):
    """Any other path (a future view, a management command) goes through the same backend."""
    for _ in range(accounts.THROTTLE_LIMIT):
        assert authenticate(None, username=ADMIN, password="wrong") is None
    assert LoginFailure.objects.filter(username=ADMIN).count() == accounts.THROTTLE_LIMIT
    assert authenticate(None, username=ADMIN, password=factories.PASSWORD) is None


@pytest.mark.django_db
def test_the_admin_login_still_lets_an_admin_in(client, admin_user):
    response = client.post("/admin/login/?next=/admin/",
                           {"username": ADMIN, "password": factories.PASSWORD})  # fmt: skip
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
