"""What the scheduler and workers leave behind: each scheduled run, leases, a heartbeat."""

from django.db import models


class ScheduledRun(models.Model):
    """One run of a scheduled job; the unique (job, due) pair is the once-only claim."""

    class Status(models.TextChoices):
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    job = models.CharField(max_length=40)
    due = models.DateTimeField(help_text="The minute the schedule fired for.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    detail = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "due"], name="one_run_per_due")]
        ordering = ["-due"]


class Lease(models.Model):
    """A named lock held until `expires_at` (so a killed holder frees it by itself)."""

    name = models.CharField(max_length=80, primary_key=True)
    owner = models.CharField(max_length=80, blank=True)
    expires_at = models.DateTimeField()


class Heartbeat(models.Model):
    """When a long-running process (the scheduler) last said it was alive."""

    name = models.CharField(max_length=40, primary_key=True)
    seen_at = models.DateTimeField()
    detail = models.CharField(max_length=200, blank=True)
