"""Source packs: ready-made lists of real publishers, shipped as TOML data in `packs/`.

Each entry names the publisher as readers know it, the best way to follow it (kind and URL),
the sector keys it usually serves (a hint stored on the Source for triage), how often to ask,
and `last_seen`: the newest date printed in the stored public copy of the page or feed that
was checked (`seen_in`), since the archive gives no capture date of its own. `validate_pack`
is pure; `services.add_pack` stores a pack.
"""

from __future__ import annotations

import datetime
import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from urllib.parse import urlsplit

from policypulse.cadence import DEFAULT_INTERVAL, parse_interval
from policypulse.errors import SourceError
from policypulse.rules import compile_rules

KINDS = ("feed", "govuk", "page", "sitemap")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]{1,99}$")


@dataclass(frozen=True)
class PackEntry:
    name: str
    publisher: str
    kind: str
    url: str
    sectors: tuple[str, ...]
    last_seen: datetime.date
    seen_in: str
    interval: str = DEFAULT_INTERVAL
    selector: str = ""
    main_selector: str = ""
    keep: tuple[str, ...] = ()
    block: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    description: str
    entries: tuple[PackEntry, ...] = field(default_factory=tuple)


def pack_names() -> list[str]:
    folder = resources.files("policypulse.sources").joinpath("packs")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def load_pack(name: str) -> Pack:
    if name not in pack_names():
        raise SourceError(f"no source pack named {name!r}; known: {', '.join(pack_names())}")
    text = resources.files("policypulse.sources").joinpath("packs", f"{name}.toml").read_text()
    return validate_pack(name, tomllib.loads(text))


def validate_pack(name: str, data: dict, sector_keys: set[str] | None = None) -> Pack:
    """The pack as values; a SourceError naming the entry and field when any is missing or
    wrong (kind, name, URL, sector hint, last-seen date, rules, interval)."""
    entries, names = [], set()
    for index, raw in enumerate(data.get("sources") or [], 1):
        where = f"pack {name}, source {index} ({raw.get('name', '?')})"
        for key in ("name", "publisher", "kind", "url", "sectors", "last_seen", "seen_in"):
            if not raw.get(key):
                raise SourceError(f"{where}: missing {key}")
        if not NAME.match(raw["name"]) or raw["name"] in names:
            raise SourceError(f"{where}: name must be a unique lower-case slug")
        names.add(raw["name"])
        if raw["kind"] not in KINDS:
            raise SourceError(f"{where}: kind must be one of {', '.join(KINDS)}")
        for key in ("url", "seen_in"):
            parts = urlsplit(raw[key])
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SourceError(f"{where}: {key} is not an http(s) URL")
        if not isinstance(raw["last_seen"], datetime.date):
            raise SourceError(f"{where}: last_seen must be a date (YYYY-MM-DD)")
        sectors = tuple(raw["sectors"])
        if sector_keys is not None and not set(sectors) <= sector_keys:
            raise SourceError(f"{where}: unknown sector in {sectors}")
        try:
            parse_interval(raw.get("interval", DEFAULT_INTERVAL))
            compile_rules(raw.get("keep", ()), raw.get("block", ()))
        except SourceError as exc:
            raise SourceError(f"{where}: {exc}") from None
        unknown = set(raw) - set(PackEntry.__dataclass_fields__)
        if unknown:
            raise SourceError(f"{where}: unknown keys {sorted(unknown)}")
        entries.append(
            PackEntry(
                **{
                    **raw,
                    "sectors": sectors,
                    "keep": tuple(raw.get("keep", ())),
                    "block": tuple(raw.get("block", ())),
                }
            )  # fmt: skip
        )
    if not entries:
        raise SourceError(f"pack {name} has no sources")
    return Pack(name, data.get("title", name), data.get("description", ""), tuple(entries))
