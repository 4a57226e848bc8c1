from django.conf import settings
from django.db import models
from django.utils import timezone

from policypulse import months


class Edition(models.Model):
    """One month's digest. Approved editions are frozen: changes need a new draft."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        SENT = "sent", "Sent"

    month = models.DateField(unique=True, help_text="The first day of the month")
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    foreword = models.TextField(blank=True, help_text="Markdown")
    foreword_is_draft = models.BooleanField(
        default=True, help_text="Still PolicyPulse's draft, not yet rewritten by the editor"
    )
    news = models.JSONField(default=list, blank=True, help_text="[{title, body}] in Markdown")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return self.title

    @property
    def month_key(self) -> str:
        return months.month_key(self.month)

    @property
    def month_label(self) -> str:
        return months.month_label(self.month)

    @property
    def frozen(self) -> bool:
        return self.status != self.Status.DRAFT


class EditionItem(models.Model):
    """A publication in an edition's section, with the words frozen at approval."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="items")
    publication = models.ForeignKey(
        "catalogue.Publication", on_delete=models.PROTECT, related_name="edition_items"
    )
    sector = models.CharField(max_length=50)
    type = models.CharField(max_length=20)
    order = models.PositiveIntegerField(default=0)
    title = models.CharField(max_length=1000)
    publisher = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000)
    summary = models.TextField()

    class Meta:
        ordering = ["edition", "sector", "type", "order"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "publication"], name="one_item_per_edition")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def heading(self) -> str:
        return f"{self.publisher}. {self.title}" if self.publisher else self.title
