"""Signed tokens for the links in emails and on pages.

A token carries only a subscriber's random `key` (never an address), signed with the
workspace's secret key under a salt per purpose, so an unsubscribe token cannot confirm a
subscription or open the preferences page. Unsubscribe and preferences tokens do not expire:
RFC 8058 wants the one-click link in an old message to keep working (at least 60 days).
Confirmation tokens expire (double opt-in: a week) and carry the subscriber's confirmation
nonce, which the database clears when a link is used: each confirms once, and only while a
request is pending (`consent.confirm_subscription`).
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.core import signing

UNSUBSCRIBE = "policypulse.mailing.unsubscribe"
PREFERENCES = "policypulse.mailing.preferences"
CONFIRM = "policypulse.mailing.confirm"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600


def make_token(key: str, purpose: str) -> str:
    return _signer(purpose, settings.SECRET_KEY).sign(key)


@functools.lru_cache(maxsize=16)
def _signer(purpose: str, secret: str) -> signing.Signer:
    """One signer per purpose and secret: a send makes two tokens a message, and building a
    Signer (settings look-ups) cost as much as signing. Keyed on the secret, so a changed
    SECRET_KEY (tests, a rotated key) gets a new one."""
    return signing.Signer(key=secret, salt=purpose)


def read_token(token: str, purpose: str) -> str | None:
    """The subscriber key a token carries, or None if it was forged, altered or mis-purposed."""
    try:
        return signing.Signer(salt=purpose).unsign(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None


def make_confirm_token(key: str, sectors: list[str], nonce: str) -> str:
    """Double opt-in: the key, the sectors asked for and the pending request's nonce, signed
    with the time."""
    return signing.dumps({"k": key, "s": sorted(sectors), "n": nonce}, salt=CONFIRM,
                         compress=True)  # fmt: skip


def read_confirm_token(token: str, max_age: int = CONFIRM_MAX_AGE_SECONDS) -> dict | None:
    """{"k": key, "s": [sector, ...], "n": nonce}, or None for anything else."""
    try:
        data = signing.loads(token, salt=CONFIRM, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):  # SignatureExpired is a BadSignature
        return None
    if not isinstance(data, dict):
        return None
    key, sectors, nonce = data.get("k"), data.get("s"), data.get("n")
    if not (isinstance(key, str) and isinstance(nonce, str) and nonce):
        return None
    if not (isinstance(sectors, list) and all(isinstance(s, str) for s in sectors)):
        return None
    return {"k": key, "s": sectors, "n": nonce}
