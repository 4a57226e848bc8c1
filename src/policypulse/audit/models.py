"""The audit log's one table: every editorial change, whoever made it (web, CLI or task)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """One editorial change: who, when, what, and the value before and after.

    Rows are only ever added; an item's or an edition's history is its entries in time order.
    `actor` names who acted even without an account (`cli:<OS user>`, `task:<name>`); `user`
    links the account when a person acted through the web app. The table keeps the name it had
    when the log lived in the web app, so the history survived the move."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150, blank=True, default="", db_index=True)
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
        db_table = "web_auditentry"
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
