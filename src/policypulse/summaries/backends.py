"""Summariser backends, keyed by the name used in pulse.toml. A backend has one method.

    extractive   offline, the default (summaries/extractive.py)
    llm          any model the `llm` library knows (summaries/llm.py)

A backend returns the summary text; the guard (summaries/guard.py) checks it whatever the
backend, and the services decide what to do with failures.
"""

from __future__ import annotations

from dataclasses import dataclass

from policypulse.errors import ConfigError, PulseError


class SummaryError(PulseError):
    """A backend could not produce a summary (the model failed, or its drafts kept failing
    the guard); the caller falls back to the extractive backend."""

    def __init__(self, message: str, failures: list | None = None):
        super().__init__(message)
        self.failures = failures or []


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
    target_words: int = 95
    opinion_words: tuple[str, ...] = ()
    scan_chars: int = 15_000  # the extractive backend reads this much: two or three pages


class Backend:
    name = ""

    def summarize(self, document: Document, options: Options) -> str:
        raise NotImplementedError


BACKENDS: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    BACKENDS[cls.name] = cls
    return cls


def get_backend(name: str, **settings) -> Backend:
    """The backend called `name`, built with its settings (the llm backend takes its model)."""
    from policypulse.summaries import extractive, llm  # noqa: F401 - they register themselves

    if name not in BACKENDS:
        raise ConfigError(f"unknown summariser backend {name!r}; known: {', '.join(BACKENDS)}")
    return BACKENDS[name](**settings)
