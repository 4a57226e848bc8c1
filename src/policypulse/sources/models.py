from django.db import models
from django.utils import timezone


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

    # Fetch state: conditional GET and health.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def health(self) -> str:
        if self.consecutive_failures:
            return "failing"
        if self.last_success_at:
            return "ok"
        return "new"

    def record_success(self) -> None:
        now = timezone.now()
        self.last_fetched_at = now
        self.last_success_at = now
        self.consecutive_failures = 0
        self.last_error = ""

    def record_failure(self, error: str) -> None:
        self.last_fetched_at = timezone.now()
        self.consecutive_failures += 1
        self.last_error = error[:2000]
