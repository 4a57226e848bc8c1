from django.db import models
from django.utils import timezone


class Publication(models.Model):
    """One publication, whatever the number of places it was seen: its identity is the
    canonical URL plus content fingerprints, and an update updates it."""

    class Kind(models.TextChoices):
        HTML = "html", "Web page"
        PDF = "pdf", "PDF document"
        DOCX = "docx", "Word document"

    source = models.ForeignKey(
        "sources.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    url = models.URLField(max_length=2000)
    canonical_url = models.CharField(max_length=2000, unique=True)
    title = models.CharField(max_length=1000)
    publisher = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HTML)
    document_type = models.CharField(
        max_length=100, blank=True, help_text="From metadata, e.g. GOV.UK's official_statistics"
    )
    authors = models.JSONField(default=list, blank=True)
    description = models.TextField(blank=True, help_text="The feed's summary of the item")
    text = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    first_seen = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    extraction_status = models.CharField(max_length=30, default="ok")
    extraction_error = models.TextField(blank=True)
    key_text = models.TextField(
        blank=True, help_text="The report's executive summary or key findings, when found"
    )
    entry_stamp = models.CharField(
        max_length=100, blank=True, help_text="The source's last change marker (updated, lastmod)"
    )
    minhash = models.BinaryField(
        null=True, blank=True, editable=False, help_text="MinHash signature for near-duplicates"
    )

    class Meta:
        ordering = ["-published", "-first_seen"]
        indexes = [models.Index(fields=["published"]), models.Index(fields=["first_seen"])]

    def __str__(self) -> str:
        return self.title

    @property
    def heading(self) -> str:
        """The house-style heading line: "Publisher. Title"."""
        return f"{self.publisher}. {self.title}" if self.publisher else self.title


class Attachment(models.Model):
    """A file linked from a publication, usually the report PDF."""

    class Status(models.TextChoices):
        OK = "ok", "Text extracted"
        ENCRYPTED = "encrypted", "Encrypted"
        CORRUPT = "corrupt", "Corrupt or truncated"
        IMAGE_ONLY = "image-only", "Image only (no text layer)"
        TOO_LARGE = "too-large", "Too large"
        ERROR = "error", "Could not be fetched"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="attachments"
    )
    url = models.URLField(max_length=2000)
    canonical_url = models.CharField(max_length=2000, blank=True, db_index=True)
    title = models.CharField(max_length=1000, blank=True)
    media_type = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OK)
    pages = models.PositiveIntegerField(default=0)
    text = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        unique_together = [("publication", "url")]

    def __str__(self) -> str:
        return self.title or self.url


class PublicationAlias(models.Model):
    """Another address of a publication: its report PDF, a mirror, an address it moved from.
    Looked up before creating a publication, so each is stored once."""

    class Reason(models.TextChoices):
        ATTACHMENT = "attachment", "Its report PDF"
        MIRROR = "mirror", "Near-duplicate text elsewhere"
        SAME_TEXT = "same-text", "Identical text elsewhere"
        REDIRECT = "redirect", "Redirected to it"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="aliases")
    canonical_url = models.CharField(max_length=2000, unique=True)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.canonical_url} -> {self.publication_id}"
