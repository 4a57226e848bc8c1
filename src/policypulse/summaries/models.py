from django.db import models
from django.utils import timezone


class Summary(models.Model):
    """The current summary of a publication and what the guard found in it."""

    publication = models.OneToOneField(
        "catalogue.Publication", on_delete=models.CASCADE, related_name="summary"
    )
    text = models.TextField()
    backend = models.CharField(max_length=50)
    checks = models.JSONField(
        default=list, blank=True, help_text="Guard failures: [{rule, span, message}]"
    )
    passed = models.BooleanField(default=True)
    rejected = models.JSONField(
        default=list, blank=True,
        help_text="Drafts the guard refused before this text: [{backend, text, checks}]",
    )  # fmt: skip
    edited_by_editor = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return self.text[:80]


class LlmUsage(models.Model):
    """One summary's calls to a language model: tokens and cost, counted per edition month."""

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted", "First draft passed the guard"
        REVISED = "revised", "Second draft passed the guard"
        FALLBACK = "fallback", "Replaced by the extractive summary"
        ERROR = "error", "The model could not be reached"

    publication = models.ForeignKey(
        "catalogue.Publication", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="llm_usage",
    )  # fmt: skip
    edition_month = models.CharField(max_length=7, db_index=True, help_text="YYYY-MM")
    model = models.CharField(max_length=200)
    calls = models.PositiveIntegerField(default=0)
    input_tokens = models.PositiveIntegerField(default=0)
    output_tokens = models.PositiveIntegerField(default=0)
    cost = models.DecimalField(max_digits=12, decimal_places=6, default=0)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.edition_month} {self.model}: {self.input_tokens}+{self.output_tokens}"
