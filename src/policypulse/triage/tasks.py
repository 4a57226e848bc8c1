"""Background triage work through django.tasks: `pulse worker` runs these. The web app can
queue a retraining after a batch of editor decisions instead of waiting for it."""

from django.conf import settings
from django.tasks import task


@task()
def train_task() -> dict:
    from policypulse.triage.services import train_model

    row = train_model(settings.PULSE)
    return {"version": row.version, "examples": row.examples, "editor": row.editor_examples}


@task()
def triage_task() -> dict:
    from policypulse.triage.services import triage

    return triage(settings.PULSE)
