"""The welcome email: once per confirmation, through a real SMTP sink, with the latest
edition's link, the chosen sectors and a working preferences link; off by a setting."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from policypulse.mailing import consent
from policypulse.mailing.models import Subscriber
from tests.mailing.helpers import make_edition

pytestmark = pytest.mark.urls("tests.mailing.urls")


def received(sink) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(raw, policy=email.policy.default)
            for _, _, raw in sink.messages()]  # fmt: skip


def subscribe_and_confirm_twice(client, sink, address: str, sectors: list[str]):
    client.post("/subscribe/", {"email": address, "consent": "on", "sectors": sectors})
    (notice,) = received(sink)
    link = re.search(r"https://digest\.example\.org(/subscribe/confirm/\S+/)",
                     notice.get_content()).group(1)  # fmt: skip
    first, second = client.post(link), client.post(link)
    return first, second


@pytest.mark.django_db
def test_confirming_twice_sends_one_welcome(client, site, mail_config):
    edition = make_edition(mail_config)
    from policypulse.editions.models import Edition

    Edition.objects.filter(pk=edition.pk).update(status=Edition.Status.SENT)
    first, second = subscribe_and_confirm_twice(client, site, "new@example.net",
                                                ["justice", "children"])  # fmt: skip
    assert first.status_code == 200 and second.status_code == 400
    messages = received(site)
    assert len(messages) == 2  # the confirmation notice, then one welcome
    welcome = messages[1]
    assert welcome["To"].addresses[0].addr_spec == "new@example.net"
    assert welcome["Subject"] == f"Welcome to {mail_config.organisation.digest_title}"
    body = welcome.get_content()
    labels = {s.key: s.label for s in mail_config.sectors}
    assert f"You chose: {labels['children']}, {labels['justice']}." in body or (
        f"You chose: {labels['justice']}, {labels['children']}." in body
    )
    assert f"https://digest.example.org/editions/{edition.month_key}/" in body
    preferences = re.search(r"https://digest\.example\.org(/preferences/\S+/)", body).group(1)
    page = client.get(preferences)
    assert page.status_code == 200 and "Pause the digest" in page.text
    subscriber = Subscriber.objects.get(email="new@example.net")
    assert subscriber.events.filter(kind="welcomed").count() == 1


@pytest.mark.django_db
def test_no_welcome_when_switched_off(client, site, mail_config):
    mail_config.mail.welcome = False
    first, _ = subscribe_and_confirm_twice(client, site, "quiet@example.net", [])
    assert first.status_code == 200
    assert len(received(site)) == 1  # only the confirmation notice
    assert Subscriber.objects.get(email="quiet@example.net").status == "active"


@pytest.mark.django_db
def test_the_workspace_template_is_used_and_not_escaped(mail_config, tmp_path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "welcome.txt").write_text(
        "Subject: Hello {{ name }}\n\nSectors: {{ sectors }}\nEdit: {{ preferences_url }}\n"
    )
    subscriber = Subscriber.objects.create(email="a@example.net", name="Ann & Bo <x>",
                                           sectors=[], status="active")  # fmt: skip
    subject, body = consent.welcome_text(mail_config, subscriber, tmp_path)
    assert subject == "Hello Ann & Bo <x>"
    assert body.startswith("Sectors: every sector\nEdit: https://digest.example.org/preferences/")
