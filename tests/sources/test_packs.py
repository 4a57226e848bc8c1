"""The shipped packs validate: every entry has a kind, a name, a URL, a sector hint and a
last-seen date, and its sectors exist in a fresh workspace."""

import datetime
import tomllib
from importlib import resources

import pytest

from policypulse.errors import SourceError
from policypulse.sources.packs import load_pack, pack_names, validate_pack
from policypulse.workspace import default_config


def test_uk_social_policy_pack_is_listed_and_every_entry_is_complete():
    assert "uk-social-policy" in pack_names()
    pack = load_pack("uk-social-policy")
    sectors = set(default_config().sector_keys())
    for entry in pack.entries:
        assert entry.kind in ("feed", "govuk", "page", "sitemap")
        assert entry.name and entry.publisher and entry.url.startswith("https://")
        assert entry.sectors and set(entry.sectors) <= sectors, entry.name
        assert isinstance(entry.last_seen, datetime.date) and entry.seen_in.startswith("http")
    assert len({e.url for e in pack.entries}) == len(pack.entries)
    assert {s for e in pack.entries for s in e.sectors} == sectors
    govuk = [e for e in pack.entries if e.kind == "govuk"]
    assert govuk and all(e.url.startswith("https://www.gov.uk/search/") for e in govuk)


def test_uk_social_policy_pack_has_forty_distinct_publishers():
    """The issue asks for at least 40 real publishers: no entry is counted twice (same name,
    URL or publisher), every URL is https, and last_seen is a real past date."""
    pack = load_pack("uk-social-policy")
    entries = pack.entries
    assert len(entries) >= 40
    for field in ("name", "url", "publisher"):
        values = [getattr(e, field).casefold().rstrip("/") for e in entries]
        duplicates = sorted({v for v in values if values.count(v) > 1})
        assert duplicates == [], f"duplicate {field}: {duplicates}"
    for entry in entries:
        assert entry.url.startswith("https://"), entry.name
        assert entry.seen_in.startswith(("https://", "http://")), entry.name
        assert datetime.date(2000, 1, 1) <= entry.last_seen <= datetime.date.today(), entry.name
        assert entry.kind in ("feed", "govuk", "page", "sitemap"), entry.name
        assert entry.sectors, entry.name
    kinds = {e.kind for e in entries}
    assert {"govuk", "feed", "page"} <= kinds


def raw_pack() -> dict:
    text = resources.files("policypulse.sources").joinpath("packs", "uk-social-policy.toml")
    return tomllib.loads(text.read_text())


@pytest.mark.parametrize(("field", "value", "message"), [
    ("last_seen", None, "missing last_seen"), ("sectors", [], "missing sectors"),
    ("kind", "rss", "kind must be one of"), ("url", "ftp://x", "url is not an http"),
    ("last_seen", "last spring", "must be a date"), ("block", ["(x"], "invalid block pattern"),
    ("interval", "sometimes", "invalid interval"),
])  # fmt: skip
def test_a_broken_entry_is_refused_naming_it(field, value, message):
    data = raw_pack()
    data["sources"][1][field] = value
    with pytest.raises(SourceError, match=message) as caught:
        validate_pack("uk-social-policy", data)
    assert "source 2" in str(caught.value)


def test_unknown_sector_is_refused_when_the_keys_are_given():
    data = raw_pack()
    data["sources"][0]["sectors"] = ["health"]
    with pytest.raises(SourceError, match="unknown sector"):
        validate_pack("x", data, sector_keys={"children", "justice", "adult-care"})


def test_unknown_pack():
    with pytest.raises(SourceError, match="no source pack named 'nope'"):
        load_pack("nope")
