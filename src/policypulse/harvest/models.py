import hashlib

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
