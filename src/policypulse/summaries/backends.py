"""What every summariser backend shares: what it is given, its one method, what it returns.

A backend takes a `SummaryRequest` and `Options` and returns a `Draft` from `summarize`; when
it cannot produce a summary it may raise `SummaryError`, carrying whatever it spent and refused
on the way, and the services replace its summary with the fallback backend's. The backends
themselves live in their own modules and are chosen by name in `summaries/registry.py`; this
module imports neither, so they can all import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from policypulse.errors import PulseError


@dataclass
class SummaryRequest:
    """The publication as a backend reads it."""

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


@dataclass
class Usage:
    """What one summary cost a language model: calls, tokens, and how it ended."""

    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    outcome: str = "accepted"
    drafts: list[dict] = field(default_factory=list)  # refused drafts and their failures


@dataclass
class Draft:
    """A backend's summary, before the services' guard: the text, which backend wrote it,
    notes the editor should see (e.g. a source too short), the drafts it refused on the way,
    and what it cost when a model was asked."""

    text: str
    backend: str
    notes: list[str] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    usage: Usage | None = None


class SummaryError(PulseError):
    """A backend could not produce a summary (the model failed, or its drafts kept failing
    the guard): the services fall back to the fallback backend. `rejected` and `usage` keep
    what was refused and spent, for the editor and the cost log."""

    def __init__(
        self,
        message: str,
        failures: list | None = None,
        *,
        rejected: list[dict] | None = None,
        usage: Usage | None = None,
    ):
        super().__init__(message)
        self.failures = failures or []
        self.rejected = rejected or []
        self.usage = usage


class Backend(Protocol):
    """The one interface: a name (the one pulse.toml uses), how many summaries it may write at
    once (a remote model waits on the network; local work would only contend for the GIL),
    and `summarize`."""

    name: str
    concurrency: int

    def summarize(self, request: SummaryRequest, options: Options) -> Draft: ...
