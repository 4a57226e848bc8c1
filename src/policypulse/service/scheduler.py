"""The scheduler `pulse worker` runs beside the queue: django-crontask's APScheduler instance
with one cron trigger per `[schedule]` job. Firing a job only enqueues `run_scheduled_task`;
the task claims (job, minute) in the database, so however many workers schedule, each due run
happens once. With Redis, crontask's lock also keeps a single scheduler active; the others wait
and take over if it dies."""

from __future__ import annotations

import logging
import threading

from apscheduler.triggers.interval import IntervalTrigger
from django.utils import timezone

from policypulse.service import schedules

log = logging.getLogger(__name__)
HEARTBEAT = "scheduler"
HEARTBEAT_SECONDS = 30


def fire(job: str) -> None:
    """Enqueue the run of `job` for this minute (what the cron trigger calls)."""
    from policypulse.service.tasks import run_scheduled_task

    due = schedules.run_key(timezone.now())
    run_scheduled_task.enqueue(job, due.isoformat())


def _beat(names: str) -> None:
    from django.db import close_old_connections

    from policypulse.service import runs

    close_old_connections()
    runs.beat(HEARTBEAT, names)


def add_jobs(scheduler, config) -> list[schedules.Job]:
    found = schedules.jobs(config.schedule)
    for job in found:
        scheduler.add_job(
            fire, schedules.trigger(job, config.schedule.time_zone), args=(job.name,),
            name=f"pulse.{job.name}", misfire_grace_time=300, coalesce=True,
        )  # fmt: skip
    names = ", ".join(job.name for job in found)
    scheduler.add_job(_beat, IntervalTrigger(seconds=HEARTBEAT_SECONDS), args=(names,),
                      name="pulse.heartbeat", next_run_time=timezone.now())  # fmt: skip
    return found


def run_forever(config, stop: threading.Event) -> None:
    """Hold crontask's lock and run the scheduler until `stop` is set (in a thread)."""
    from crontask import scheduler, utils
    from crontask.conf import get_settings

    while not stop.is_set():
        try:
            with utils.lock as lock:
                scheduler.remove_all_jobs()
                add_jobs(scheduler, config)
                scheduler.add_job(utils.extend_lock, IntervalTrigger(
                    seconds=get_settings().LOCK_REFRESH_INTERVAL), args=(lock, scheduler))  # fmt: skip
                threading.Thread(target=_stop_when, args=(stop, scheduler), daemon=True).start()
                scheduler.start()
        except utils.LockError:
            log.info("another scheduler holds the lock; waiting")
        if not stop.wait(5):
            continue


def _stop_when(stop: threading.Event, scheduler) -> None:
    stop.wait()
    if scheduler.running:
        scheduler.shutdown(wait=False)


def start_in_thread(config) -> threading.Event:
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(config, stop), daemon=True,
                     name="pulse-scheduler").start()  # fmt: skip
    return stop
