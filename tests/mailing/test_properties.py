"""Property and fuzz tests (Hypothesis) for the pure cores that read outside input: the CSV
import and the signed tokens. Hostile input must be accepted or refused with a reason, never
raise; a forged or altered token is refused."""

from __future__ import annotations

import csv
import io
import string

import pytest
from django.core import signing
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from policypulse.errors import MailError
from policypulse.mailing import tokens
from policypulse.mailing.subscribers import (
    DELIMITERS,
    import_subscribers,
    normalise_email,
    parse_subscriber_csv,
)

SECTORS = ["justice", "children", "adult-care"]
HOSTILE = ",;\t|\"'\r\n\x00\x0b\x1b[]/<>@.\\ \u00a0\u200b\u202eé漢😀"

cells = st.one_of(
    st.emails(),
    st.text(alphabet=st.sampled_from(HOSTILE) | st.characters(), max_size=40),
    st.sampled_from(["", "justice", "justice;children", "nope", "[/bold]", "=cmd|' /C calc'!A0"]),
    st.text(alphabet="a", min_size=200, max_size=400),
)
rows = st.lists(st.lists(cells, min_size=1, max_size=6), max_size=12)
headers = st.permutations(["email", "name", "organisation", "sectors"]).map(list)


def write_csv(header: list[str], body: list[list[str]], delimiter: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(body)
    return out.getvalue()


def check_outcome(accepted, rejected) -> None:
    """Every row has one outcome; accepted rows are clean; rejected rows say why."""
    lines = [row.line for row in accepted] + [row.line for row in rejected]
    assert len(lines) == len(set(lines))
    assert all(reason.reason.strip() for reason in rejected)
    addresses = [row.email for row in accepted]
    assert len(addresses) == len(set(addresses))
    for row in accepted:
        assert normalise_email(row.email) == row.email == row.email.lower()
        assert set(row.sectors) <= set(SECTORS)
        assert len(row.name) <= 200 and len(row.organisation) <= 200


@settings(max_examples=150, deadline=None)
@given(header=headers, body=rows, delimiter=st.sampled_from(DELIMITERS))
def test_any_well_quoted_csv_gives_each_row_one_outcome(header, body, delimiter):
    text = write_csv(header, body, delimiter)
    accepted, rejected = parse_subscriber_csv(text, SECTORS)
    check_outcome(accepted, rejected)
    assert len(accepted) + len(rejected) == len(body)  # detected delimiter, nothing lost


@settings(max_examples=150, deadline=None)
@given(
    header=st.sampled_from(["email", "email,name", "Email;Sectors", "name|EMAIL", "email\tx"]),
    rest=st.text(alphabet=st.sampled_from(HOSTILE) | st.characters(), max_size=300),
)
@example(header="email", rest="0\n\r0")  # a bare CR: two rows had shared one line number
def test_raw_hostile_text_after_a_header_never_crashes(header, rest):
    accepted, rejected = parse_subscriber_csv(f"{header}\n{rest}", SECTORS)
    check_outcome(accepted, rejected)


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_parsed_or_refused_as_a_file(text):
    try:
        accepted, rejected = parse_subscriber_csv(text, SECTORS)
    except MailError as exc:
        assert "header row" in str(exc)
    else:
        check_outcome(accepted, rejected)


def test_a_field_over_the_csv_size_limit_is_one_rejected_row():
    huge = "x" * (csv.field_size_limit() + 10)
    text = f"email,name\na@x.org,A\nb@x.org,{huge}\nc@x.org,C\n"
    accepted, rejected = parse_subscriber_csv(text, SECTORS)
    assert [row.email for row in accepted][0] == "a@x.org"
    assert any("unreadable row" in row.reason for row in rejected)


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=rows)
def test_import_writes_exactly_what_it_reports(config, body):
    from policypulse.mailing.models import Subscriber, SubscriberEvent

    with transaction.atomic():
        report = import_subscribers(write_csv(["email", "sectors"], body, ","), config)
        assert Subscriber.objects.count() == report.created
        assert SubscriberEvent.objects.filter(kind="imported").count() == report.created
        assert report.created + report.existing + len(report.rejected) == len(body)
        transaction.set_rollback(True)  # each example starts from an empty table


@pytest.mark.django_db
def test_an_import_that_fails_part_way_writes_nothing(config, monkeypatch):
    from policypulse.mailing import subscribers
    from policypulse.mailing.models import Subscriber

    calls = []

    def record(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:
            raise RuntimeError("disk full")

    monkeypatch.setattr(subscribers, "record", record)
    text = "email\n" + "".join(f"p{n}@x.org\n" for n in range(5))
    with pytest.raises(RuntimeError):
        import_subscribers(text, config)
    assert Subscriber.objects.count() == 0


keys = st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=1, max_size=32)
purposes = st.sampled_from([tokens.UNSUBSCRIBE, tokens.PREFERENCES])


@settings(max_examples=300)
@given(token=st.text(), purpose=purposes)
def test_any_string_is_a_token_or_refused(token, purpose):
    key = tokens.read_token(token, purpose)
    assert key is None or isinstance(key, str)
    data = tokens.read_confirm_token(token)
    assert data is None or set(data) == {"k", "s", "n"}


@settings(max_examples=200)
@given(key=keys, purpose=purposes, data=st.data())
def test_altered_tokens_are_refused(key, purpose, data):
    token = tokens.make_token(key, purpose)
    assert tokens.read_token(token, purpose) == key
    other = next(p for p in (tokens.UNSUBSCRIBE, tokens.PREFERENCES) if p != purpose)
    assert tokens.read_token(token, other) is None
    at = data.draw(st.integers(0, len(token) - 1))
    char = data.draw(st.sampled_from(string.ascii_letters + string.digits + "-_:"))
    assume(char != token[at])
    assert tokens.read_token(token[:at] + char + token[at + 1 :], purpose) is None


@settings(max_examples=200)
@given(key=keys, nonce=keys, sectors=st.lists(st.sampled_from(SECTORS)), data=st.data())
def test_altered_confirmation_tokens_are_refused(key, nonce, sectors, data):
    token = tokens.make_confirm_token(key, sectors, nonce)
    assert tokens.read_confirm_token(token) == {"k": key, "s": sorted(sectors), "n": nonce}
    at = data.draw(st.integers(0, len(token) - 1))
    char = data.draw(st.sampled_from(string.ascii_letters + string.digits + "-_:."))
    assume(char != token[at])
    assert tokens.read_confirm_token(token[:at] + char + token[at + 1 :]) is None


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=8,
)


@settings(max_examples=200)
@given(
    payload=json_values
    | st.fixed_dictionaries({"k": json_values, "s": json_values, "n": json_values})
)
def test_a_signed_payload_of_the_wrong_shape_is_refused_not_raised(payload):
    data = tokens.read_confirm_token(signing.dumps(payload, salt=tokens.CONFIRM))
    if data is not None:
        assert isinstance(data["k"], str) and isinstance(data["n"], str) and data["n"]
        assert all(isinstance(sector, str) for sector in data["s"])


@pytest.mark.urls("tests.mailing.urls")
@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    token=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="/?#%"),
        min_size=1,
        max_size=80,
    ),
    page=st.sampled_from(["subscribe/confirm", "unsubscribe", "preferences"]),
    method=st.sampled_from(["get", "post"]),
)
def test_public_token_pages_answer_400_to_any_bad_token(client, config, token, page, method):
    with override_settings(PULSE=config):
        response = getattr(client, method)(f"/{page}/{token}/")
    assert response.status_code in (400, 404)


@given(st.lists(st.sampled_from([b".", b"..", b"\r\n", b"\n", b"\r", b"a", b" ", b"=2E"]),
                max_size=40).map(b"".join))  # fmt: skip
def test_dot_stuffing_is_smtplibs(raw):
    """DATA carries what smtplib's `data()` would send for the same bytes."""
    import smtplib

    from policypulse.mailing.backends import dot_stuffed

    expected = smtplib._quote_periods(raw)
    if expected[-2:] != b"\r\n":
        expected += b"\r\n"
    assert dot_stuffed(raw) == expected


@given(st.one_of(st.from_regex(r"\A[a-z0-9._%+'-]{1,20}@[a-z0-9.-]{1,20}\Z"),
                 st.text(alphabet=string.printable, max_size=30)))  # fmt: skip
def test_envelope_addresses_are_sent_as_smtplib_sends_them(address):
    """MAIL FROM / RCPT TO without smtplib's address parser: the same `<address>` whenever
    the fast path takes an address (anything else goes through smtplib)."""
    import smtplib

    from policypulse.mailing.backends import _PLAIN_ADDRESS

    if _PLAIN_ADDRESS.fullmatch(address):
        assert f"<{address}>" == smtplib.quoteaddr(address)
