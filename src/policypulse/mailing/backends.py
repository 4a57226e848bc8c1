"""The SMTP transport: a Django email backend that keeps what a resumable send needs.

Django's own SMTP backend serialises with `email.policy.SMTP` (which folds and encodes the
List-Unsubscribe header) and throws the server's reply away. This subclass serialises with
`headers.POLICY`, DKIM-signs when a key is configured, talks MAIL / RCPT / DATA itself so it
can keep the reply, and says which of three things went wrong:

    DeliveryError
    ├── TemporaryFailure    4xx, or the connection failed before the message was handed
    │                       over: nothing was delivered, retry later (reconnect: a 421 or
    │                       a dropped connection; a new connection may take it at once)
    ├── PermanentFailure    5xx: the server refused (recipient_refused: the address itself)
    └── UncertainDelivery   the connection died after the message was handed over: it may
                            or may not have been delivered, so it must not be resent blindly
"""

from __future__ import annotations

import contextlib
import re
import smtplib
from pathlib import Path

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from policypulse.errors import MailError
from policypulse.mailing.dkimsign import SIGNED_HEADERS, DkimSigner  # noqa: F401 (re-exported)
from policypulse.mailing.headers import POLICY


class DeliveryError(MailError):
    def __init__(self, reply: str, *, recipient_refused: bool = False, reconnect: bool = False):
        super().__init__(reply)
        self.reply = reply
        self.recipient_refused = recipient_refused
        self.reconnect = reconnect


class TemporaryFailure(DeliveryError):
    pass


class PermanentFailure(DeliveryError):
    pass


class UncertainDelivery(DeliveryError):
    pass


def message_bytes(email_message, signer: DkimSigner | None = None) -> bytes:
    """A Django EmailMessage as the exact bytes sent: our policy, then the DKIM signature."""
    prebuilt = getattr(email_message, "prebuilt", None)
    if prebuilt is not None:  # built ahead by the sender (a callable: signed in a child)
        return prebuilt() if callable(prebuilt) else prebuilt
    if hasattr(email_message, "serialise"):
        raw = email_message.serialise()
        return signer.sign(raw) if signer else raw
    message = email_message.message(policy=POLICY)
    for part in message.walk():
        # The standard library picks base64 for text with long lines (URLs); spam filters
        # frown on base64 text, and quoted-printable keeps the message readable.
        if part.get_content_maintype() == "text" and part["Content-Transfer-Encoding"] == "base64":
            part.set_content(
                part.get_content(), subtype=part.get_content_subtype(), cte="quoted-printable"
            )
    raw = message.as_bytes(policy=POLICY)
    return signer.sign(raw) if signer else raw


def _reply(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {' '.join(text.split())}"


class SMTPBackend(DjangoSMTPBackend):
    """Django's SMTP backend with our serialisation, DKIM and classified failures."""

    def __init__(self, *, dkim_domain="", dkim_selector="", dkim_key_file="", **kwargs):
        super().__init__(**kwargs)
        self.signer = (
            DkimSigner.from_file(dkim_domain, dkim_selector, Path(dkim_key_file))
            if dkim_domain and dkim_selector and dkim_key_file
            else None
        )

    def open(self):
        try:
            return super().open()
        except (OSError, smtplib.SMTPException) as exc:
            self.connection = None
            raise TemporaryFailure(
                f"cannot connect to {self.host}:{self.port}: {exc}", reconnect=True
            ) from exc

    def _send(self, email_message):
        envelope = getattr(email_message, "envelope", None)  # set by the sender: plain addresses
        if envelope is not None:
            sender, recipients = envelope[0], list(envelope[1])
        else:
            sender = self.prep_address(email_message.from_email)
            recipients = [self.prep_address(address) for address in email_message.recipients()]
        connection = self.connection
        try:
            connection.ehlo_or_helo_if_needed()
            code, text = smtp_command(connection, "mail", "from", sender)
            if code != 250:
                raise self._refused(code, text, recipient=False)
            for recipient in recipients:
                code, text = smtp_command(connection, "rcpt", "to", recipient)
                if code not in (250, 251):
                    raise self._refused(code, text, recipient=True)
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self._drop()
            raise TemporaryFailure(
                f"connection lost before the message was sent: {exc}", reconnect=True
            ) from exc
        claimed = getattr(email_message, "before_data", None)  # the sender's last word
        if claimed is not None and not claimed():
            self._rset()
            return False
        try:  # as late as can be: a signature made in a child has had the most time
            raw = message_bytes(email_message, self.signer)
        except Exception:
            self._rset()  # after MAIL and RCPT: leave the session clean for the next message
            raise
        try:
            code, text = smtp_data(connection, raw, getattr(email_message, "while_waiting", None))
        except smtplib.SMTPDataError as exc:  # refused DATA itself: nothing handed over
            raise self._refused(exc.smtp_code, exc.smtp_error, recipient=True) from exc
        except (OSError, smtplib.SMTPServerDisconnected) as exc:
            self._drop()
            raise UncertainDelivery(f"connection lost during DATA: {exc}") from exc
        if code != 250:
            raise self._refused(code, text, recipient=True)
        email_message.smtp_reply = _reply(code, text)
        return True

    def _refused(self, code: int, text, *, recipient: bool) -> DeliveryError:
        """The error for a refusal; a 421 means the server is closing the connection
        (RFC 5321, 3.8), so it is dropped and the next message opens a new one."""
        if code == 421:
            self._drop()
            return TemporaryFailure(_reply(code, text), reconnect=True)
        self._rset()
        return _classify(code, text, recipient=recipient)

    def _rset(self) -> None:
        try:
            self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        """Forget a broken connection; the next message opens a new one."""
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(OSError):
                connection.close()


_PLAIN_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
)  # noqa: E501 (RFC 5322 dot-atom)


def smtp_command(connection: smtplib.SMTP, verb: str, key: str, address: str):
    """smtplib's `mail(address)` / `rcpt(address)`: a plain address (ours are) is sent as
    `<address>` at once; smtplib parses every address as a full RFC 5322 mailbox first, a
    tenth of a millisecond a message. Anything else goes through smtplib."""
    if not _PLAIN_ADDRESS.fullmatch(address):
        return getattr(connection, verb)(address)
    connection.putcmd(verb, f"{key}:<{address}>")
    return connection.getreply()


def dot_stuffed(raw: bytes) -> bytes:
    """The message as DATA carries it (RFC 5321, 4.5.2): a dot opening a line is doubled,
    and it ends with CRLF. What smtplib does with a regular expression that stops at every
    line, done with bytes.replace: a tenth of a millisecond less for each digest sent."""
    stuffed = (b"." + raw if raw.startswith(b".") else raw).replace(b"\n.", b"\n..")
    return stuffed if stuffed.endswith(b"\r\n") else stuffed + b"\r\n"


def smtp_data(connection: smtplib.SMTP, raw: bytes, while_waiting=None) -> tuple[int, bytes]:
    """smtplib's `SMTP.data` for bytes, with `dot_stuffed`; `while_waiting()` runs between
    handing the message over and reading the reply, while the server digests it."""
    connection.putcmd("data")
    code, reply = connection.getreply()
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    connection.send(dot_stuffed(raw) + b".\r\n")
    if while_waiting is not None:
        while_waiting()
    return connection.getreply()


def _classify(code: int, text, *, recipient: bool) -> DeliveryError:
    reply = _reply(code, text)
    if 400 <= code < 500 or code < 200:
        return TemporaryFailure(reply, recipient_refused=recipient)
    return PermanentFailure(reply, recipient_refused=recipient)
