"""Fetching over HTTP, politely and defensively.

One client factory (`make_client`) builds the httpx client with the workspace's limits on the
SSRF guard's transport (`harvest.guard`: every connection goes to an address that was checked
and is public); tests pass `transport=` to it. A `Fetcher` adds what httpx leaves to us, for
every hop of a redirect chain: robots.txt, per-host pacing, retries with back-off on 429 and
5xx honouring Retry-After, a total deadline per request (a server that drips one byte a second
cannot hold us), content decoding (gzip, deflate, brotli) done by us so that the body cap
counts *decoded* bytes (a gzip bomb stops at the cap), and conditional GET. Time goes through
one `pacing.Clock`, so tests inject a fake one.

Errors are `FetchError`s whose message says what happened; their `reason` is a short code
(`robots`, `too-large`, `timeout`, `redirects`, `http-500`, `private-address`, ...) the
services record.
"""

from __future__ import annotations

import email.utils
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import brotli
import httpcore
import httpx

from policypulse.errors import FetchError
from policypulse.harvest.guard import GuardedTransport, Resolve, system_resolve
from policypulse.harvest.robots import RobotsRules
from policypulse.pacing import Clock, Pacer, backoff
from policypulse.workspace import Harvest

RETRY_STATUSES = {429, 500, 502, 503, 504}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
DECODE_CHUNK = 64 * 1024


class FetchFailed(FetchError):
    """A FetchError with a short machine-readable reason."""

    def __init__(self, message: str, reason: str = "error"):
        super().__init__(message)
        self.reason = reason


@dataclass
class Response:
    url: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[str] = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")


def make_client(
    options: Harvest,
    transport: httpx.BaseTransport | None = None,
    *,
    resolve: Resolve = system_resolve,
    network: httpcore.NetworkBackend | None = None,
) -> httpx.Client:
    """The one httpx client: redirects are followed by the Fetcher, hop by hop, and every
    connection is made by the SSRF guard (`resolve` and `network` replace its resolver and
    the sockets under it)."""
    read = options.timeout_seconds
    timeout = httpx.Timeout(read, connect=min(10.0, read), pool=read)
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=16)
    if transport is None:
        transport = GuardedTransport(
            limits,
            allow_private=options.allow_private_networks,
            resolve=resolve,
            backend=network,
        )
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate, br"},
        transport=transport,
        limits=limits,
    )


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class _BodyTooLarge(FetchError):
    """Past the size limit; never leaves the fetcher (it becomes a FetchFailed)."""


def decode_stream(chunks: Iterator[bytes], encoding: str, limit: int) -> Iterator[bytes]:
    """Decode a content-encoded stream in bounded pieces; raise _BodyTooLarge past `limit`
    decoded bytes, so a small compressed bomb never inflates in memory."""
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    stream: Iterator[bytes] = chunks
    for coding in reversed(codings):
        if coding in ("gzip", "x-gzip", "deflate"):
            stream = _inflate(stream)
        elif coding == "br":
            stream = _unbrotli(stream)
        else:
            raise FetchFailed(f"unsupported content encoding {coding!r}", "encoding")
    size = 0
    for piece in stream:
        size += len(piece)
        if size > limit:
            raise _BodyTooLarge
        if piece:
            yield piece


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decompressor = None
    for chunk in chunks:
        if decompressor is None:
            # gzip or zlib (auto-detected), else a raw deflate stream as some servers send.
            wbits = 47 if chunk[:1] in (b"\x1f", b"\x78", b"\x08", b"\x48", b"\x58") else -15
            decompressor = zlib.decompressobj(wbits)
        data = chunk
        try:
            while data and not decompressor.eof:
                yield decompressor.decompress(data, DECODE_CHUNK)
                data = decompressor.unconsumed_tail
        except zlib.error as exc:
            raise FetchFailed(f"corrupt compressed body: {exc}", "encoding") from None
    if decompressor is not None:
        yield decompressor.flush()


def _unbrotli(chunks: Iterator[bytes]) -> Iterator[bytes]:
    decompressor = brotli.Decompressor()
    try:
        for chunk in chunks:
            yield decompressor.process(chunk, output_buffer_limit=DECODE_CHUNK)
            while not decompressor.can_accept_more_data():
                yield decompressor.process(b"", output_buffer_limit=DECODE_CHUNK)
    except brotli.error as exc:
        raise FetchFailed(f"corrupt brotli body: {exc}", "encoding") from None


class Fetcher:
    """GET with every politeness and safety rule; thread-safe, one per harvest run."""

    def __init__(
        self,
        options: Harvest,
        client: httpx.Client | None = None,
        pacer: Pacer | None = None,
        *,
        clock: Clock | None = None,
        retries: int | None = None,
        total_seconds: float | None = None,
        max_retry_after: float = 300.0,
        respect_robots: bool = True,
    ):
        self.options = options
        self.client = client or make_client(options)
        self.clock = clock or Clock()
        self.pacer = pacer or Pacer(options.requests_per_second_per_host, self.clock)
        self.max_bytes = int(options.max_body_megabytes * 1024 * 1024)
        self.retries = retries if retries is not None else options.max_retries
        self.total_seconds = total_seconds or options.total_timeout_seconds
        self.max_retry_after = max_retry_after
        self.robots = (
            RobotsRules(self.get_robots, self.pacer.slow_down, options.user_agent)
            if respect_robots
            else None
        )
        self.requests = 0

    def get(self, url: str, *, etag: str = "", last_modified: str = "") -> Response:
        """The body of `url` after redirects; a 304 when the validators still match."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        current = url
        while True:
            self._check_url(current)
            refused = self.robots.refusal(current) if self.robots is not None else None
            if refused:
                raise FetchFailed(refused, "robots")
            response = self._get_with_retries(current, headers)
            if response.status not in REDIRECT_STATUSES:
                response.redirects = seen
                return response
            location = response.headers.get("location")
            if not location:
                raise FetchFailed(f"HTTP {response.status} without a Location from {current}")
            seen.append(current)
            current = urljoin(current, location)
            if current in seen:
                raise FetchFailed(f"redirect loop from {url} at {current}", "redirects")
            if len(seen) > self.options.max_redirects:
                raise FetchFailed(
                    f"too many redirects from {url} (more than {self.options.max_redirects})",
                    "redirects",
                )

    def get_robots(self, url: str) -> Response:
        """robots.txt itself: no robots check, no retries, small cap."""
        self._check_url(url)
        return self._request(url, {}, limit=512 * 1024)

    def _check_url(self, url: str) -> None:
        """Only http(s); the address itself is checked where the connection is made."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchFailed(f"refusing a non-HTTP URL: {url}", "scheme")

    def _get_with_retries(self, url: str, headers: dict) -> Response:
        attempt = 0
        while True:
            try:
                response = self._request(url, headers)
            except FetchFailed as exc:
                if exc.reason != "connect" or attempt >= self.retries:
                    raise
                self.clock.sleep(backoff(attempt))
                attempt += 1
                continue
            if response.status not in RETRY_STATUSES:
                if response.status >= 400:
                    raise FetchFailed(
                        f"HTTP {response.status} from {url}", f"http-{response.status}"
                    )
                return response
            if attempt >= self.retries:
                raise FetchFailed(
                    f"HTTP {response.status} from {url} (after {attempt + 1} attempts)",
                    f"http-{response.status}",
                )
            wait = retry_after_seconds(response.headers.get("retry-after"))
            if wait is not None and wait > self.max_retry_after:
                raise FetchFailed(
                    f"HTTP {response.status} from {url}: asked to retry after {wait:.0f}s",
                    f"http-{response.status}",
                )
            self.clock.sleep(wait if wait is not None else backoff(attempt))
            attempt += 1

    def _request(self, url: str, headers: dict, limit: int | None = None) -> Response:
        limit = self.max_bytes if limit is None else limit
        host = urlsplit(url).hostname or ""
        self.pacer.wait(host)
        self.requests += 1
        deadline = self.clock.monotonic() + self.total_seconds
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                result = Response(
                    str(response.url), response.status_code, b"", dict(response.headers)
                )
                if response.status_code >= 300:
                    return result  # redirects, 304 and errors: the body is not wanted
                declared = response.headers.get("content-length", "")
                encoding = response.headers.get("content-encoding", "")
                if not encoding and declared.isdigit() and int(declared) > limit:
                    raise FetchFailed(f"{url} is larger than the {limit} byte limit", "too-large")
                pieces = []
                for piece in decode_stream(response.iter_raw(), encoding, limit):
                    pieces.append(piece)
                    if self.clock.monotonic() > deadline:
                        raise FetchFailed(
                            f"timed out fetching {url}: over {self.total_seconds:g}s in total",
                            "timeout",
                        )
                result.body = b"".join(pieces)
                return result
        except _BodyTooLarge:
            raise FetchFailed(f"{url} is larger than the {limit} byte limit", "too-large") from None
        except httpx.TimeoutException:
            raise FetchFailed(f"timed out fetching {url}", "timeout") from None
        except httpx.ConnectError as exc:
            raise FetchFailed(f"cannot connect to {host}: {exc}", "connect") from None
        except httpx.HTTPError as exc:
            raise FetchFailed(f"cannot fetch {url}: {exc}", "error") from None

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def host_of(url: str) -> str:
    return urlsplit(url).hostname or ""
