"""Security settings that follow from where the site is served.

Pure: `security_settings(base_url)` returns Django settings; `settings.py` applies them. With an
https `base_url` the app is assumed to sit behind a TLS-terminating reverse proxy that sets
X-Forwarded-Proto (and strips any such header from clients): cookies are Secure, HSTS is sent
on secure requests, and the forwarded protocol is trusted. The Content-Security-Policy is sent
always: scripts only from the site itself (htmx and editor.js are vendored), no plugins, no
framing by other sites.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.csp import CSP

HSTS_SECONDS = 60 * 60 * 24 * 365

# Inline styles stay allowed: the archive and subscriber pages carry a small <style> block, the
# dashboard's bars a width, htmx its indicator style, and the rendered email (the editor's
# preview) inline CSS by design. Scripts are the XSS risk, and they are 'self' only.
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    # Logos and images in the edition come from the organisation's https URLs.
    "img-src": [CSP.SELF, "https:", "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}


def is_https(base_url: str) -> bool:
    return urlsplit(base_url).scheme.lower() == "https"


def security_settings(base_url: str) -> dict:
    """The Django security settings for a site published at `base_url`."""
    https = is_https(base_url)
    values: dict = {
        "SECURE_CSP": CONTENT_SECURITY_POLICY,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "CSRF_COOKIE_SECURE": https,
        "SECURE_HSTS_SECONDS": HSTS_SECONDS if https else 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https") if https else None,
    }
    if https:
        # Django checks the Origin of unsafe requests against the host; behind a proxy the
        # public origin is the base URL.
        parts = urlsplit(base_url)
        values["CSRF_TRUSTED_ORIGINS"] = [f"{parts.scheme}://{parts.netloc}"]
    return values
