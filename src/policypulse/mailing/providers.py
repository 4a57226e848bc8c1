"""Sending through an email service provider's HTTP API (django-anymail: Postmark, Mailgun,
Amazon SES, SendGrid, ...) with the same outcomes as SMTP.

`ProviderMailer` wraps an anymail backend so the sender sees backends.DeliveryError's three
cases: the provider's status for the recipient, or its HTTP answer, becomes sent /
PermanentFailure / TemporaryFailure / UncertainDelivery (`classify_status`,
`classify_api_error`). The backend's keys come from PULSE_ANYMAIL_* (`provider_options`).
"""

from __future__ import annotations

import os

from policypulse.errors import MailError
from policypulse.mailing.backends import (
    DeliveryError,
    PermanentFailure,
    TemporaryFailure,
    UncertainDelivery,
)

ACCEPTED = {"sent", "queued", "scheduled", "unknown"}  # unknown: the API said 2xx
REFUSED = {"rejected", "invalid"}
ENV_PREFIX = "PULSE_ANYMAIL_"
NOT_BACKEND_OPTIONS = {"WEBHOOK_SECRET"}


def provider_options(environ=None) -> dict:
    """The provider backend's options from PULSE_ANYMAIL_* (secrets stay out of pulse.toml):
    PULSE_ANYMAIL_SERVER_TOKEN -> server_token, PULSE_ANYMAIL_API_URL -> api_url, ..."""
    environ = os.environ if environ is None else environ
    return {
        name[len(ENV_PREFIX) :].lower(): value
        for name, value in sorted(environ.items())
        if name.startswith(ENV_PREFIX) and name[len(ENV_PREFIX) :] not in NOT_BACKEND_OPTIONS
    }


def classify_status(esp: str, status: str, message_id: str | None) -> DeliveryError | None:
    """None if the provider took the message for this recipient, else the failure to raise."""
    reply = f"{esp} {status}" + (f" {message_id}" if message_id else "")
    if status in ACCEPTED:
        return None
    if status in REFUSED:  # the provider's own suppression, or an address it cannot use
        return PermanentFailure(reply, recipient_refused=True)
    return PermanentFailure(reply)  # failed: the provider could not build or send it


def classify_api_error(esp: str, exc: Exception) -> Exception:
    """An API call that failed: what is known about the message.

    429 and 5xx: nothing sent, retry later. A connection that never opened: the same. A
    connection lost or timed out after the request went out: it may have been accepted.
    401/403 and other 4xx: our request or credentials are wrong, and every message would fail
    alike, so the run stops (MailError) and the row is put back."""
    import requests
    import urllib3.exceptions

    code = getattr(exc, "status_code", None)
    text = " ".join(str(exc).split())[:300]
    if code is None and isinstance(exc, requests.RequestException):
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(exc, requests.ConnectTimeout) or isinstance(
            reason, urllib3.exceptions.NewConnectionError
        ):
            return TemporaryFailure(f"{esp}: cannot connect: {text}")
        return UncertainDelivery(f"{esp}: connection lost during the request: {text}")
    if code is not None and (code == 429 or code >= 500):
        return TemporaryFailure(f"{esp} API {code}: {text}")
    return MailError(f"{esp} refused the request ({code}): {text}")


class ProviderMailer:
    """An anymail backend with the SMTP backend's failure classes (see the module docstring)."""

    def __init__(self, backend):
        self.backend = backend
        self.esp = getattr(backend, "esp_name", type(backend).__module__)

    def open(self):
        return self.backend.open()

    def close(self):
        self.backend.close()

    def send_messages(self, messages) -> int:
        for message in messages:
            self._send(message)
        return len(messages)

    def _send(self, message) -> None:
        from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused

        try:
            self.backend.send_messages([message])
        except AnymailRecipientsRefused:
            pass  # the per-recipient status below says which and why
        except AnymailAPIError as exc:
            raise classify_api_error(self.esp, exc) from exc
        status = getattr(message, "anymail_status", None)
        recipients = getattr(status, "recipients", None) or {}
        if not recipients:
            raise UncertainDelivery(f"{self.esp}: no status for the recipient")
        replies = []
        for one in recipients.values():
            failure = classify_status(self.esp, one.status, one.message_id)
            if failure is not None:
                raise failure
            replies.append(f"{self.esp} {one.status} {one.message_id or ''}".strip())
        message.smtp_reply = "; ".join(replies)
