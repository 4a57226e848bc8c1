"""The fuzz layer's core: every URL the site answers, enumerated from the resolver (a new URL
is covered without touching this file), and one hostile request against it.

Used by tests/web/test_fuzz.py (a short run in CI, a long one with --hypothesis-profile=fuzz)
and by bench/fuzz_bench.py, which prints the case count per target and the server errors."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.regex_helper import normalize
from hypothesis import strategies as st

from tests.web import strategies as hs

REPORT_ENV = "PULSE_FUZZ_REPORT"  # a file: the bench asks the tests to write their counts there
METHODS = ("GET", "HEAD", "POST")


@dataclass(frozen=True)
class Target:
    """One URL pattern (or a family of third-party ones, such as the ESP webhooks)."""

    name: str
    forms: tuple[tuple[str, tuple[str, ...]], ...]  # ("editions/%(month)s/", ("month",)), ...


def _walk(patterns, prefix: str, namespaces: list[str]):
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.lstrip("^")
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue  # Django's own admin; its log-in (ours) is a pattern of its own
            spaces = namespaces + ([pattern.namespace] if pattern.namespace else [])
            yield from _walk(pattern.url_patterns, regex, spaces)
        elif isinstance(pattern, URLPattern):
            name = ":".join([*namespaces, pattern.name or pattern.callback.__name__])
            yield name, tuple((form, tuple(params)) for form, params in normalize(regex))


def targets() -> list[Target]:
    """Every public and editor URL pattern."""
    grouped: dict[str, list] = {}
    for name, forms in _walk(get_resolver().url_patterns, "", []):
        grouped.setdefault(name, []).extend(forms)
    return [Target(name, tuple(forms)) for name, forms in sorted(grouped.items())]


STATIC = st.sampled_from(["web/editor.css", "web/htmx-2.0.11.min.js", "../settings.py",
                          "web/../../settings.py", "/etc/passwd", "web/", "..", "%2e%2e/x"])  # fmt: skip
FORMATS = st.sampled_from(["pdf", "docx", "txt", "html", "PDF", "exe"])

PARAMS = {
    "month": hs.months,
    "pk": hs.ids,
    "item_id": hs.ids,
    "token": hs.tokens,
    "slug_text": hs.hostile_text,
    "path": st.one_of(STATIC, hs.hostile_text),
    "fmt": st.one_of(FORMATS, hs.hostile_text),
    "rest": st.one_of(
        st.sampled_from(
            ["postmark/tracking/", "amazon_ses/tracking/", "mailgun/inbound/", "nowhere/"]
        ),
        hs.hostile_text,
    ),
}


@st.composite
def requests(draw, target: Target):
    """(method, path, query, form data) for one hostile request to `target`."""
    form, params = draw(st.sampled_from(target.forms))
    values = {p: quote(draw(PARAMS.get(p, hs.hostile_text)), safe="") for p in params}
    path = "/" + (form % values)
    method = draw(st.sampled_from(METHODS))
    query = draw(hs.query_strings)
    data = draw(hs.form_data) if method == "POST" else {}
    return method, path, query, data


# Known attacks, tried on every target as explicit examples before the random ones: each value
# goes into every path parameter, query field and form field at once.
KNOWN_BAD = ["9999-12", "0001-01", "2026-13", "999999", "9" * 30, "²", "٣", "", "../",
             "<script>alert(1)</script>", "a_b", "\x00", "2026-11"]  # fmt: skip


def known_attacks(target: Target):
    for value in KNOWN_BAD:
        fields = dict.fromkeys(hs.FIELDS, value)
        for form, params in target.forms:
            path = "/" + (form % {p: quote(value, safe="") for p in params})
            yield "GET", path, fields, {}
            yield "POST", path, {}, fields


def send(client, method: str, path: str, query: dict, data: dict):
    url = path + ("?" + urlencode(query) if query else "")
    if method == "GET":
        return client.get(url)
    if method == "HEAD":
        return client.head(url)
    return client.post(url, data)


class Tally:
    """Cases and server errors per target, written where the bench asks (PULSE_FUZZ_REPORT)."""

    def __init__(self):
        self.cases: Counter = Counter()
        self.errors: Counter = Counter()

    def count(self, key: str, status: int) -> None:
        self.cases[key] += 1
        if status >= 500:
            self.errors[key] += 1

    def save(self) -> None:
        path = os.environ.get(REPORT_ENV)
        if not path:
            return
        existing = {}
        if os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                existing = json.load(handle)
        for key in self.cases:
            row = existing.setdefault(key, {"cases": 0, "server_errors": 0})
            row["cases"] += self.cases[key]
            row["server_errors"] += self.errors[key]
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(existing, handle, indent=1, sort_keys=True)
