import hashlib

import zstandard
from django.db import models
from django.utils import timezone


class FetchCache(models.Model):
    """Validators of the last good fetch of a URL, for conditional GET next time. The
    harvester's own state: it moved here from `sources` (migration harvest 0001)."""

    url_hash = models.CharField(max_length=64, unique=True)
    url = models.TextField()
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    fetched_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.url

    @staticmethod
    def key(url: str) -> str:
        return hashlib.sha256(url.encode("utf-8")).hexdigest()


class RawDocument(models.Model):
    """The bytes a publication's page (or one of its report PDFs) was extracted from, kept
    zstd-compressed so `pulse items reextract` can run a better extractor or a new rule over
    the catalogue without fetching again. Bodies are no larger than the harvest's
    max_body_megabytes (the fetcher refuses anything bigger); one row per address."""

    class Role(models.TextChoices):
        PAGE = "page", "The publication itself"
        ATTACHMENT = "attachment", "A report PDF it links to"
        UPLOAD = "upload", "A file added by hand"

    publication = models.ForeignKey(
        "catalogue.Publication", on_delete=models.CASCADE, related_name="raw_documents"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    url_hash = models.CharField(max_length=64)
    url = models.TextField(help_text="The address asked for (a page: the one it ended at)")
    content_type = models.CharField(max_length=200, blank=True)
    charset = models.CharField(max_length=100, blank=True)
    filename = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(help_text="Bytes before compression")
    body = models.BinaryField(help_text="zstd-compressed")
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "url_hash"], name="one_raw_per_url")
        ]

    def __str__(self) -> str:
        return self.url

    def data(self) -> bytes:
        return zstandard.decompress(bytes(self.body))
