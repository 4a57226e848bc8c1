from django.db import models
from django.utils import timezone


class Subscriber(models.Model):
    """Someone who receives the digest, with the consent we hold for it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(max_length=320, unique=True, help_text="Stored lower-cased")
    name = models.CharField(max_length=200, blank=True)
    organisation = models.CharField(max_length=200, blank=True)
    sectors = models.JSONField(default=list, blank=True, help_text="Sector keys; empty means all")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PENDING)
    consent_source = models.CharField(max_length=100, blank=True, help_text="import, form, ...")
    consent_text = models.TextField(
        blank=True, help_text="The wording shown when consent was given"
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)


class Suppression(models.Model):
    """An address that must never be mailed or re-imported; only its hash is kept."""

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(max_length=50)
    created_at = models.DateTimeField(default=timezone.now)


class Delivery(models.Model):
    """One message of one edition to one subscriber; the row makes a send resumable."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        SKIPPED = "skipped", "Skipped"

    edition = models.ForeignKey(
        "editions.Edition", on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    message_id = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    reply = models.TextField(blank=True, help_text="The server's last reply")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="one_delivery_each")
        ]
        indexes = [models.Index(fields=["edition", "status"])]
