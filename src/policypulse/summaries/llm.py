"""The llm backend: any model Simon Willison's `llm` library knows.

OpenAI, Anthropic, Gemini and Ollama through llm's plugins; any OpenAI-compatible server
through llm's `extra-openai-models.yaml` (in `llm.user_dir()`, or `$LLM_USER_PATH`). API keys
come from llm's own key store or the environment, never from pulse.toml.

A request that fails (network, rate limit, server error) is retried with exponential backoff.
Each draft goes through the guard; a failing draft is sent back once with its failures named,
and if the second draft fails too the backend raises `SummaryError`, so the caller can fall
back to the extractive summary. Tokens of every call travel with the result (the `Draft`, or
the error) for the cost log.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from policypulse.errors import ConfigError
from policypulse.summaries import prompts
from policypulse.summaries.backends import Draft, Options, SummaryError, SummaryRequest, Usage
from policypulse.summaries.guard import DEFAULT_OPINION_WORDS, Failure, check

logger = logging.getLogger(__name__)
_RESOLVE = threading.Lock()


class LlmBackend:
    name = "llm"

    def __init__(
        self,
        model: str = "",
        *,
        examples: list[prompts.SummaryExample] | None = None,
        retries: int = 3,
        backoff_seconds: float = 2.0,
        temperature: float | None = None,
        max_source_chars: int = 12_000,
        concurrency: int = 4,
        source_of: Callable[[SummaryRequest], str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if not model:
            raise ConfigError(
                "summaries.backend is 'llm' but summaries.llm_model is empty: set it to a "
                "model id from `llm models`"
            )
        self.model_id = model
        self.examples = prompts.bundled_examples()[:4] if examples is None else examples
        self.retries = retries
        self.backoff_seconds = backoff_seconds
        self.temperature = temperature
        self.max_source_chars = max_source_chars
        self.concurrency = concurrency
        self.source_of = source_of or (lambda d: "\n\n".join([d.publisher, d.title, d.text]))
        self.sleep = sleep
        self._model = None

    @classmethod
    def from_settings(cls, settings, *, examples, sleep) -> LlmBackend:
        """Built from pulse.toml's [summaries]; `examples(limit)` gives the few-shot examples."""
        limit = settings.llm_examples
        return cls(
            settings.llm_model,
            examples=examples(limit) if examples else prompts.bundled_examples()[:limit],
            retries=settings.llm_retries,
            backoff_seconds=settings.llm_backoff_seconds,
            temperature=settings.llm_temperature,
            max_source_chars=settings.llm_max_source_chars,
            concurrency=settings.llm_concurrency,
            sleep=sleep,
        )

    def model(self):
        """The llm model, resolved once: llm loads its plugins lazily and not thread-safely,
        so concurrent first calls would see no models at all."""
        with _RESOLVE:
            return self._resolve()

    def _resolve(self):
        if self._model is None:
            import llm

            try:
                self._model = llm.get_model(self.model_id)
            except llm.UnknownModelError:
                raise ConfigError(
                    f"the llm library knows no model {self.model_id!r}; see `llm models`, or "
                    "add an OpenAI-compatible endpoint to extra-openai-models.yaml"
                ) from None
        return self._model

    def summarize(self, request: SummaryRequest, options: Options) -> Draft:
        usage = Usage(self.model_id)
        system = prompts.system_prompt(options.min_words, options.max_words, options.opinion_words)
        prompt = prompts.user_prompt(
            title=request.title,
            publisher=request.publisher,
            text=request.text,
            examples=self.examples,
            max_chars=self.max_source_chars,
        )
        source = self.source_of(request)
        draft = self._complete(prompt, system, usage)
        failures = self._check(draft, source, options)
        if not failures:
            return self._draft(draft, usage)
        usage.drafts.append(_refused(self.model_id, draft, failures))
        draft = self._complete(prompts.revision_prompt(prompt, draft, failures), system, usage)
        failures = self._check(draft, source, options)
        if not failures:
            usage.outcome = "revised"
            return self._draft(draft, usage)
        usage.drafts.append(_refused(self.model_id, draft, failures))
        usage.outcome = "fallback"
        raise SummaryError(
            "the model's summary failed the guard twice",
            failures,
            rejected=list(usage.drafts),
            usage=usage,
        )

    def _draft(self, text: str, usage: Usage) -> Draft:
        return Draft(text, self.name, rejected=list(usage.drafts), usage=usage)

    @staticmethod
    def _check(draft: str, source: str, options: Options) -> list[Failure]:
        return check(
            draft,
            source,
            min_words=options.min_words,
            max_words=options.max_words,
            opinion_words=tuple(options.opinion_words) or DEFAULT_OPINION_WORDS,
        )

    def _complete(self, prompt: str, system: str, usage: Usage) -> str:
        """One completion, retried with exponential backoff when the request fails."""
        import llm

        model = self.model()
        settings = {} if self.temperature is None else {"temperature": self.temperature}
        for attempt in range(self.retries + 1):
            try:
                response = model.prompt(prompt, system=system, stream=False, **settings)
                text = response.text()
                counted = response.usage()
            except llm.errors.NeedsKeyException as exc:
                raise ConfigError(f"model {self.model_id!r} needs an API key: {exc}") from None
            except Exception as exc:  # noqa: BLE001 - providers raise their own error types
                usage.calls += 1
                if attempt == self.retries:
                    usage.outcome = "error"
                    raise SummaryError(
                        f"model {self.model_id!r} failed {attempt + 1} time(s): {exc}",
                        rejected=list(usage.drafts),
                        usage=usage,
                    ) from exc
                delay = self.backoff_seconds * 2**attempt
                logger.warning(
                    "llm request failed, retrying",
                    extra={"model": self.model_id, "attempt": attempt + 1, "delay": delay,
                           "error": str(exc)},
                )  # fmt: skip
                self.sleep(delay)
                continue
            usage.calls += 1
            usage.input_tokens += counted.input or 0
            usage.output_tokens += counted.output or 0
            return " ".join(text.split())
        raise AssertionError("unreachable")


def _refused(model: str, draft: str, failures: list[Failure]) -> dict:
    return {"backend": f"llm:{model}", "text": draft, "checks": [f.as_dict() for f in failures]}
