"""Sending against a real aiosmtpd server process on 127.0.0.1."""

from __future__ import annotations

import email
import email.policy
from collections import Counter

import dkim
import pytest

from policypulse.editions.models import Edition
from policypulse.errors import EditionError
from policypulse.mailing import tokens
from policypulse.mailing.backends import UncertainDelivery
from policypulse.mailing.mailers import open_mailer
from policypulse.mailing.models import Delivery, Subscriber, Suppression, email_hash
from policypulse.mailing.sending import SendReport, prepare_deliveries, send_edition
from tests.mailing.conftest import FakeClock
from tests.mailing.helpers import make_edition, make_subscribers


def parse(raw: bytes):
    return email.message_from_bytes(raw, policy=email.policy.default)


def use(config, sink):
    config.mail.smtp_url = sink.url
    return config


@pytest.mark.django_db
def test_each_subscriber_gets_one_well_formed_message(mail_config, edition, sink, clock):
    subscribers = make_subscribers(3)
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert (report.sent, report.failed, report.complete) == (3, 0, True)
    messages = sink.messages()
    assert sorted(m[0] for m in messages) == [s.email for s in subscribers]
    assert len({m[1] for m in messages}) == 3  # a unique Message-ID per delivery
    for recipient, message_id, raw in messages:
        message = parse(raw)
        assert message.get_content_type() == "multipart/alternative"
        kinds = [part.get_content_type() for part in message.iter_parts()]
        assert kinds == ["text/plain", "text/html"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["Archived-At"] == "<https://digest.example.org/editions/2026-10/>"
        assert message["List-Archive"] == "<https://digest.example.org/editions/>"
        assert message["Message-ID"] == message_id
        delivery = Delivery.objects.get(subscriber__email=recipient)
        assert delivery.message_id == message_id
        assert delivery.status == "sent" and delivery.reply.startswith("250 ")
        assert delivery.sent_at is not None
    assert Edition.objects.get(pk=edition.pk).status == "sent"


@pytest.mark.django_db
def test_list_unsubscribe_is_one_unfolded_unencoded_line(mail_config, edition, sink, clock):
    (subscriber,) = make_subscribers(1)
    send_edition(edition, use(mail_config, sink), clock=clock)
    (_, _, raw) = sink.messages()[0]
    lines = raw.split(b"\r\n")
    (header,) = [line for line in lines if line.lower().startswith(b"list-unsubscribe:")]
    token = tokens.make_token(subscriber.key, tokens.UNSUBSCRIBE)
    expected = (
        f"List-Unsubscribe: <https://digest.example.org/unsubscribe/{token}/>, "
        f"<mailto:digest@example.org?subject=unsubscribe%20{token.replace(':', '%3A')}>"
    ).encode()
    assert header == expected
    assert len(header) > 78  # long enough that the default policy would have folded it
    following = lines[lines.index(header) + 1]
    assert not following[:1].isspace()  # no continuation line
    assert b"=?" not in header


@pytest.mark.django_db
def test_personalisation_by_sector_and_links(mail_config, edition, sink, clock):
    make_subscribers(2, sectors_cycle=(["justice"], ["children", "adult-care"]))
    send_edition(edition, use(mail_config, sink), clock=clock)
    by_recipient = {recipient: parse(raw) for recipient, _, raw in sink.messages()}
    justice = by_recipient["reader00000@example.net"]
    others = by_recipient["reader00001@example.net"]
    justice_text = justice.get_body(("plain",)).get_content()
    others_html = others.get_body(("html",)).get_content()
    assert "CRIMINAL JUSTICE" in justice_text and "CHILDREN" not in justice_text
    assert "Criminal Justice" not in others_html and "Children" in others_html
    subscriber = Subscriber.objects.get(email="reader00001@example.net")
    link = f"https://digest.example.org/preferences/{tokens.make_token(subscriber.key, tokens.PREFERENCES)}/"
    assert link in others_html
    assert justice["To"] == "Reader 0 <reader00000@example.net>"
    assert "<b>&amp;</b>" not in others_html  # harvested text stays escaped


@pytest.mark.django_db
def test_nothing_in_their_sectors_is_skipped_not_sent(mail_config, sink, clock):
    from policypulse.editions.models import EditionItem

    edition = make_edition(mail_config, approve=False)
    EditionItem.objects.filter(edition=edition, sector="justice").delete()
    from policypulse.editions.services import approve_edition

    edition = approve_edition(edition, actor="cli:test")
    make_subscribers(2, sectors_cycle=(["justice"], []))
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert (report.sent, report.skipped) == (1, 1)
    assert sink.recipients() == ["reader00001@example.net"]


@pytest.mark.django_db
def test_draft_edition_is_refused(mail_config, sink, clock):
    draft = make_edition(mail_config, approve=False)
    make_subscribers(1)
    with pytest.raises(EditionError, match="approve it first"):
        send_edition(draft, use(mail_config, sink), clock=clock)
    assert sink.messages() == []


@pytest.mark.django_db
def test_dkim_signature_verifies(mail_config, edition, sink, clock, dkim_key):
    key, record = dkim_key
    mail_config.mail.dkim_domain = "example.org"
    mail_config.mail.dkim_selector = "pulse"
    mail_config.mail.dkim_key_file = str(key)
    make_subscribers(1)
    send_edition(edition, use(mail_config, sink), clock=clock)
    (_, _, raw) = sink.messages()[0]
    assert raw.startswith(b"DKIM-Signature:")

    def dns(name, timeout=5):
        assert name == b"pulse._domainkey.example.org."
        return record

    assert dkim.verify(raw, dnsfunc=dns)
    folded = parse(raw)["DKIM-Signature"]
    signature = dkim.util.parse_tag_value("".join(str(folded).split()).encode())
    signed = signature[b"h"].replace(b" ", b"").split(b":")
    assert {b"from", b"subject", b"list-unsubscribe", b"list-unsubscribe-post"} <= set(signed)
    assert not dkim.verify(raw.replace(b"Evidence on", b"Evidenze on", 1), dnsfunc=dns)


@pytest.mark.django_db
def test_rate_limit_spaces_messages(mail_config, edition, sink, clock):
    make_subscribers(5)
    send_edition(edition, use(mail_config, sink), clock=clock, rate=2)
    assert len(sink.messages()) == 5
    assert clock.slept == [0.5, 0.5, 0.5, 0.5]  # 2 a second: four waits between five messages
    sent_at = list(Delivery.objects.order_by("sent_at").values_list("sent_at", flat=True))
    gaps = [(b - a).total_seconds() for a, b in zip(sent_at, sent_at[1:], strict=False)]
    assert gaps == [0.5] * 4


@pytest.mark.django_db
def test_temporary_refusal_is_retried_and_never_failed(mail_config, edition, make_sink, clock):
    sink = make_sink({"temporary": {"reader00001@example.net": 2}})
    make_subscribers(3)
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert report.complete and report.sent == 3 and report.failed == 0
    assert report.retries == 2
    assert sorted(sink.recipients()) == [f"reader0000{n}@example.net" for n in range(3)]
    assert sink.refusals() == [("reader00001@example.net", 451)] * 2
    delivery = Delivery.objects.get(subscriber__email="reader00001@example.net")
    assert delivery.status == "sent" and delivery.attempts == 3
    assert clock.slept == [30.0, 60.0]  # backed off, then retried: the send did not end early


@pytest.mark.django_db
def test_temporary_refusals_past_the_window_stay_pending(mail_config, edition, make_sink, clock):
    sink = make_sink({"temporary": {"reader00000@example.net": 100}})
    mail_config.mail.retry_window_minutes = 5
    make_subscribers(2)
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert not report.complete and report.pending == 1 and report.failed == 0
    delivery = Delivery.objects.get(subscriber__email="reader00000@example.net")
    assert delivery.status == "pending" and delivery.reply.startswith("451")
    assert Edition.objects.get(pk=edition.pk).status == "approved"
    assert sink.recipients() == ["reader00001@example.net"]


@pytest.mark.django_db
def test_permanent_refusal_bounces_the_address(mail_config, edition, make_sink, clock):
    sink = make_sink({"permanent": ["reader00002@example.net"]})
    make_subscribers(4)
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert (report.sent, report.failed, report.bounced) == (3, 1, 1)
    delivery = Delivery.objects.get(subscriber__email="reader00002@example.net")
    assert delivery.status == "failed" and delivery.reply.startswith("550 5.1.1")
    subscriber = Subscriber.objects.get(email="reader00002@example.net")
    assert subscriber.status == "bounced"
    assert Suppression.objects.filter(email_hash=email_hash(subscriber.email)).exists()
    assert subscriber.events.filter(kind="bounced").exists()


@pytest.mark.django_db
def test_unsubscribe_arriving_mid_send_is_honoured(mail_config, edition, sink, clock, monkeypatch):
    """A reader who clicks after the batch was read (and checked) but before their message
    starts: the start re-reads the subscriber and the suppression list."""
    from policypulse.mailing.consent import unsubscribe
    from policypulse.mailing.sending import _Sender

    subscribers = make_subscribers(4)
    late = subscribers[3]
    screen = _Sender.screen

    def screen_then_click(self, items):
        kept = screen(self, items)
        unsubscribe(Subscriber.objects.get(pk=late.pk), "one-click")
        Suppression.objects.create(email_hash=email_hash(subscribers[2].email), reason="manual")
        return kept

    monkeypatch.setattr(_Sender, "screen", screen_then_click)
    report = send_edition(edition, use(mail_config, sink), clock=clock)
    assert sorted(sink.recipients()) == [s.email for s in subscribers[:2]]
    assert report.skipped == 2
    assert set(Delivery.objects.filter(status="skipped").values_list("reply", flat=True)) == {
        "subscriber is unsubscribed",
        "address suppressed",
    }


@pytest.mark.django_db
def test_suppressions_are_checked_per_batch(mail_config, edition, sink, clock, monkeypatch):
    """An address suppressed before its batch is read is skipped without being started."""
    from policypulse.mailing import sending

    monkeypatch.setattr(sending, "BATCH", 2)
    subscribers = make_subscribers(4)
    batches = []

    def after_batch(report):
        batches.append(report.sent)
        if len(batches) == 1:
            Suppression.objects.create(email_hash=email_hash(subscribers[3].email), reason="x")

    report = send_edition(edition, use(mail_config, sink), clock=clock, progress=after_batch)
    assert sorted(sink.recipients()) == [s.email for s in subscribers[:3]]
    row = Delivery.objects.get(subscriber=subscribers[3])
    assert (row.status, row.reply, row.attempts) == ("skipped", "address suppressed", 0)
    assert report.skipped == 1 and batches == [2, 3]


class LoseReplies:
    """A mailer wrapper whose connection dies after the server took the message (what
    UncertainDelivery means), the given number of times per recipient."""

    def __init__(self, inner, times: dict[str, int]):
        self.inner = inner
        self.left = dict(times)

    def send_messages(self, messages):
        result = self.inner.send_messages(messages)
        address = messages[0].to[0].split("<")[-1].rstrip(">")
        if self.left.get(address, 0) > 0:
            self.left[address] -= 1
            raise UncertainDelivery("connection lost during DATA: reset by peer")
        return result

    def open(self):
        return self.inner.open()

    def close(self):
        self.inner.close()


def left_in_flight(edition, address, *, delivered: bool, config):
    """The state a `kill -9` leaves: the row claimed (`sending`), the message handed to the
    server or not."""
    delivery = Delivery.objects.get(edition=edition, subscriber__email=address)
    if delivered:
        mailer = open_mailer(config)
        mailer.open()
        from policypulse.mailing.sending import _Sender, delivery_items

        sender = _Sender(edition, config, mailer, FakeClock(), 0, SendReport(edition="x"))
        message, _ = sender.build(delivery_items(Delivery.objects.filter(pk=delivery.pk))[0])
        mailer.send_messages([message])
        mailer.close()
        sender.close()
    Delivery.objects.filter(pk=delivery.pk).update(status="sending", attempts=1)


@pytest.mark.django_db
def test_message_in_flight_when_killed_is_resent_by_default(mail_config, edition, sink, clock):
    """Finding 5: the reader whose message was in flight must not end up with nothing."""
    subscribers = make_subscribers(3)
    prepare_deliveries(edition, "example.org")
    config = use(mail_config, sink)
    left_in_flight(edition, subscribers[0].email, delivered=False, config=config)
    left_in_flight(edition, subscribers[1].email, delivered=True, config=config)
    report = send_edition(edition, config, clock=clock)
    assert (report.recovered_in_flight, report.resent_in_flight) == (2, 2)
    assert report.sent == 3 and report.unknown == 0 and report.complete
    received = Counter(sink.recipients())
    # Never a loss; the one the server had already taken arrives twice: one duplicate per kill.
    assert received == {subscribers[0].email: 1, subscribers[1].email: 2, subscribers[2].email: 1}
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}
    assert Edition.objects.get(pk=edition.pk).status == "sent"


@pytest.mark.django_db
def test_no_resend_unknown_keeps_in_flight_rows_unknown_until_a_default_run(
    mail_config, edition, sink, clock
):
    subscribers = make_subscribers(2)
    prepare_deliveries(edition, "example.org")
    config = use(mail_config, sink)
    left_in_flight(edition, subscribers[0].email, delivered=False, config=config)
    report = send_edition(edition, config, clock=clock, resend_unknown=False)
    assert (report.recovered_in_flight, report.resent_in_flight, report.unknown) == (1, 0, 1)
    assert sink.recipients() == [subscribers[1].email]
    row = Delivery.objects.get(subscriber=subscribers[0])
    assert row.status == "unknown" and "not resent" in row.reply
    again = send_edition(edition, config, clock=clock, resend_unknown=False)
    assert again.sent == 0 and again.unknown == 1  # the operator's choice holds on a rerun
    later = send_edition(edition, config, clock=clock)
    assert (later.resent_in_flight, later.sent, later.unknown) == (1, 1, 0)
    assert Counter(sink.recipients()) == {subscribers[0].email: 1, subscribers[1].email: 1}


@pytest.mark.django_db
def test_lost_reply_mid_run_is_resent_once_then_left_unknown(mail_config, edition, sink, clock):
    subscribers = make_subscribers(3)
    config = use(mail_config, sink)
    flaky, dead = subscribers[0].email, subscribers[1].email
    mailer = LoseReplies(open_mailer(config), {flaky: 1, dead: 5})  # `dead`: every time
    report = send_edition(edition, config, clock=clock, mailer=mailer)
    received = Counter(sink.recipients())
    assert received[flaky] == 2  # resent after the lost reply: one duplicate, no loss
    assert received[dead] == 2  # resent once this run, then left unknown: no loop of copies
    assert received[subscribers[2].email] == 1
    assert Delivery.objects.get(subscriber__email=flaky).status == "sent"
    assert Delivery.objects.get(subscriber__email=dead).status == "unknown"
    assert report.unknown == 1 and report.resent_in_flight == 2
    assert clock.slept == [30.0]  # the resend waited like a temporary refusal


@pytest.mark.django_db
def test_lost_reply_with_no_resend_is_unknown_at_once(mail_config, edition, sink, clock):
    (subscriber,) = make_subscribers(1)
    mailer = LoseReplies(open_mailer(use(mail_config, sink)), {subscriber.email: 1})
    report = send_edition(edition, mail_config, clock=clock, mailer=mailer, resend_unknown=False)
    assert report.unknown == 1 and report.sent == 0 and len(sink.recipients()) == 1
    assert Delivery.objects.get(subscriber=subscriber).status == "unknown"


@pytest.mark.django_db
def test_dry_run_counts_and_sends_nothing(mail_config, edition, sink, clock):
    make_subscribers(3)
    Suppression.objects.create(email_hash=email_hash("reader00000@example.net"), reason="x")
    report = send_edition(edition, use(mail_config, sink), dry_run=True)
    assert (report.would_send, report.skipped) == (2, 1)
    assert Delivery.objects.count() == 0 and sink.messages() == []


@pytest.mark.django_db
def test_hostile_names_and_titles_cannot_add_headers(mail_config, sink, clock):
    edition = make_edition(mail_config, title="October\r\nBcc: victim@example.com")
    Subscriber.objects.create(
        email="eve@example.net", name="Eve\r\nBcc: spy@example.com\n\nbody", status="active"
    )
    send_edition(edition, use(mail_config, sink), clock=clock)
    ((recipient, _, raw),) = sink.messages()
    assert recipient == "eve@example.net"
    head = raw.split(b"\r\n\r\n")[0]
    assert b"\r\nBcc:" not in head and b"\nBcc:" not in head
    message = parse(raw)
    assert message["Subject"] == "October Bcc: victim@example.com"
    assert message["To"].addresses[0].addr_spec == "eve@example.net"


@pytest.mark.django_db
@pytest.mark.parametrize("connections", [1, 2])
def test_a_big_send_signs_in_a_child_process_and_every_signature_verifies(
    mail_config, edition, sink, clock, dkim_key, monkeypatch, connections
):
    from policypulse.mailing import dkimsign, sending

    key, record = dkim_key
    mail_config.mail.dkim_domain = "example.org"
    mail_config.mail.dkim_selector = "pulse"
    mail_config.mail.dkim_key_file = str(key)
    children = []

    class Recorded(dkimsign.SigningProcess):
        def __init__(self, signer):
            super().__init__(signer)
            children.append(self.process)

    monkeypatch.setattr(sending, "SigningProcess", Recorded)
    monkeypatch.setattr(sending, "SIGN_APART_FROM", 5)  # what a send of thousands does
    make_subscribers(6)
    report = send_edition(edition, use(mail_config, sink), clock=clock, connections=connections)
    assert report.sent == 6
    assert len(children) == connections  # one child a connection, each stopped at the end
    assert all(child.returncode == 0 for child in children)
    messages = sink.messages()
    assert sorted(m[0] for m in messages) == [f"reader{n:05d}@example.net" for n in range(6)]
    for recipient, _, raw in messages:  # each signature is over its own message
        assert raw.count(b"DKIM-Signature:") == 1
        assert dkim.verify(raw, dnsfunc=lambda name, timeout=5: record), recipient
        assert recipient in str(parse(raw)["To"])


def test_the_signing_process_answers_in_order_and_signing_goes_on_after_it_dies(dkim_key):
    from policypulse.mailing.dkimsign import DkimSigner, SigningProcess

    key, record = dkim_key
    signer = DkimSigner.from_file("example.org", "pulse", key)
    child = SigningProcess(signer)
    try:
        raws = [b"From: a@example.org\r\nTo: r%d@example.net\r\nSubject: Hi\r\n\r\nBody %d\r\n"
                % (n, n) for n in range(4)]  # fmt: skip
        pending = [child.submit(raw) for raw in raws[:2]]
        second, first = pending[1](), pending[0]()  # asked out of order
        assert (first.endswith(raws[0]), second.endswith(raws[1])) == (True, True)
        assert pending[0]() is first  # asked again (a reconnect): the same bytes
        child.process.kill()
        child.process.wait()
        late = child.submit(raws[2])()  # signed here instead: never sent unsigned
        for signed in (first, second, late):
            assert dkim.verify(signed, dnsfunc=lambda name, timeout=5: record)
    finally:
        child.close()
    assert child.process.poll() is not None


def test_openssl_rsa_signature_is_byte_identical_to_dkimpys(dkim_key, monkeypatch):
    from policypulse.mailing.dkimsign import SIGNED_HEADERS, DkimSigner, use_openssl_rsa

    key, _ = dkim_key
    raw = b"From: a@example.org\r\nTo: b@example.net\r\nSubject: Hi\r\n\r\nBody\r\n"
    monkeypatch.setattr("time.time", lambda: 1_800_000_000)
    assert use_openssl_rsa()
    fast = DkimSigner.from_file("example.org", "pulse", key).sign(raw)
    monkeypatch.setattr(dkim, "RSASSA_PKCS1_v1_5_sign", dkim.crypto.RSASSA_PKCS1_v1_5_sign)
    pure = dkim.sign(raw, b"pulse", b"example.org", key.read_bytes(),
                     canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS)  # fmt: skip
    assert fast == pure + raw


def plain_dkimpy_signed(monkeypatch, key, raws: list[bytes]) -> list[bytes]:
    """The messages signed by dkimpy as shipped: our speed-ups and OpenSSL's RSA undone."""
    from dkim import canonicalization

    from policypulse.mailing.dkimsign import SIGNED_HEADERS

    for module, name in [(canonicalization, "compress_whitespace"),
                         (canonicalization, "strip_trailing_whitespace"),
                         (dkim, "parse_pem_private_key"), (dkim, "rfc822_parse")]:  # fmt: skip
        monkeypatch.setattr(module, name, getattr(module, name).original)
    monkeypatch.setattr(dkim, "RSASSA_PKCS1_v1_5_sign", dkim.crypto.RSASSA_PKCS1_v1_5_sign)
    return [dkim.sign(raw, b"pulse", b"example.org", key.read_bytes(),
                      canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS)
            + raw for raw in raws]  # fmt: skip


@pytest.mark.parametrize(
    "body",
    [
        b"Plain=20\r\nquoted-printable text, single spaces only.\r\n",
        b"Tabs\tand  double   spaces,\t \ttrailing \t\r\nblank lines at the end\r\n\r\n\r\n",
        b"",
        b"bare\nline ends\r\nmixed in\n",
        b"   indented <p>\r\n        deeper,   runs of 2, 3 and 17:                 end  \r\n",
    ],
)
def test_fast_dkim_path_signs_byte_identically_to_plain_dkimpy(dkim_key, monkeypatch, body):

    from policypulse.mailing.dkimsign import DkimSigner

    key, record = dkim_key
    raw = b"From: a@example.org\r\nTo:  b@example.net \r\nSubject: Hi\r\n\r\n" + body
    monkeypatch.setattr("time.time", lambda: 1_800_000_000)
    fast = DkimSigner.from_file("example.org", "pulse", key).sign(raw)
    assert dkim.verify(fast, dnsfunc=lambda name, timeout=5: record)
    assert fast == plain_dkimpy_signed(monkeypatch, key, [raw])[0]


def test_a_real_digest_message_is_signed_byte_identically_to_plain_dkimpy(dkim_key, monkeypatch):
    """Folded headers, an encoded subject, a long List-Unsubscribe, an indented HTML body."""

    from policypulse.mailing.dkimsign import DkimSigner
    from policypulse.mailing.message import ListInfo, build_message

    key, record = dkim_key
    info = ListInfo("digest@example.org", "Pulse — Digest", "", "", "https://d.example.org",
                    "Research & policy digest")  # fmt: skip
    html = "<table>\n" + "    <tr>  <td>Évidence   on  services</td></tr>\n" * 200 + "</table>"
    raw = build_message(
        info, subject="Research and policy digest: a long subject — November 2026 " * 2,
        html=html, text="Plain   text\n\n\n", to_name="Zoë O'Brien", to_address="z@example.net",
        message_id="<1@example.org>", unsubscribe_token="k" * 40 + ":" + "s" * 43,
        month_key="2026-11",
    ).serialise()  # fmt: skip
    monkeypatch.setattr("time.time", lambda: 1_800_000_000)
    signer = DkimSigner.from_file("example.org", "pulse", key)
    repeated = raw.replace(b"Subject:", b"Subject: an earlier one\r\nSubject:", 1)
    assert None not in (signer._header(raw), signer._header(repeated))  # the fast path
    fast = [signer.sign(each) for each in (raw, repeated)]
    assert all(dkim.verify(each, dnsfunc=lambda name, timeout=5: record) for each in fast)
    assert fast == plain_dkimpy_signed(monkeypatch, key, [raw, repeated])


class BreaksInAConnection(FakeClock):
    """A part that fails inside a connection's thread, after its first messages (a bug, or a
    clock or pacer that raises): only there, never in the calling thread."""

    def __init__(self, after: int):
        super().__init__()
        self.calls, self.after = 0, after

    def now(self):
        import threading

        if threading.current_thread().name.startswith("pulse-smtp"):
            self.calls += 1
            if self.calls > self.after:
                raise RuntimeError("the clock broke")
        return super().now()


@pytest.mark.django_db
@pytest.mark.parametrize("connections", [1, 3])
def test_a_connection_that_fails_stops_the_run_and_the_next_run_reaches_everyone(
    mail_config, edition, sink, connections
):
    import signal

    def hung(signum, frame):
        raise TimeoutError("the send hung after a connection failed")

    make_subscribers(8)
    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(60)  # a regression hangs the run: fail then, not never
    try:
        with pytest.raises(RuntimeError, match="the clock broke"):
            send_edition(edition, use(mail_config, sink), clock=BreaksInAConnection(after=4),
                         connections=connections)  # fmt: skip
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    first = Counter(sink.recipients())
    assert 0 < len(first) < 8
    report = send_edition(edition, use(mail_config, sink), clock=FakeClock(),
                          connections=connections)  # fmt: skip
    assert report.complete
    received = Counter(sink.recipients())
    assert sorted(received) == [f"reader{n:05d}@example.net" for n in range(8)]
    # Like a kill: at most one duplicate per connection (the in-flight rule), never a miss.
    assert sum(received.values()) - 8 <= connections


@pytest.mark.django_db
def test_unreachable_server_fails_fast_and_touches_nothing(mail_config, edition, clock):
    import socket

    from policypulse.errors import MailError

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mail_config.mail.smtp_url = f"smtp://127.0.0.1:{port}"
    make_subscribers(2)
    with pytest.raises(MailError, match="cannot start sending"):
        send_edition(edition, mail_config, clock=clock)
    assert Delivery.objects.count() == 0
