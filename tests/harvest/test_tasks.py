import pytest
from django.core.management import call_command

from policypulse.harvest.tasks import harvest_task


@pytest.mark.django_db(transaction=True)
def test_harvest_goes_through_the_database_task_queue():
    from django_tasks_db.models import DBTaskResult

    result = harvest_task.enqueue()
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "READY"
    assert stored.task_path == "policypulse.harvest.tasks.harvest_task"
    call_command("db_worker", "--batch", verbosity=0)
    stored.refresh_from_db()
    assert stored.status == "SUCCESSFUL", stored.traceback
    assert stored.return_value == {}


@pytest.mark.django_db(transaction=True)
def test_summarize_task_runs_on_the_worker():
    from django_tasks_db.models import DBTaskResult

    from policypulse.summaries.tasks import summarize_task

    result = summarize_task.enqueue()
    call_command("db_worker", "--batch", verbosity=0)
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL", stored.traceback
    assert stored.return_value == 0
