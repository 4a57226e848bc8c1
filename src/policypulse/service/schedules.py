"""The jobs `pulse worker` runs on its own, from `[schedule]`: pure functions over the config.

Cron parsing and next-run arithmetic are APScheduler's (through django-crontask, which runs
them); nothing here parses cron by hand."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger

from policypulse.workspace import check_cron  # noqa: F401 - the check lives with the config


@dataclass(frozen=True)
class Job:
    name: str
    cron: str
    what: str


def jobs(schedule) -> list[Job]:
    """The enabled jobs of a `[schedule]` section, in a stable order."""
    hour, minute = (int(part) for part in schedule.send_time.split(":"))
    found: list[Job] = []
    if schedule.harvest:
        found.append(Job("harvest", schedule.harvest, "harvest, triage and summarise"))
    if schedule.reminder:
        day = max(1, schedule.send_day - schedule.reminder)
        found.append(Job("reminder", f"{minute} {hour} {day} * *", "email editors what awaits"))
    if schedule.send:
        found.append(
            Job("send", f"{minute} {hour} {schedule.send_day} * *", "send the approved edition")
        )
    if schedule.backup:
        found.append(Job("backup", schedule.backup, f"back up into {schedule.backup_dir}/"))
    return found


def trigger(job: Job, time_zone: str) -> CronTrigger:
    return CronTrigger.from_crontab(job.cron, timezone=zoneinfo.ZoneInfo(time_zone))


def next_run(job: Job, time_zone: str, after: datetime.datetime) -> datetime.datetime | None:
    """The first run strictly after `after` (an aware datetime)."""
    return trigger(job, time_zone).get_next_fire_time(None, after + datetime.timedelta(seconds=1))


def run_key(moment: datetime.datetime) -> datetime.datetime:
    """The minute a scheduled run belongs to: every scheduler that fires a job in the same
    minute claims the same key, so the job runs once however many workers schedule it."""
    return moment.astimezone(datetime.UTC).replace(second=0, microsecond=0)
