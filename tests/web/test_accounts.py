"""Accounts: roles, creation rules, log-in throttling, and `pulse users create`."""

import datetime

import pytest
from django.urls import reverse

from policypulse.web import accounts
from tests.clitools import pulse as _pulse
from tests.web import factories

NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=datetime.UTC)


def test_throttled_counts_only_failures_inside_the_window():
    minutes = [NOW - datetime.timedelta(minutes=m) for m in (1, 2, 3, 4)]
    assert not accounts.throttled(minutes, NOW)
    assert accounts.throttled([*minutes, NOW - datetime.timedelta(minutes=14)], NOW)
    assert not accounts.throttled([*minutes, NOW - datetime.timedelta(minutes=16)], NOW)
    assert accounts.throttled(minutes, NOW, limit=4)


@pytest.mark.django_db
def test_create_user_checks_email_role_and_password():
    with pytest.raises(accounts.AccountError, match="e-mail"):
        accounts.create_user("not-an-address", "editor", "long enough pw", actor="cli:tests")
    with pytest.raises(accounts.AccountError, match="role"):
        accounts.create_user("a@example.org", "owner", "long enough pw", actor="cli:tests")
    with pytest.raises(accounts.AccountError, match="at least 10"):
        accounts.create_user("a@example.org", "editor", "short", actor="cli:tests")
    user = accounts.create_user("A@Example.org", "editor", "long enough pw", actor="cli:tests")
    assert user.username == "a@example.org" and user.check_password("long enough pw")
    assert accounts.is_editor(user) and not accounts.is_admin(user)
    with pytest.raises(accounts.AccountError, match="already exists"):
        accounts.create_user("a@example.org", "admin", "long enough pw", actor="cli:tests")


@pytest.mark.django_db
def test_roles_are_groups_from_the_data_migration():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {"editor", "admin"}


@pytest.mark.django_db
def test_login_is_throttled_after_five_failures(client, editor):
    url = reverse("editor:login")
    for _ in range(accounts.THROTTLE_LIMIT):
        response = client.post(url, {"username": "editor@example.org", "password": "wrong"})
        assert response.status_code == 200
        assert b"Please enter a correct" in response.content
    # Now even the right password is refused, without being checked.
    response = client.post(url, {"username": "editor@example.org", "password": factories.PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed log-ins" in response.content
    assert "_auth_user_id" not in client.session
    # Another account from another address is not affected.
    factories.make_user("other@example.org", "editor")
    other = client.post(
        url, {"username": "other@example.org", "password": factories.PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )  # fmt: skip
    assert other.status_code == 302


@pytest.mark.django_db
def test_a_successful_login_clears_the_failures(client, editor):
    from policypulse.web.models import LoginFailure

    url = reverse("editor:login")
    for _ in range(3):
        client.post(url, {"username": "editor@example.org", "password": "wrong"})
    assert LoginFailure.objects.filter(username="editor@example.org").count() == 3
    client.post(url, {"username": "editor@example.org", "password": factories.PASSWORD})
    assert not LoginFailure.objects.filter(username="editor@example.org").exists()


def test_pulse_users_create_from_stdin(tmp_path):
    workspace = tmp_path / "ws"
    _pulse("init", workspace, check=True)
    made = _pulse("users", "create", "ed@example.org", "--role", "editor", "--password-stdin",
                  stdin="a long password\n", workspace=workspace)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "Created ed@example.org (editor)" in made.stdout
    again = _pulse("users", "create", "ed@example.org", "--role", "admin", "--password-stdin",
                   stdin="a long password\n", workspace=workspace)  # fmt: skip
    assert again.returncode == 1
    assert "already exists" in again.stderr and "Traceback" not in again.stderr
    short = _pulse("users", "create", "x@example.org", "--role", "editor", "--password-stdin",
                   stdin="short\n", workspace=workspace)  # fmt: skip
    assert short.returncode == 1 and "at least 10" in short.stderr
    listed = _pulse("users", "list", workspace=workspace)
    assert "ed@example.org" in listed.stdout and "editor" in listed.stdout
    assert "x@example.org" not in listed.stdout
