"""Header safety and the policy that keeps List-Unsubscribe on one line."""

from __future__ import annotations

import pytest

from policypulse.mailing.backends import message_bytes
from policypulse.mailing.headers import header_text, url_header_value
from policypulse.mailing.message import ListInfo, build_message, mailbox
from policypulse.workspace import default_config


def test_header_text_is_one_printable_line():
    assert header_text("A\r\nBcc: x@y\x00\tz") == "A Bcc: x@y z"
    assert header_text("x" * 300, 10) == "xxxxxxxxx…"


def test_url_header_refuses_what_could_break_out():
    assert url_header_value(["https://a.example/u/1/"]) == "<https://a.example/u/1/>"
    for bad in ("https://a.example/>, <https://evil/", "https://a.example/\r\nBcc: x",
                "https://a.example/é"):  # fmt: skip
        with pytest.raises(ValueError):
            url_header_value([bad])


def test_display_names_are_quoted():
    assert mailbox('Eve "the" <boss>, Inc', "eve@example.org") == (
        '"Eve \\"the\\" <boss>, Inc" <eve@example.org>'
    )


def test_serialised_bytes_keep_long_list_headers_whole_and_fold_nothing_else_badly():
    info = ListInfo.from_config(default_config())
    token = "k" * 22 + ":" + "s" * 43
    message = build_message(
        info, subject="Digest — a very long subject " * 5, html="<p>é</p>", text="é",
        to_name="Zoë", to_address="zoe@example.org", message_id="<1@example.org>",
        unsubscribe_token=token, month_key="2026-10",
    )  # fmt: skip
    raw = message_bytes(message)
    head = raw.split(b"\r\n\r\n")[0]
    (line,) = [x for x in head.split(b"\r\n") if x.startswith(b"List-Unsubscribe:")]
    assert (
        line
        == (
            f"List-Unsubscribe: <http://127.0.0.1:8000/unsubscribe/{token}/>, "
            f"<mailto:digest@example.org?subject=unsubscribe%20{token.replace(':', '%3A')}>"
        ).encode()
    )
    assert all(len(x) <= 998 for x in raw.split(b"\r\n"))
    assert head.isascii() and b"=?utf-8?" in head  # the subject and name are RFC 2047 words
    subject_lines = [x for x in head.split(b"\r\n") if x.startswith((b"Subject:", b" "))]
    assert all(len(x) <= 78 for x in subject_lines)  # ordinary headers still fold
