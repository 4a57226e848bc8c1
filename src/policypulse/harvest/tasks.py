"""Background work through django.tasks (database backend by default, RQ to scale out).

The CLI runs stages inline; the web app and `pulse <stage> --background` enqueue these, and
`pulse worker` runs them. Each task calls the same service the CLI calls."""

from django.conf import settings
from django.tasks import task

from policypulse.harvest.pool import close_all
from policypulse.harvest.services import harvest


@task()
def harvest_task(only: str | None = None, due_only: bool = True) -> dict:
    try:
        reports = harvest(settings.PULSE, only=only, due_only=due_only)
    finally:
        close_all()  # the extraction pool ends with the task (see pool.close_all)
    return {
        r.source: {"new": r.new, "updated": r.updated, "unchanged": r.unchanged,
                   "duplicates": r.duplicates, "errors": len(r.errors)}
        for r in reports
    }  # fmt: skip
