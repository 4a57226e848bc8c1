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


class TrainedModel(models.Model):
    """One training of the triage model: plain numbers (JSON, no pickles), so every worker
    and web process reads the same model from the database. The newest row for the current
    taxonomy is used."""

    created_at = models.DateTimeField(default=timezone.now)
    version = models.CharField(max_length=100)
    taxonomy = models.CharField(
        max_length=32, help_text="Fingerprint of the sectors, hints, embedding and model format"
    )
    examples = models.PositiveIntegerField(default=0)
    editor_examples = models.PositiveIntegerField(default=0)
    decisions_until = models.DateTimeField(
        null=True, blank=True, help_text="The newest editor decision it learned from"
    )
    payload = models.JSONField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["taxonomy", "created_at"])]

    def __str__(self) -> str:
        return f"{self.version} ({self.examples} examples, {self.created_at:%Y-%m-%d %H:%M})"
