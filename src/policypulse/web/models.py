"""The editor app's own records: failed log-ins and the search index state.

The audit log lives in policypulse.audit: the domain services write it, not the web app."""

from django.db import models
from django.utils import timezone


class LoginFailure(models.Model):
    """A failed log-in, kept for throttling (by account and by address)."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    username = models.CharField(max_length=254, db_index=True)
    address = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} from {self.address}"


class SearchIndexEntry(models.Model):
    """Which version of a publication the SQLite full-text index holds (see web/search.py)."""

    publication = models.OneToOneField(
        "catalogue.Publication", on_delete=models.CASCADE, related_name="search_entry"
    )
    updated_at = models.DateTimeField()
