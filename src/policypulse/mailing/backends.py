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

import dkim
from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend

from policypulse.errors import MailError
from policypulse.mailing.headers import POLICY

SIGNED_HEADERS = [
    b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"mime-version",
    b"content-type", b"list-id", b"list-unsubscribe", b"list-unsubscribe-post",
    b"list-archive", b"archived-at",
]  # fmt: skip


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


class DkimSigner:
    """Signs serialised messages (relaxed/relaxed, rsa-sha256) with a key read once."""

    def __init__(self, domain: str, selector: str, key: bytes):
        self.domain = domain.encode("ascii")
        self.selector = selector.encode("ascii")
        self.key = key
        use_openssl_rsa()
        use_fast_canonicalisation()

    @classmethod
    def from_file(cls, domain: str, selector: str, path: Path) -> DkimSigner:
        try:
            key = Path(path).read_bytes()
        except OSError as exc:
            raise MailError(f"cannot read the DKIM key {path}: {exc.strerror}") from None
        return cls(domain, selector, key)

    def sign(self, raw: bytes) -> bytes:
        signature = dkim.sign(
            raw, self.selector, self.domain, self.key,
            canonicalize=(b"relaxed", b"relaxed"), include_headers=SIGNED_HEADERS,
        )  # fmt: skip
        return signature + raw


_RUNS = re.compile(rb"[\t ]{2,}|\t")


def use_fast_canonicalisation() -> None:
    """Skip dkimpy's work that cannot change our messages, with identical output.

    dkimpy parses the PEM key on every signature, splits the whole body into lines to find the
    headers, and its relaxed body canonicalisation runs
    two regular expressions over the whole body that match at every space: together about
    half of the signing time. Our bodies are quoted-printable (no tab, no trailing space), so
    each substitution is skipped when the bytes it looks for are absent, and whitespace runs
    are matched only where they change (not at every lone space); the parsed key is kept. A
    test checks the signature is byte for byte plain dkimpy's."""
    from dkim import canonicalization

    if getattr(canonicalization.compress_whitespace, "fast", False):
        return
    compress, strip = (
        canonicalization.compress_whitespace,
        canonicalization.strip_trailing_whitespace,
    )

    def compress_whitespace(content: bytes) -> bytes:
        # Only runs that change: a lone space is left as it is (the same bytes, fewer matches).
        return _RUNS.sub(b" ", content) if b"\t" in content or b"  " in content else content

    def strip_trailing_whitespace(content: bytes) -> bytes:
        return strip(content) if b" \r\n" in content or b"\t\r\n" in content else content

    parse, parsed = dkim.parse_pem_private_key, {}

    def parse_pem_private_key(data: bytes):
        if data not in parsed:
            parsed[data] = parse(data)
        return parsed[data]

    split = dkim.rfc822_parse

    def rfc822_parse(message: bytes):
        # dkimpy splits the whole message into lines to find the headers, then joins the body
        # again; with CRLF line ends only, the body is the bytes after the first blank line.
        head, blank, body = message.partition(b"\r\n\r\n")
        if (
            not blank
            or message.startswith(b"\r\n")
            or message.count(b"\n") != message.count(b"\r\n")
        ):
            return split(message)
        return split(head + blank)[0], body

    compress_whitespace.fast = True
    rfc822_parse.original = split
    dkim.rfc822_parse = rfc822_parse
    compress_whitespace.original = compress  # for the test that compares the two
    strip_trailing_whitespace.original = strip
    parse_pem_private_key.original = parse
    canonicalization.compress_whitespace = compress_whitespace
    canonicalization.strip_trailing_whitespace = strip_trailing_whitespace
    dkim.parse_pem_private_key = parse_pem_private_key


def use_openssl_rsa() -> bool:
    """Let dkimpy sign with OpenSSL (through `cryptography`) when it is installed.

    dkimpy does the RSA private-key operation in pure Python: about 12 ms a message, which
    would cap a DKIM-signed send near 80 messages a second. PKCS#1 v1.5 signatures are
    deterministic, so OpenSSL's signature is byte for byte the one dkimpy would make (a test
    checks it); without `cryptography` dkimpy's own code is used."""
    try:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
    except ImportError:
        return False
    if getattr(dkim.RSASSA_PKCS1_v1_5_sign, "openssl", False):
        return True
    keys: dict[int, object] = {}
    algorithms = {"sha256": hashes.SHA256, "sha1": hashes.SHA1}

    def sign(digest, private_key):
        modulus = private_key["modulus"]
        if modulus not in keys:
            public = rsa.RSAPublicNumbers(private_key["publicExponent"], modulus)
            keys[modulus] = rsa.RSAPrivateNumbers(
                p=private_key["prime1"], q=private_key["prime2"],
                d=private_key["privateExponent"], dmp1=private_key["exponent1"],
                dmq1=private_key["exponent2"], iqmp=private_key["coefficient"],
                public_numbers=public,
            ).private_key()  # fmt: skip
        algorithm = algorithms[digest.name.lower()]()
        return keys[modulus].sign(digest.digest(), padding.PKCS1v15(), utils.Prehashed(algorithm))

    sign.openssl = True
    dkim.RSASSA_PKCS1_v1_5_sign = sign
    return True


def message_bytes(email_message, signer: DkimSigner | None = None) -> bytes:
    """A Django EmailMessage as the exact bytes sent: our policy, then the DKIM signature."""
    prebuilt = getattr(email_message, "prebuilt", None)
    if prebuilt is not None:  # built (and signed) ahead by the sender's worker thread
        return prebuilt
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
        raw = message_bytes(email_message, self.signer)
        envelope = getattr(email_message, "envelope", None)  # set by the sender: plain addresses
        if envelope is not None:
            sender, recipients = envelope[0], list(envelope[1])
        else:
            sender = self.prep_address(email_message.from_email)
            recipients = [self.prep_address(address) for address in email_message.recipients()]
        connection = self.connection
        try:
            connection.ehlo_or_helo_if_needed()
            code, text = connection.mail(sender)
            if code != 250:
                raise self._refused(code, text, recipient=False)
            for recipient in recipients:
                code, text = connection.rcpt(recipient)
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
        try:
            code, text = connection.data(raw)
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


def _classify(code: int, text, *, recipient: bool) -> DeliveryError:
    reply = _reply(code, text)
    if 400 <= code < 500 or code < 200:
        return TemporaryFailure(reply, recipient_refused=recipient)
    return PermanentFailure(reply, recipient_refused=recipient)
