"""The summariser seam: one method returning one `Draft`, backends chosen by the registry, and
the fallback for any backend that gives up, whatever it is called."""

from __future__ import annotations

import pytest

from policypulse.errors import ConfigError
from policypulse.summaries import registry
from policypulse.summaries.backends import Draft, Options, SummaryError, SummaryRequest, Usage
from policypulse.summaries.guard import Failure
from policypulse.summaries.llm import LlmBackend
from policypulse.summaries.services import make_backend, produce

SHORT = SummaryRequest(
    "Housing First",
    "Housing First is a homelessness intervention for rough sleepers with complex needs. "
    "The evaluation found that 78 per cent of residents were still housed after a year.",
    "Ministry of Housing, Communities and Local Government",
)
SOURCE = "\n\n".join([SHORT.publisher, SHORT.title, SHORT.text])
REFUSED = {"backend": "scripted:m", "text": "A draft.", "checks": [
    {"rule": "number", "span": "99%", "message": "'99%' is not in the source"}]}  # fmt: skip


class GivesUp:
    """A third backend, unknown to the services: its drafts failed, so it raises."""

    name = "scripted"
    concurrency = 1

    def summarize(self, request: SummaryRequest, options: Options) -> Draft:
        usage = Usage("m", calls=2, outcome="fallback", drafts=[REFUSED])
        raise SummaryError(
            "failed twice", [Failure("number", "99%", "no")], rejected=[REFUSED], usage=usage
        )


class Scripted:
    """A backend that happens to share the extractive backend's name."""

    name = "extractive"
    concurrency = 1

    def summarize(self, request: SummaryRequest, options: Options) -> Draft:
        return Draft("The scripted summary.", self.name, notes=["a scripted note"])


def test_the_registry_is_keyed_by_the_names_pulse_toml_uses():
    assert set(registry.BACKENDS) == {"extractive", "llm"}
    assert all(name == cls.name for name, cls in registry.BACKENDS.items())
    assert registry.fallback().name == registry.FALLBACK == "extractive"
    with pytest.raises(ConfigError, match="unknown summariser backend 'gpt'; known: extractive"):
        registry.get_backend("gpt")


def test_the_extractive_backends_notes_come_back_from_its_one_method():
    draft = registry.get_backend("extractive").summarize(SHORT, Options())

    assert isinstance(draft, Draft) and draft.backend == "extractive"
    assert draft.notes and "too little" in draft.notes[0]
    produced = produce(SHORT, SOURCE, registry.get_backend("extractive"), Options())
    assert produced.text == draft.text
    assert any(f.rule == "source" and "too little" in f.message for f in produced.failures)


def test_any_backend_that_gives_up_is_replaced_by_the_fallback_keeping_what_it_refused():
    produced = produce(SHORT, SOURCE, GivesUp(), Options())

    assert produced.backend == "extractive"
    assert produced.text.startswith("This ")
    assert produced.rejected == [REFUSED]
    assert produced.usage is not None and produced.usage.calls == 2


def test_the_backend_is_asked_through_its_method_not_by_its_name():
    produced = produce(SHORT, SOURCE, Scripted(), Options(min_words=2, max_words=10))

    assert produced.text == "The scripted summary."
    assert [f.message for f in produced.failures if f.rule == "source"] == ["a scripted note"]


def test_a_named_fallback_stands_in_for_a_backend_that_gives_up():
    produced = produce(SHORT, SOURCE, GivesUp(), Options(min_words=2), fallback=Scripted())

    assert produced.text == "The scripted summary."
    assert produced.rejected == [REFUSED]


@pytest.mark.django_db
def test_make_backend_builds_the_configured_backend_with_its_settings(config):
    config.summaries.backend = "llm"
    config.summaries.llm_model = "house-test-model"
    config.summaries.llm_concurrency = 3
    config.summaries.llm_retries = 1

    built = make_backend(config)

    assert isinstance(built, LlmBackend)
    assert (built.model_id, built.concurrency, built.retries) == ("house-test-model", 3, 1)
    assert make_backend(config, "extractive").concurrency == 1
    config.summaries.backend = "gpt"
    with pytest.raises(ConfigError, match="unknown summariser backend"):
        make_backend(config)
