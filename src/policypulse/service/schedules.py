"""The jobs `pulse worker` runs on its own, from `[schedule]`: pure functions over the config.

Cron parsing and next-run arithmetic are APScheduler's (through django-crontask, which runs
them); nothing here parses cron by hand."""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass

from apscheduler.triggers.cron import CronTrigger


def check_cron(value: str) -> str:
    """A cron expression `pulse worker` can run ("" is off); ValueError names what is wrong."""
    value = " ".join(value.split())
    if not value:
        return ""
    fields = value.split(" ")
    if len(fields) != 5:
        raise ValueError(f"{value!r} is not a cron expression: five fields, e.g. '0 6 * * *'")
    if any(ch.isdigit() for ch in fields[4]):
        # django-crontask refuses numbered weekdays (0 or 7 for Sunday is ambiguous).
        raise ValueError(f"{value!r}: write weekdays as names (Mon..Sun), not numbers")
    try:
        CronTrigger.from_crontab(value, timezone=datetime.UTC)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a cron expression: {exc}") from None
    return value


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
