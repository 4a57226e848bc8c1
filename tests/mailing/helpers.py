"""Test data for mailing: an approved edition with items in every sector, subscribers, and a
workspace on disk for the tests that run a real `pulse` process.

    python -m tests.mailing.helpers WORKSPACE SUBSCRIBERS   # seed a workspace made by pulse init
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

MONTH = datetime.date(2026, 10, 1)


def make_edition(config, *, month=MONTH, approve=True, title=None):
    from policypulse.catalogue.models import Publication
    from policypulse.editions.models import Edition, EditionItem
    from policypulse.editions.services import approve_edition

    edition = Edition.objects.create(
        month=month,
        title=title or f"{config.organisation.digest_title}: {month.strftime('%B %Y')}",
        foreword="This month brings new evidence across our sectors.",
        foreword_is_draft=False,
    )
    for order, sector in enumerate(config.sector_keys()):
        for kind in ("report", "briefing"):
            publication = Publication.objects.create(
                url=f"https://example.org/{sector}/{kind}/{month:%Y-%m}",
                canonical_url=f"https://example.org/{sector}/{kind}/{month:%Y-%m}",
                title=f"Evidence on {sector} ({kind})",
                publisher="Example Institute",
                published=month,
            )
            EditionItem.objects.create(
                edition=edition,
                publication=publication,
                sector=sector,
                type=kind,
                order=order,
                title=f"Evidence on {sector} services ({kind}) <b>&amp;</b>",
                publisher="Example Institute",
                url=publication.url,
                summary=f"The {kind} finds that 42 per cent of {sector} services improved.",
            )
    if approve:
        edition = approve_edition(edition, actor="cli:test")
    return edition


def make_subscribers(count: int, sectors_cycle=((),), status="active"):
    from django.utils import timezone

    from policypulse.mailing.models import Subscriber

    now = timezone.now()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{n:05d}@example.net",
                name=f"Reader {n}",
                sectors=list(sectors_cycle[n % len(sectors_cycle)]),
                status=status,
                consent_source="import",
                consent_at=now,
            )
            for n in range(count)
        ],
        batch_size=1000,
    )
    return list(Subscriber.objects.order_by("email"))


def seed_workspace(root: Path, subscribers: int, approve: bool = True) -> None:
    from policypulse import runtime

    workspace = runtime.start(root.resolve())
    make_edition(workspace.config, approve=approve)
    make_subscribers(subscribers)


if __name__ == "__main__":
    seed_workspace(Path(sys.argv[1]), int(sys.argv[2]), approve="--draft" not in sys.argv)
