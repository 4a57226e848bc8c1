"""The summariser backends, keyed by the name `summaries.backend` takes in pulse.toml.

    extractive   offline, the default and the fallback (summaries/extractive.py)
    llm          any model the `llm` library knows (summaries/llm.py)

An explicit table, as simonw/llm's `register_models` fills one: to add a backend, write a class
with `name`, `concurrency`, `summarize` (summaries/backends.py) and a `from_settings`
classmethod, and list it here. The guard checks every backend's summary in the services.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from policypulse.errors import ConfigError
from policypulse.summaries.backends import Backend
from policypulse.summaries.extractive import Extractive
from policypulse.summaries.llm import LlmBackend

BACKENDS: dict[str, type] = {
    Extractive.name: Extractive,
    LlmBackend.name: LlmBackend,
}
FALLBACK = Extractive.name  # offline and never gives up: it stands in for any that does


def backend_class(name: str) -> type:
    try:
        return BACKENDS[name]
    except KeyError:
        known = ", ".join(BACKENDS)
        raise ConfigError(f"unknown summariser backend {name!r}; known: {known}") from None


def get_backend(name: str, **arguments) -> Backend:
    """The backend called `name`, built from explicit arguments (tests, evaluations)."""
    return backend_class(name)(**arguments)


def from_settings(
    name: str,
    settings,
    *,
    examples: Callable[[int], list] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Backend:
    """The backend called `name`, built from pulse.toml's [summaries] settings; `examples(n)`
    gives a model's few-shot examples (default: the bundled ones)."""
    return backend_class(name).from_settings(settings, examples=examples, sleep=sleep)


def fallback() -> Backend:
    return get_backend(FALLBACK)
