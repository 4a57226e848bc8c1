import datetime

from django.db import models
from django.utils import timezone

from policypulse.cadence import DEFAULT_INTERVAL, next_due, parse_interval
from policypulse.rules import Rules, compile_rules


class Source(models.Model):
    """Somewhere publications come from, with its fetch state and health."""

    class Kind(models.TextChoices):
        FEED = "feed", "RSS or Atom feed"
        GOVUK = "govuk", "GOV.UK search feed"
        PAGE = "page", "HTML listing page"
        SITEMAP = "sitemap", "Sitemap"
        MANUAL = "manual", "Added by hand"

    name = models.SlugField(max_length=100, unique=True)
    url = models.URLField(max_length=2000)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FEED)
    publisher = models.CharField(max_length=300, blank=True)
    selector = models.CharField(max_length=300, blank=True, help_text="CSS selector (page kind)")
    enabled = models.BooleanField(default=True)
    from_config = models.BooleanField(default=False, help_text="Declared in pulse.toml")
    created_at = models.DateTimeField(default=timezone.now)

    # What the editor (or a pack) says about it: triage hint, cadence, rules.
    sectors = models.JSONField(default=list, blank=True, help_text="Sector keys it usually serves")
    interval = models.CharField(max_length=20, default=DEFAULT_INTERVAL)
    keep = models.JSONField(default=list, blank=True, help_text="Regexes; keep only matches")
    block = models.JSONField(default=list, blank=True, help_text="Regexes; drop matches")
    main_selector = models.CharField(
        max_length=300, blank=True, help_text="CSS selector of the main text on its pages"
    )
    pack = models.CharField(max_length=100, blank=True, help_text="The pack it was added from")
    last_seen = models.DateField(null=True, blank=True, help_text="Last seen working (pack)")

    # Fetch state: conditional GET and health.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def health(self) -> str:
        if self.paused_at:
            return "paused"
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at:
            return "ok"
        return "new"

    @property
    def rules(self) -> Rules:
        return compile_rules(self.keep, self.block)

    def is_due(self, now: datetime.datetime) -> bool:
        return self.next_due_at is None or self.next_due_at <= now

    def record_success(
        self, now: datetime.datetime | None = None, server_hint=datetime.timedelta(0)
    ) -> None:
        """Healthy again; due after its interval, or the server's freshness when longer."""
        now = now or timezone.now()
        self.last_fetched_at = now
        self.last_success_at = now
        self.consecutive_failures = 0
        self.last_error = ""
        self.next_due_at = next_due(now, parse_interval(self.interval), server_hint)

    def record_failure(
        self, error: str, now: datetime.datetime | None = None, pause_after: int = 0
    ) -> None:
        """One more failure in a row; paused once there are `pause_after` (0: never)."""
        now = now or timezone.now()
        self.last_fetched_at = now
        self.consecutive_failures += 1
        self.last_error = error[:2000]
        self.next_due_at = next_due(now, parse_interval(self.interval))
        if pause_after and self.consecutive_failures >= pause_after and not self.paused_at:
            self.paused_at = now

    def resume(self) -> None:
        """Back in the harvest at its next run, with a clean failure count."""
        self.paused_at = None
        self.consecutive_failures = 0
        self.next_due_at = None
