"""Bounces from RFC 3464 delivery status notifications in a maildir."""

from __future__ import annotations

import mailbox

import pytest

from policypulse.mailing.bounces import permanent_failures, scan_maildir
from policypulse.mailing.models import Subscriber, Suppression, email_hash
from tests.mailing.helpers import make_subscribers

DSN = """\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: digest@example.org
Subject: Undelivered Mail Returned to Sender
Date: Sun, 1 Nov 2026 09:00:00 +0000
Message-ID: <dsn-1@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

I'm sorry to have to inform you that your message could not be delivered.

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Arrival-Date: Sun, 1 Nov 2026 08:59:00 +0000

Final-Recipient: rfc822; {permanent}
Original-Recipient: rfc822; {permanent}
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 user unknown

Final-Recipient: rfc822; {temporary}
Action: delayed
Status: 4.2.2
Diagnostic-Code: smtp; 452 4.2.2 mailbox full

--B
Content-Type: message/rfc822-headers

From: digest@example.org
To: {permanent}
Message-ID: <abc@example.org>
Subject: Digest

--B--
"""


def dsn(permanent: str, temporary: str) -> bytes:
    return DSN.format(permanent=permanent, temporary=temporary).replace("\n", "\r\n").encode()


def test_permanent_failures_only():
    assert permanent_failures(dsn("Gone@Example.net", "full@example.net")) == {"gone@example.net"}


@pytest.mark.django_db
def test_scan_maildir_bounces_and_is_idempotent(tmp_path):
    subscribers = make_subscribers(2)
    box = mailbox.Maildir(tmp_path / "bounces", create=True)
    box.add(dsn(subscribers[0].email, subscribers[1].email))
    box.add(dsn("stranger@example.net", subscribers[1].email))
    report = scan_maildir(tmp_path / "bounces")
    assert report.messages == 2
    assert report.bounced == [subscribers[0].email]
    assert report.unknown == ["stranger@example.net"]
    assert Subscriber.objects.get(pk=subscribers[0].pk).status == "bounced"
    assert Subscriber.objects.get(pk=subscribers[1].pk).status == "active"  # only delayed
    assert Suppression.objects.filter(email_hash=email_hash(subscribers[0].email)).exists()
    assert scan_maildir(tmp_path / "bounces").messages == 0  # seen messages are not re-read


@pytest.mark.django_db
def test_mailto_unsubscribe_requests_need_a_valid_token(tmp_path):
    from policypulse.mailing import tokens

    subscribers = make_subscribers(2)
    box = mailbox.Maildir(tmp_path / "inbox", create=True)
    token = tokens.make_token(subscribers[0].key, tokens.UNSUBSCRIBE)
    forged = tokens.make_token(subscribers[1].key, tokens.UNSUBSCRIBE)[:-2] + "zz"
    for subject in (f"unsubscribe {token}", f"Unsubscribe {forged}"):
        box.add(f"From: {subscribers[1].email}\r\nSubject: {subject}\r\n\r\n\r\n".encode())
    report = scan_maildir(tmp_path / "inbox")
    assert (report.messages, report.unsubscribed) == (2, 1)
    assert Subscriber.objects.get(pk=subscribers[0].pk).status == "unsubscribed"
    assert Subscriber.objects.get(pk=subscribers[1].pk).status == "active"
