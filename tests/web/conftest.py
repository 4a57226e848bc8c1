"""Fixtures for the editor app: users with roles, logged-in clients, a month of candidates."""

from __future__ import annotations

import pytest

from tests.web import factories


@pytest.fixture
def editor(db):
    return factories.make_user("editor@example.org", "editor")


@pytest.fixture
def admin_user(db):
    return factories.make_user("admin@example.org", "admin")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def month_items(db):
    """Twelve candidates in November 2026 over the three sectors, some failing the guard."""
    return factories.make_candidates(12)


@pytest.fixture
def sources(db):
    return factories.make_sources()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Django's default hasher is slow by design; these tests check who may log in, not it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
