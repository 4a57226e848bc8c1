"""Summariser backends, keyed by the name used in pulse.toml. A backend has one method."""

from __future__ import annotations

from dataclasses import dataclass

from policypulse.errors import ConfigError


@dataclass
class Document:
    title: str
    text: str
    publisher: str = ""
    type: str = "report"


@dataclass
class Options:
    min_words: int = 70
    max_words: int = 120


class Backend:
    name = ""

    def summarize(self, document: Document, options: Options) -> str:
        raise NotImplementedError


BACKENDS: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    BACKENDS[cls.name] = cls
    return cls


def get_backend(name: str) -> Backend:
    from policypulse.summaries import extractive  # noqa: F401 - registers itself

    if name not in BACKENDS:
        raise ConfigError(f"unknown summariser backend {name!r}; known: {', '.join(BACKENDS)}")
    return BACKENDS[name]()
