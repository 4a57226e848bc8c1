"""Record and read the audit log. The services that change editorial state call `record`
themselves, so the web app, the CLI and background tasks all leave the same trail."""

from __future__ import annotations

import getpass

from policypulse.audit.models import AuditEntry


def cli_actor() -> str:
    """Who runs a `pulse` command: the OS account, as there is no log-in on the command line."""
    try:
        name = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (some containers): still say it was the CLI
        name = "unknown"
    return f"cli:{name}"


def task_actor(name: str) -> str:
    return f"task:{name}"


def actor_name(actor) -> str:
    """A user's user name, or the actor string as given (`cli:...`, `task:...`)."""
    if actor is None:
        return ""
    if isinstance(actor, str):
        return actor
    return actor.get_username() if getattr(actor, "is_authenticated", False) else ""


def actor_user(actor):
    """The account behind an actor, if a logged-in person acted (else None)."""
    if actor is None or isinstance(actor, str):
        return None
    return actor if getattr(actor, "is_authenticated", False) else None


def record(actor, action: str, target=None, *, before=None, after=None) -> AuditEntry:
    """Add one entry. `actor`: a Django user or a `cli:`/`task:` string; `target`: the
    Publication or Edition changed (None for changes to neither, such as a new account);
    `before` and `after` are JSON values (strings, dicts, lists). Targets are told apart by
    their model label, so the audit app imports no app whose services call it."""
    kind = target._meta.label_lower if target is not None else ""
    return AuditEntry.objects.create(
        actor=actor_name(actor)[:150],
        user=actor_user(actor),
        action=action,
        publication=target if kind == "catalogue.publication" else None,
        edition=target if kind == "editions.edition" else None,
        before=before,
        after=after,
    )


def history(*, publication=None, edition=None, limit: int = 200) -> list[AuditEntry]:
    """Newest first, with the user loaded in the same query."""
    entries = AuditEntry.objects.select_related("user", "publication", "edition")
    if publication is not None:
        entries = entries.filter(publication=publication)
    if edition is not None:
        entries = entries.filter(edition=edition)
    return list(entries[:limit])
