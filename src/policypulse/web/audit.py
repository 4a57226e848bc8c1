"""The audit log: every editorial change, who made it, when, and the value before and after."""

from __future__ import annotations

from policypulse.web.models import AuditEntry


def record(user, action: str, *, before=None, after=None, publication=None, edition=None):
    """Add one entry; `before` and `after` are JSON values (strings, dicts, lists)."""
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        publication=publication,
        edition=edition,
        before=before,
        after=after,
    )


def history(*, publication=None, edition=None, limit: int = 200):
    """Newest first, with the user loaded in the same query."""
    entries = AuditEntry.objects.select_related("user", "publication", "edition")
    if publication is not None:
        entries = entries.filter(publication=publication)
    if edition is not None:
        entries = entries.filter(edition=edition)
    return list(entries[:limit])
