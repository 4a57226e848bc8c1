"""Fetching over HTTP, politely and defensively.

One client factory (`make_client`) builds the httpx client with the workspace's limits; tests
pass `transport=` to it. A `Fetcher` adds what httpx leaves to us: refusing private addresses
(SSRF), a per-host rate limit, a body size cap enforced while streaming, and conditional GET.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from policypulse.errors import FetchError
from policypulse.workspace import Harvest


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _refuse_private(host: str) -> None:
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve {host}: {exc.strerror}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        ):
            raise FetchError(
                f"refusing to fetch {host}: it resolves to a private address ({address}); "
                "set [harvest] allow_private_networks = true to allow it"
            )


class RateLimiter:
    """At most `rate` requests a second to each host; `clock` and `sleep` are injectable."""

    def __init__(self, rate: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / rate
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self.interval
        if start > now:
            self.sleep(start - now)


def make_client(options: Harvest, transport: httpx.BaseTransport | None = None) -> httpx.Client:
    timeout = httpx.Timeout(options.timeout_seconds, connect=min(10.0, options.timeout_seconds))
    return httpx.Client(
        timeout=timeout,
        follow_redirects=True,
        max_redirects=options.max_redirects,
        headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate, br"},
        transport=transport,
    )


class Fetcher:
    def __init__(self, options: Harvest, client: httpx.Client | None = None, limiter=None):
        self.options = options
        self.client = client or make_client(options)
        self.limiter = limiter or RateLimiter(options.requests_per_second_per_host)
        self.max_bytes = int(options.max_body_megabytes * 1024 * 1024)
        self.client.event_hooks["request"] = [self._check_request]

    def _check_request(self, request: httpx.Request) -> None:
        # Runs for every request, redirects included, so a redirect cannot reach a private host.
        if request.url.scheme not in ("http", "https"):
            raise FetchError(f"refusing a non-HTTP URL: {request.url}")
        if not self.options.allow_private_networks:
            _refuse_private(request.url.host)
        self.limiter.wait(request.url.host)

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Response:
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return Response(str(response.url), 304, b"", dict(response.headers))
                if response.status_code >= 400:
                    raise FetchError(f"HTTP {response.status_code} from {url}")
                declared = response.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"{url} is larger than the {self.max_bytes} byte limit")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise FetchError(f"{url} is larger than the {self.max_bytes} byte limit")
                    chunks.append(chunk)
                return Response(
                    str(response.url),
                    response.status_code,
                    b"".join(chunks),
                    dict(response.headers),
                )
        except httpx.TooManyRedirects:
            raise FetchError(f"too many redirects from {url}") from None
        except httpx.TimeoutException:
            raise FetchError(f"timed out fetching {url}") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"cannot fetch {url}: {exc}") from None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
