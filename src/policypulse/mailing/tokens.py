"""Signed tokens for the links in emails and on pages.

A token carries only a subscriber's random `key` (never an address), signed with the
workspace's secret key under a salt per purpose, so an unsubscribe token cannot confirm a
subscription or open the preferences page. Unsubscribe and preferences tokens do not expire:
RFC 8058 wants the one-click link in an old message to keep working (at least 60 days).
Confirmation tokens expire (double opt-in: a week).
"""

from __future__ import annotations

from django.core import signing

UNSUBSCRIBE = "policypulse.mailing.unsubscribe"
PREFERENCES = "policypulse.mailing.preferences"
CONFIRM = "policypulse.mailing.confirm"
CONFIRM_MAX_AGE_SECONDS = 7 * 24 * 3600


def make_token(key: str, purpose: str) -> str:
    return signing.Signer(salt=purpose).sign(key)


def read_token(token: str, purpose: str) -> str | None:
    """The subscriber key a token carries, or None if it was forged, altered or mis-purposed."""
    try:
        return signing.Signer(salt=purpose).unsign(token)
    except signing.BadSignature:
        return None


def make_confirm_token(key: str, sectors: list[str]) -> str:
    """Double opt-in: the key and the sectors asked for, signed with the time."""
    return signing.dumps({"k": key, "s": sorted(sectors)}, salt=CONFIRM, compress=True)


def read_confirm_token(token: str, max_age: int = CONFIRM_MAX_AGE_SECONDS) -> dict | None:
    try:
        data = signing.loads(token, salt=CONFIRM, max_age=max_age)
    except signing.BadSignature:  # SignatureExpired is a subclass
        return None
    if not isinstance(data, dict) or not isinstance(data.get("k"), str):
        return None
    return data
