"""CSV import, listing, GDPR export and erasure."""

from __future__ import annotations

import pytest

from policypulse.errors import MailError
from policypulse.mailing.models import Delivery, Subscriber, Suppression, email_hash
from policypulse.mailing.subscribers import (
    erase_subscriber,
    export_subscriber,
    import_subscribers,
    list_subscribers,
    parse_subscriber_csv,
)
from tests.mailing.helpers import make_edition

KEYS = ["adult-care", "children", "justice"]

CSV = """email,name,organisation,sectors
Ann@Example.org,Ann,Council,justice;children
not-an-address,Bob,,
ann@example.ORG,Ann again,,
cat@example.org,Cat,,housing
dan@example.org,"Dan, Jr",Charity,
eve@example.org,Eve,, justice ; ;
"""


def test_parse_rejects_with_reasons_and_dedupes_case_insensitively():
    rows, rejected = parse_subscriber_csv(CSV, KEYS)
    assert [(r.line, r.email, r.sectors) for r in rows] == [
        (2, "ann@example.org", ["justice", "children"]),
        (6, "dan@example.org", []),
        (7, "eve@example.org", ["justice"]),
    ]
    reasons = {r.line: r.reason for r in rejected}
    assert set(reasons) == {3, 4, 5}
    assert reasons[3].startswith("invalid address")
    assert reasons[4] == "duplicate of line 2"
    assert reasons[5].startswith("unknown sector 'housing'") and "adult-care" in reasons[5]
    assert rows[1].name == "Dan, Jr" and rows[1].organisation == "Charity"


def test_parse_needs_an_email_column():
    with pytest.raises(MailError, match="email"):
        parse_subscriber_csv("name,sectors\nAnn,\n", KEYS)


def test_parse_does_no_dns_lookups():
    rows, rejected = parse_subscriber_csv("email\nsomeone@no-such-domain.invalid-tld-xyz\n", KEYS)
    assert [r.email for r in rows] == ["someone@no-such-domain.invalid-tld-xyz"] and not rejected


@pytest.mark.django_db
def test_import_creates_active_subscribers_with_consent_source(config):
    report = import_subscribers(CSV, config, source_name="clients.csv")
    assert (report.created, report.existing, len(report.rejected)) == (3, 0, 3)
    ann = Subscriber.objects.get(email="ann@example.org")
    assert ann.status == "active" and ann.consent_source == "import"
    assert "clients.csv" in ann.consent_text and ann.consent_at is not None
    listed = {row["email"]: row for row in list_subscribers()}
    assert listed["ann@example.org"]["sectors"] == ["justice", "children"]
    assert listed["dan@example.org"]["status"] == "active"
    again = import_subscribers(CSV.replace("Ann@Example.org", "ANN@EXAMPLE.ORG"), config)
    assert (again.created, again.existing) == (0, 3)
    assert Subscriber.objects.count() == 3


@pytest.mark.django_db
def test_suppressed_addresses_are_never_reimported(config):
    Suppression.objects.create(email_hash=email_hash("Dan@example.org"), reason="unsubscribed")
    report = import_subscribers(CSV, config)
    assert report.created == 2
    (suppressed,) = [r for r in report.rejected if r.line == 6]
    assert suppressed.reason.startswith("suppressed")
    assert not Subscriber.objects.filter(email="dan@example.org").exists()


@pytest.mark.django_db
def test_export_then_erase_keeps_only_a_hash(config):
    import_subscribers(CSV, config)
    edition = make_edition(config)
    ann = Subscriber.objects.get(email="ann@example.org")
    Delivery.objects.create(edition=edition, subscriber=ann, status="sent", reply="250 ann ok",
                            message_id="<x@example.org>")  # fmt: skip
    data = export_subscriber("ANN@example.org")
    assert data["email"] == "ann@example.org" and data["consent"]["source"] == "import"
    assert data["events"][0]["kind"] == "imported"
    assert data["deliveries"] == [
        {"edition": "2026-10", "status": "sent", "message_id": "<x@example.org>",
         "sent_at": None, "reply": "250 ann ok"}
    ]  # fmt: skip
    erase_subscriber("ann@example.org")
    assert not Subscriber.objects.filter(email="ann@example.org").exists()
    assert Suppression.objects.get(email_hash=email_hash("ann@example.org")).reason == "erased"
    delivery = Delivery.objects.get()
    assert delivery.subscriber is None and delivery.reply == ""
    with pytest.raises(MailError, match="no subscriber"):
        export_subscriber("ann@example.org")
    assert import_subscribers(CSV, config).created == 0  # erased stays out
