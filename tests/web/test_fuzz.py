"""No input makes a server error: hostile paths, query strings and form fields against every
URL the site answers (enumerated from the resolver), as an editor and anonymously, with GET,
HEAD and POST. Short in CI; `pytest tests/web/test_fuzz.py --hypothesis-profile=fuzz` or
`bench/fuzz_bench.py` for the long run."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from hypothesis import example, given

from policypulse.editions.services import build_edition
from tests.render.conftest import make_edition
from tests.web import factories
from tests.web.fuzz import Tally, known_attacks, requests, send, targets

TARGETS = targets()
# Answers some targets give on purpose: the health check says 503 while the service is not
# ready (no worker heartbeat in a test database). Anything else at or above 500 is a bug.
DELIBERATE = {"healthz": {503}}
tally = Tally()


@pytest.fixture(scope="module", autouse=True)
def save_tally():
    yield
    tally.save()


@pytest.fixture
def site(db):
    """Something behind each URL for plausible values to reach: November's candidates and its
    draft edition, October's published edition, an editor."""
    factories.make_candidates(12)
    build_edition(settings.PULSE, factories.MONTH, actor="task:fuzz")
    make_edition(n_items=4, month="2026-10", status="approved", hostile=True)
    return factories.make_user("editor@example.org", "editor")


def test_the_resolver_gives_every_url_of_the_site():
    names = {target.name for target in TARGETS}
    assert {"archive:item", "archive:download", "editor:edition-move", "editor:item-decision",
            "mailing:confirm", "admin-login", "editor:login"} <= names  # fmt: skip
    assert len(names) >= 35


@pytest.mark.parametrize("who", ["anonymous", "editor"])
@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_no_input_makes_a_server_error(site, target, who):
    client = Client()
    if who == "editor":
        client.force_login(site)

    def hit(request):
        method, path, query, data = request
        response = send(client, method, path, query, data)
        status = response.status_code
        deliberate = status in DELIBERATE.get(target.name, ())
        tally.count(f"{target.name} ({who})", 200 if deliberate else status)
        assert status < 500 or deliberate, (method, path, query, data)
        if method == "HEAD":  # HEAD wherever GET: the same answer, without a body
            assert response.status_code == send(client, "GET", path, query, data).status_code

    for attack in known_attacks(target):
        hit = example(request=attack)(hit)
    given(request=requests(target))(hit)()
