"""Background summarising through django.tasks (see harvest/tasks.py)."""

from django.conf import settings
from django.tasks import task


@task()
def summarize_task(force: bool = False) -> int:
    from policypulse.summaries.services import summarize

    return summarize(settings.PULSE, force=force)
