"""Canonical URLs: one spelling per publication, whatever link it was found by."""

from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PARAMETERS = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "igshid",
    "ref", "ref_src", "cmpid", "at_medium", "at_campaign", "yclid", "_ga", "s_cid",
}  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443}


@lru_cache(maxsize=16384)  # a harvest asks again for every address it compares
def canonical_url(url: str) -> str:
    """Lower-case scheme and host, https for http, no default port, fragment, tracking
    parameters (utm_* and friends) or trailing slash; the remaining query sorted.

    Idempotent, and total: a URL with no host, or too broken to parse (a bad port, an
    unclosed IPv6 bracket, as hostile feeds send), is its own canonical form, never an
    exception."""
    url = url.strip()
    try:
        return _canonical(url) if urlsplit(url).hostname else url
    except ValueError:
        return url


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "http":
        scheme = "https"
    host = (parts.hostname or "").lower().rstrip(".")
    while host.startswith("www."):
        host = host[4:]
    if ":" in host:
        host = f"[{host}]"  # IPv6 keeps its brackets
    port = parts.port
    netloc = host if port in (None, DEFAULT_PORTS.get(parts.scheme.lower())) else f"{host}:{port}"
    path = parts.path.strip() or "/"
    while "//" in path:
        path = path.replace("//", "/")
    if len(path) > 1:
        # Trailing slashes and spaces in any order ("/ /"): one pass must leave none of
        # either, or the next pass would strip the other and the form would not be stable.
        while path != (trimmed := path.rstrip("/").rstrip()):
            path = trimmed
        path = path or "/"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query.lstrip("?"), keep_blank_values=True)
        if not key.lower().startswith("utm_") and key.lower() not in TRACKING_PARAMETERS
    ]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))
