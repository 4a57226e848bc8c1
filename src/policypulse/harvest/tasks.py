"""Background work through django.tasks (database backend by default, RQ to scale out).

The CLI runs stages inline; the web app and `pulse <stage> --background` enqueue these, and
`pulse worker` runs them. Each task calls the same service the CLI calls."""

from django.conf import settings
from django.tasks import task


@task()
def harvest_task(only: str | None = None) -> dict:
    from policypulse.harvest.services import harvest

    reports = harvest(settings.PULSE, only=only)
    return {r.source: {"new": r.new, "updated": r.updated, "errors": len(r.errors)} for r in reports}


@task()
def triage_task() -> dict:
    from policypulse.triage.services import triage

    return triage(settings.PULSE)


@task()
def summarize_task(force: bool = False) -> int:
    from policypulse.summaries.services import summarize

    return summarize(settings.PULSE, force=force)
