from django.conf import settings
from django.db import models
from django.utils import timezone


class TriageLabel(models.Model):
    """Where a publication goes: relevant or not, which sector, which type, and who decided.
    An editor's label is never overwritten by a model run."""

    class DecidedBy(models.TextChoices):
        MODEL = "model", "Model"
        EDITOR = "editor", "Editor"

    class Decision(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    publication = models.OneToOneField(
        "catalogue.Publication", on_delete=models.CASCADE, related_name="label"
    )
    relevant = models.BooleanField(default=False)
    relevance = models.FloatField(default=0.0, help_text="Probability the item is in scope")
    sector = models.CharField(max_length=50, blank=True, help_text="A sector key, or 'out'")
    sector_scores = models.JSONField(default=dict, blank=True)
    type = models.CharField(max_length=20, blank=True)
    type_reason = models.CharField(max_length=300, blank=True)
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, default=DecidedBy.MODEL)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.PENDING)
    model_version = models.CharField(max_length=100, blank=True)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["sector", "type"])]

    def __str__(self) -> str:
        return f"{self.sector}/{self.type} ({self.relevance:.2f}, {self.decided_by})"
