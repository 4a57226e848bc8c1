"""GET /healthz: is this deployment doing its job? JSON for monitors and load balancers.

Unhealthy (503) when the database or the task queue cannot be reached, or when jobs are
scheduled but no scheduler has been seen for a few minutes (nothing would run them). Failing
sources are reported but do not make the service unhealthy: a publisher's outage is not ours.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

SCHEDULER_STALE = datetime.timedelta(minutes=3)


def _iso(moment):
    return moment.isoformat() if moment else None


def queue_depth() -> int:
    """Tasks waiting to run, on whichever backend is configured."""
    backend = settings.TASKS["default"]["BACKEND"]
    if "rq" in backend.lower():
        import django_rq

        queue = django_rq.get_queue("default")
        return queue.count + queue.scheduled_job_registry.count
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()


def check(now=None) -> tuple[bool, dict]:
    from django.db import connection

    from policypulse.service import runs, schedules
    from policypulse.service.scheduler import HEARTBEAT

    now = now or timezone.now()
    report: dict = {"time": now.isoformat()}
    problems: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report["database"] = "ok"
    except Exception as exc:  # any driver error means unreachable
        report["database"] = f"unreachable: {type(exc).__name__}"
        problems.append("database")
        return False, report | {"problems": problems}
    try:
        report["queue_depth"] = queue_depth()
    except Exception as exc:
        report["queue_depth"] = None
        report["queue"] = f"unreachable: {type(exc).__name__}"
        problems.append("queue")
    config = settings.PULSE
    last = runs.last_runs()
    report["schedules"] = {
        job.name: {
            "cron": job.cron,
            "next_run": _iso(schedules.next_run(job, config.schedule.time_zone, now)),
            "last_run": _iso(last[job.name].due) if job.name in last else None,
            "last_status": last[job.name].status if job.name in last else None,
        }
        for job in schedules.jobs(config.schedule)
    }
    seen = runs.last_beat(HEARTBEAT)
    report["scheduler_seen"] = _iso(seen)
    if report["schedules"] and (seen is None or now - seen > SCHEDULER_STALE):
        problems.append("scheduler")
    from policypulse.sources.models import Source

    report["sources_failing"] = sorted(
        Source.objects.filter(enabled=True, consecutive_failures__gt=0).values_list(
            "name", flat=True
        )
    )
    report["problems"] = problems
    return not problems, report


@never_cache
@require_safe
def healthz(request):
    healthy, report = check()
    report["status"] = "ok" if healthy else "unhealthy"
    return JsonResponse(report, status=200 if healthy else 503)
