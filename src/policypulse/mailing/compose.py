"""The words of each subscriber's message, from the render stage: the one seam between them.

`prepare(edition, config)` returns an object with
`personalise(sectors, unsubscribe_url, preferences_url) -> (subject, html, text)`, or None from
`personalise` when the subscriber's sectors have nothing this month. The render stage renders
the edition once and personalises by joining fragments, so 10,000 subscribers cost one render.
"""

from __future__ import annotations


def prepare(edition, config):
    from policypulse.render.email import prepare as prepare_email

    if config.tracking.clicks:  # publication links through the counting redirect (clicks.py)
        from policypulse.mailing.clicks import prepare_tracked

        return prepare_tracked(edition, config)
    return prepare_email(edition, config)
