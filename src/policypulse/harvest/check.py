"""`pulse sources check`: ask each source's URL once and say what answers, what moved and
what is gone, without harvesting anything or changing a source's state."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from policypulse.errors import FetchError
from policypulse.harvest.fetch import Fetcher
from policypulse.harvest.services import sync_sources
from policypulse.sources.models import Source
from policypulse.workspace import Config

GONE_REASONS = {"http-404", "http-410", "dns"}


@dataclass
class CheckResult:
    source: str
    url: str
    status: str  # ok, moved, gone, failing
    detail: str = ""  # the new address when moved, the error otherwise


def classify(url: str, final_url: str, redirects: list[str]) -> CheckResult:
    """Pure: an answer after redirects is 'moved' when it ended somewhere else."""
    if redirects and final_url.rstrip("/") != url.rstrip("/"):
        return CheckResult("", url, "moved", final_url)
    return CheckResult("", url, "ok")


def check_one(source: Source, fetcher) -> CheckResult:
    try:
        response = fetcher.get(source.url)
        result = classify(source.url, response.url, response.redirects)
    except FetchError as exc:
        reason = getattr(exc, "reason", "")
        status = "gone" if reason in GONE_REASONS else "failing"
        result = CheckResult("", source.url, status, str(exc))
    result.source = source.name
    return result


def check_sources(config: Config, *, fetcher: Fetcher | None = None) -> list[CheckResult]:
    sync_sources(config)
    sources = list(Source.objects.exclude(kind=Source.Kind.MANUAL))
    own = fetcher is None
    fetcher = fetcher or Fetcher(config.harvest)
    try:
        with ThreadPoolExecutor(max(1, config.harvest.concurrency)) as pool:
            return list(pool.map(lambda s: check_one(s, fetcher), sources))
    finally:
        if own:
            fetcher.close()
