import hashlib
import secrets

from django.db import models
from django.utils import timezone


def new_key() -> str:
    """A random public identifier: what signed links carry instead of an address."""
    return secrets.token_urlsafe(16)


def email_hash(email: str) -> str:
    """How a suppressed address is kept: the SHA-256 of its lower-cased form."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


class Subscriber(models.Model):
    """Someone who receives the digest, with the consent we hold for it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed"
        BOUNCED = "bounced", "Bounced"

    email = models.EmailField(max_length=320, unique=True, help_text="Stored lower-cased")
    key = models.CharField(
        max_length=32, unique=True, default=new_key, help_text="Random id carried by signed links"
    )
    confirm_nonce = models.CharField(
        max_length=32,
        blank=True,
        default="",
        help_text="Set while a confirmation link is outstanding; cleared when one is used, so "
        "each link confirms once and only a pending request",
    )
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


class SubscriberEvent(models.Model):
    """The audit trail of one subscriber: consent, confirmation, preference changes, bounces.
    Erasure deletes it with the subscriber."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]


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
        UNKNOWN = "unknown", "Interrupted in flight: not resent"

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
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="After a temporary refusal: not before this"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "subscriber"], name="one_delivery_each")
        ]
        indexes = [models.Index(fields=["edition", "status"])]


class RateCounter(models.Model):
    """Uses of one limited action by one client in one fixed window. Kept in the database,
    not in process memory, so a restart or a second server process does not reset a limit.
    `key` is a hash (of an address or a client IP), never the value itself."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="one_counter_per_window"
            )
        ]
        indexes = [models.Index(fields=["scope", "window_start"])]


class SoftBounce(models.Model):
    """One temporary delivery failure the provider gave up on (mailbox full, greylisted too
    long): counted, and `[mail] soft_bounce_limit` of them in 30 days bounce the address."""

    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="soft_bounces"
    )
    at = models.DateTimeField(default=timezone.now)
    source = models.CharField(max_length=50, help_text="postmark, amazon_ses, dsn, ...")
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subscriber", "at"])]


class ClickCount(models.Model):
    """Clicks on one publication's link in one edition's email: a count, not who clicked."""

    item = models.OneToOneField(
        "editions.EditionItem", on_delete=models.CASCADE, related_name="click_count"
    )
    clicks = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField(default=timezone.now)


class Click(models.Model):
    """One click by one subscriber: kept only with `[tracking] per_subscriber = true`, and
    erased with the subscriber."""

    item = models.ForeignKey("editions.EditionItem", on_delete=models.CASCADE)
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField(default=timezone.now)
