"""Click tracking: a real edition sent to the SMTP sink with `[tracking] clicks = true`, its
links followed through /r/, altered tokens and foreign URLs refused, stats as JSON."""

from __future__ import annotations

import email
import email.policy
import json
import re

import pytest
from django.core import signing

from policypulse.editions.models import EditionItem
from policypulse.mailing import clicks
from policypulse.mailing.models import Click, ClickCount
from policypulse.mailing.sending import send_edition
from tests.clitools import pulse, run_python
from tests.mailing.helpers import make_subscribers

pytestmark = pytest.mark.urls("tests.mailing.urls")

TRACKED = re.compile(r"https://digest\.example\.org(/r/[^\s\"<>]+/)")


def parts(raw: bytes) -> tuple[str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    return html, text


@pytest.fixture
def tracked(settings, mail_config, sink):
    mail_config.mail.smtp_url = sink.url
    mail_config.tracking.clicks = True
    settings.PULSE = mail_config
    return mail_config


@pytest.mark.django_db
def test_links_go_through_the_redirect_and_clicks_are_counted(client, tracked, sink, edition,
                                                              clock):  # fmt: skip
    make_subscribers(2)
    assert send_edition(edition, tracked, clock=clock).sent == 2
    html, text = parts(sink.messages()[0][2])
    urls = set(EditionItem.objects.filter(edition=edition).values_list("url", flat=True))
    for part in (html, text):
        assert not any(url in part for url in urls)  # no publication link left untracked
    html_links, text_links = TRACKED.findall(html), TRACKED.findall(text)
    assert len(set(html_links)) == len(urls) and set(html_links) == set(text_links)
    link = html_links[0]
    assert link.count("/") == 3  # /r/<token>/: nothing about the reader
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] in urls
    assert response["Referrer-Policy"] == "no-referrer"
    client.get(link)
    assert client.head(link).status_code == 302  # a link checker's HEAD is not a click
    (count,) = ClickCount.objects.all()
    assert count.clicks == 2 and count.item.url == response["Location"]
    assert not Click.objects.exists()  # no per-person record unless per_subscriber


@pytest.mark.django_db
def test_altered_tokens_and_foreign_urls_are_refused(client, tracked, edition):
    item = EditionItem.objects.filter(edition=edition).first()
    token = clicks.click_token(edition.pk, item.publication_id)
    assert client.get(f"/r/{token}/?url=https://evil.example/")["Location"] == item.url
    altered = token.replace(f"{edition.pk}.", f"{edition.pk + 1}.", 1)
    assert client.get(f"/r/{altered}/").status_code == 404
    assert client.get(f"/r/{token[:-2]}xy/").status_code == 404
    # Signed by us but naming a URL instead of an item: still not a redirect.
    foreign = signing.Signer(salt=clicks.CLICK).sign("https://evil.example/")
    assert client.get(f"/r/{foreign}/").status_code == 404
    assert (
        client.get(f"/r/{signing.Signer(salt=clicks.CLICK).sign('evil.example')}/").status_code
        == 404
    )
    # An unsubscribe token (another salt) is not a click token.
    assert client.get(f"/r/{signing.Signer(salt='x').sign('1.1')}/").status_code == 404
    # A harvested javascript: URL in the database is never redirected to.
    EditionItem.objects.filter(pk=item.pk).update(url="javascript:alert(1)")
    assert client.get(f"/r/{token}/").status_code == 404
    assert ClickCount.objects.get().clicks == 1  # only the first, valid, click counted


@pytest.mark.django_db
def test_per_subscriber_clicks_name_the_reader(client, tracked, sink, edition, clock):
    tracked.tracking.per_subscriber = True
    readers = make_subscribers(2)
    send_edition(edition, tracked, clock=clock)
    links = {}
    for recipient, _, raw in sink.messages():
        html, text = parts(raw)
        assert clicks.WHO_MARK not in html and clicks.WHO_MARK not in text
        links[recipient] = TRACKED.findall(html)[0]
    first = links[readers[0].email]
    assert first.count("/") == 4 and first != links[readers[1].email]
    assert client.get(first).status_code == 302
    (row,) = Click.objects.all()
    assert row.subscriber_id == readers[0].pk
    forged = first.rsplit("/", 2)[0] + "/not-a-signed-key/"
    assert client.get(forged).status_code == 302  # counted, but names no one
    assert Click.objects.count() == 1 and ClickCount.objects.get().clicks == 2


def test_stats_json_from_the_command_line(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    run_python(["-m", "tests.mailing.helpers", str(workspace), "4"])
    seed = f"""
from pathlib import Path
from policypulse import runtime
runtime.start(Path({str(workspace)!r}))
from policypulse.editions.models import Edition, EditionItem
from policypulse.mailing import clicks
from policypulse.mailing.models import Delivery, Subscriber
from policypulse.workspace import default_config
edition = Edition.objects.get()
for subscriber in Subscriber.objects.all():
    Delivery.objects.create(edition=edition, subscriber=subscriber, status="sent")
items = list(EditionItem.objects.filter(edition=edition).order_by("pk"))
config = default_config()
for item, n in ((items[0], 3), (items[1], 1)):
    for _ in range(n):
        assert clicks.record_click(clicks.click_token(edition.pk, item.publication_id), None, config)
"""
    run_python(["-c", seed])
    result = pulse("editions", "stats", "2026-10", "--json", workspace=workspace, check=True)
    data = json.loads(result.stdout)
    assert (data["edition"], data["sent"], data["clicks"]) == ("2026-10", 4, 4)
    assert [p["clicks"] for p in data["publications"]] == [3, 1]
    (source,) = data["sources"]  # the seeded items have no source: grouped by publisher
    assert source["source"] == "Example Institute" and source["clicks"] == 4
    assert source["click_through"] == 1.0 and source["sent"] == 4
    assert data["sources_over"] == ["2026-10"]
    table = pulse("editions", "stats", workspace=workspace, check=True).stdout
    assert "Most-clicked publications" in table and "100.00%" in table
