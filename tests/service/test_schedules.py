"""[schedule]: cron checks, jobs from the config, once-only runs, and a scheduled harvest that
leaves new items triaged and summarised with no other command."""

import datetime
import json
import zoneinfo

import pytest

from policypulse.demo.run import demo_toml
from policypulse.demo.site import DemoServer, feed_path, load_corpus
from policypulse.service import schedules
from policypulse.workspace import Schedule, parse_config
from tests import clitools

LONDON = zoneinfo.ZoneInfo("Europe/London")


def test_cron_expressions_are_checked_with_a_clear_error():
    assert schedules.check_cron(" 0  6 * * * ") == "0 6 * * *"
    assert schedules.check_cron("") == ""
    for bad, words in (("0 6 * *", "five fields"), ("0 25 * * *", "not a cron"),
                       ("0 6 * * 1", "names")):  # fmt: skip
        with pytest.raises(ValueError, match=words):
            schedules.check_cron(bad)


def test_a_bad_schedule_in_pulse_toml_names_the_line():
    from policypulse.errors import ConfigError

    with pytest.raises(ConfigError, match=r"line 3: schedule.harvest"):
        parse_config('[schedule]\n\nharvest = "every day"\n')


def test_jobs_follow_the_config_and_run_in_its_time_zone():
    schedule = Schedule(harvest="0 6 * * *", send_day=5, send_time="09:30", reminder=3,
                        send=True, backup="30 2 * * *")  # fmt: skip
    found = {job.name: job.cron for job in schedules.jobs(schedule)}
    assert found == {"harvest": "0 6 * * *", "reminder": "30 9 2 * *", "send": "30 9 5 * *",
                     "backup": "30 2 * * *"}  # fmt: skip
    assert [j.name for j in schedules.jobs(Schedule(harvest="", reminder=0))] == []
    # 06:00 in London in summer is 05:00 UTC.
    after = datetime.datetime(2026, 7, 1, 7, 0, tzinfo=datetime.UTC)
    harvest = schedules.jobs(schedule)[0]
    nxt = schedules.next_run(harvest, "Europe/London", after)
    assert nxt.astimezone(datetime.UTC) == datetime.datetime(2026, 7, 2, 5, 0, tzinfo=datetime.UTC)


@pytest.mark.django_db
def test_a_scheduled_run_happens_once_however_many_workers_fire_it(
    django_capture_on_commit_callbacks,
):
    from django_tasks_db.models import DBTaskResult

    from policypulse.service.models import ScheduledRun
    from policypulse.service.tasks import run_scheduled_task

    due = "2026-11-02T06:00:00+00:00"
    first = run_scheduled_task.call("harvest", due)
    again = run_scheduled_task.call("harvest", "2026-11-02T06:00:41+00:00")
    assert "queued" in first and "already run" in again
    assert ScheduledRun.objects.get().status == "done"
    # No sources: straight to processing, queued once.
    assert DBTaskResult.objects.filter(task_path__endswith="process_new_task").count() == 1


@pytest.mark.django_db
def test_a_failed_run_is_recorded_and_reraised(monkeypatch):
    from policypulse.service import tasks
    from policypulse.service.models import ScheduledRun

    def broken():
        raise RuntimeError("smtp down")

    monkeypatch.setitem(tasks.JOBS, "reminder", broken)
    with pytest.raises(RuntimeError):
        tasks.run_scheduled_task.call("reminder", "2026-11-02T09:00:00+00:00")
    run = ScheduledRun.objects.get()
    assert run.status == "failed" and "smtp down" in run.detail


@pytest.mark.django_db
def test_a_lease_is_held_by_one_owner_until_it_expires():
    from policypulse.service import runs

    now = datetime.datetime(2026, 11, 2, 6, tzinfo=datetime.UTC)
    assert runs.acquire_lease("process", 60, owner="a", now=now)
    assert not runs.acquire_lease("process", 60, owner="b", now=now)
    later = now + datetime.timedelta(seconds=61)
    assert runs.acquire_lease("process", 60, owner="b", now=later)
    runs.release_lease("process", owner="b")
    assert runs.acquire_lease("process", 60, owner="a", now=later)


def pulse(workspace, *args) -> str:
    done = clitools.pulse(*args, env={"PULSE_WORKSPACE": str(workspace)}, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_a_scheduled_harvest_leaves_new_items_triaged_and_summarised(tmp_path):
    corpus = load_corpus()
    with DemoServer() as site:
        feeds = [{"name": p["key"], "url": site.base + feed_path(p), "publisher": p["name"]}
                 for p in corpus["publishers"][:2]]  # fmt: skip
        workspace = tmp_path / "ws"
        workspace.mkdir()
        (workspace / "pulse.toml").write_text(demo_toml(feeds))
        listed = pulse(workspace, "schedules", "list", "--json")
        assert json.loads(listed)["harvest"]["last_run"] is None
        pulse(workspace, "schedules", "run", "harvest", "--queue")  # what the cron trigger does
        pulse(workspace, "worker", "--once")
    rows = [json.loads(line) for line in pulse(workspace, "items", "export").splitlines()]
    assert len(rows) >= 5
    relevant = [r for r in rows if r["summary_status"] != "not-relevant"]
    assert relevant and all(r["summary_status"] in ("passed", "flagged") for r in relevant)
    assert all(r["summary"] for r in relevant)
    last = json.loads(pulse(workspace, "schedules", "list", "--json"))["harvest"]
    assert last["last_status"] == "done" and last["last_run"]


# transaction=True: the heartbeat closes stale connections as a scheduler thread must, and Django
# closes one found inside a test's wrapping transaction (PostgreSQL then fails the test).
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_enqueues_due_jobs_and_its_heartbeat_makes_healthz_green(client, settings):
    from apscheduler.schedulers.background import BackgroundScheduler
    from django_tasks_db.models import DBTaskResult

    from policypulse.service import scheduler

    settings.PULSE = parse_config('[schedule]\nharvest = "0 6 * * *"\nreminder = 0\n')
    assert client.get("/healthz").status_code == 503
    background = BackgroundScheduler()
    added = scheduler.add_jobs(background, settings.PULSE)
    assert [job.name for job in added] == ["harvest"]
    names = {job.name for job in background.get_jobs()}
    assert names == {"pulse.harvest", "pulse.heartbeat"}
    scheduler.fire("harvest")
    queued = DBTaskResult.objects.get(task_path__endswith="run_scheduled_task")
    assert queued.args_kwargs["args"][0] == "harvest"
    scheduler._beat("harvest")
    health = client.get("/healthz")
    assert health.status_code == 200, health.json()
    assert health.json()["queue_depth"] == 1


def test_the_reminder_goes_to_the_web_apps_roles():
    from policypulse.service.jobs import REVIEWER_ROLES
    from policypulse.web.accounts import ROLES

    assert REVIEWER_ROLES == ROLES


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_workers_claim_a_run_and_a_lease_once():
    """Eight threads (own connections, committed transactions) race for one scheduled run and
    one lease on PostgreSQL: exactly one of each wins. (SQLite serialises writers with its one
    write lock; its in-memory test database cannot host this race.)"""
    import threading

    from django.db import connection

    from policypulse.service import runs

    if connection.vendor != "postgresql":
        pytest.fail("needs PostgreSQL: scripts/test runs it with DATABASE_URL")

    due = datetime.datetime(2026, 11, 2, 6, tzinfo=datetime.UTC)
    barrier = threading.Barrier(8)
    claims, leases = [], []

    def race(n):
        try:
            barrier.wait()
            claims.append(runs.claim_run("harvest", due) is not None)
            leases.append(runs.acquire_lease("process", 60, owner=f"worker-{n}"))
        finally:
            connection.close()

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claims) == [False] * 7 + [True]
    assert sorted(leases) == [False] * 7 + [True]


@pytest.mark.django_db
def test_a_busy_processing_task_is_queued_again_once_not_once_per_source():
    """Twenty sources each queue processing; while one worker holds the lease the others must
    leave one retry behind, not twenty (each would wait and run again)."""
    from django_tasks_db.models import DBTaskResult

    from policypulse.service import runs, tasks

    assert runs.acquire_lease(tasks.PROCESS_LEASE, 600, owner="another-worker")
    answers = [tasks.process_new_task.call() for _ in range(5)]
    assert answers[0] == "busy: queued again"
    assert DBTaskResult.objects.filter(task_path__endswith="process_new_task").count() == 1
