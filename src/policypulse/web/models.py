"""The editor app's own records: the audit log of editorial changes and failed log-ins."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One editorial change: who, when, what, and the value before and after.

    Rows are only ever added; an item's or an edition's history is its entries in time order."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    action = models.CharField(max_length=50, help_text="e.g. accept, reject, sector, summary")
    publication = models.ForeignKey(
        "catalogue.Publication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_entries",
    )
    edition = models.ForeignKey(
        "editions.Edition",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="audit_entries",
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class LoginFailure(models.Model):
    """A failed log-in, kept for throttling (by account and by address)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} from {self.address}"


class SearchIndexEntry(models.Model):
    """Which version of a publication the SQLite full-text index holds (see web/search.py)."""

    publication = models.OneToOneField(
        "catalogue.Publication", on_delete=models.CASCADE, related_name="search_entry"
    )
    updated_at = models.DateTimeField()
