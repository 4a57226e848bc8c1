import pytest
from django.core.management import call_command

from policypulse.harvest.tasks import harvest_task


@pytest.mark.django_db(transaction=True)
def test_harvest_goes_through_the_database_task_queue(http_server, config, settings):
    from django_tasks_db.models import DBTaskResult

    from policypulse.catalogue.models import Publication
    from policypulse.sources.models import Source

    from .test_services import PAGE, feed

    http_server.routes["/p/a"] = (200, {"Content-Type": "text/html"},
                                  PAGE.format(title="Study a").encode())  # fmt: skip
    http_server.routes["/feed.xml"] = (200, {}, feed(http_server.base, ["a"]))
    Source.objects.create(name="queued", url=http_server.url("/feed.xml"), kind="feed")
    settings.PULSE = config
    result = harvest_task.enqueue()
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "READY"
    assert stored.task_path == "policypulse.harvest.tasks.harvest_task"
    assert not Publication.objects.exists()  # enqueued, not run inline
    call_command("db_worker", "--batch", verbosity=0)
    stored.refresh_from_db()
    assert stored.status == "SUCCESSFUL", stored.traceback
    assert stored.return_value["queued"]["new"] == 1
    assert list(Publication.objects.values_list("title", flat=True)) == ["Study a"]
    # The extraction pool ends with the task: an RQ work-horse exits without atexit, and a pool
    # left open outlived it (its forkserver and a worker, orphaned).
    from policypulse.harvest import pool

    assert pool.open_pools() == 0


@pytest.mark.django_db(transaction=True)
def test_summarize_task_runs_on_the_worker():
    from django_tasks_db.models import DBTaskResult

    from policypulse.summaries.tasks import summarize_task

    result = summarize_task.enqueue()
    call_command("db_worker", "--batch", verbosity=0)
    stored = DBTaskResult.objects.get(id=result.id)
    assert stored.status == "SUCCESSFUL", stored.traceback
    assert stored.return_value == 0
