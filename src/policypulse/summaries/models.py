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
    edited_by_editor = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "summaries"

    def __str__(self) -> str:
        return self.text[:80]
