"""The llm backend against an OpenAI-compatible server on 127.0.0.1: the prompt, retries with
backoff, the guard, the retry with failures named, the extractive fallback and the cost log.
Not the model's quality: the server's replies are scripted."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from policypulse.summaries.backends import Options, SummaryError, SummaryRequest
from policypulse.summaries.llm import LlmBackend
from policypulse.summaries.prompts import bundled_examples
from policypulse.summaries.services import produce

SOURCE_TEXT = (
    "Key findings\n\n"
    "The evaluation of the Family Support Pilot found that 38 per cent of families had fewer "
    "contacts with children's social care after twelve months. The pilot ran in 14 local "
    "authorities between 2019 and 2022 and cost £4.2 million. Two thirds of practitioners said "
    "the model helped them build trust with parents. The report recommends that the "
    "Department for Education extends the pilot to a further 20 areas, and that councils share "
    "their data on repeat referrals every quarter. Families with a history of domestic abuse "
    "benefited the least, and the evaluators found no effect on school attendance."
)
GOOD = (
    "This evaluation of the Family Support Pilot, which ran in 14 local authorities between "
    "2019 and 2022 at a cost of £4.2 million, found that 38% of families had fewer contacts "
    "with children's social care after twelve months. Two thirds of practitioners said the "
    "model helped them build trust with parents, although families with a history of domestic "
    "abuse benefited the least. It recommends that the Department for Education extends the "
    "pilot to a further 20 areas and that councils share their data on repeat referrals."
)
BAD = GOOD.replace("38%", "39%")
DOCUMENT = SummaryRequest(
    "Evaluation of the Family Support Pilot", SOURCE_TEXT, "Department for Education"
)
SOURCE = "\n\n".join([DOCUMENT.publisher, DOCUMENT.title, DOCUMENT.text])


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def backend(model: str, sleeps: Sleeps | None = None, **settings) -> LlmBackend:
    settings.setdefault("examples", bundled_examples()[:2])
    return LlmBackend(model, sleep=sleeps if sleeps is not None else Sleeps(), **settings)


def test_good_draft_passes_and_the_prompt_carries_house_style_examples_and_source(
    chat_server, llm_model
):
    chat_server.script = [GOOD]
    summarizer = backend(llm_model)

    draft = summarizer.summarize(DOCUMENT, Options())
    assert (draft.text, draft.backend, draft.rejected) == (GOOD, "llm", [])

    messages = chat_server.requests[0]["messages"]
    system = next(m["content"] for m in messages if m["role"] == "system")
    user = next(m["content"] for m in messages if m["role"] == "user")
    assert "70 to 120 words" in system and "copied exactly" in system
    example = bundled_examples()[0]
    assert example.title in user and example.summary in user
    assert "38 per cent of families" in user and "Title: Evaluation of the Family" in user
    assert chat_server.requests[0]["model"] == "house-test-model"
    usage = draft.usage
    assert (usage.calls, usage.input_tokens, usage.output_tokens) == (1, 1000, 100)
    assert usage.outcome == "accepted"


def test_failed_requests_are_retried_with_exponential_backoff(chat_server, llm_model):
    chat_server.script = [(503, "busy"), (503, "busy"), GOOD]
    sleeps = Sleeps()

    draft = backend(llm_model, sleeps, backoff_seconds=1.5).summarize(DOCUMENT, Options())

    assert draft.text == GOOD
    assert sleeps == [1.5, 3.0]
    assert len(chat_server.requests) == 3


def test_after_the_last_retry_the_backend_gives_up_and_the_extractive_summary_stands_in(
    chat_server, llm_model
):
    chat_server.script = [(500, "down")] * 3
    sleeps = Sleeps()
    summarizer = backend(llm_model, sleeps, retries=2, backoff_seconds=1)

    with pytest.raises(SummaryError) as raised:
        summarizer.summarize(DOCUMENT, Options())
    assert sleeps == [1, 2]
    assert (raised.value.usage.calls, raised.value.usage.outcome) == (3, "error")

    chat_server.script = [(500, "down")] * 3
    produced = produce(DOCUMENT, SOURCE, summarizer, Options())
    assert produced.backend == "extractive"
    assert produced.text.startswith("This evaluation by the Department for Education")
    assert produced.rejected[0]["checks"][0]["rule"] == "error"


def test_a_draft_failing_the_guard_is_retried_once_with_its_failures_named(chat_server, llm_model):
    chat_server.script = [BAD, GOOD]
    summarizer = backend(llm_model)

    draft = summarizer.summarize(DOCUMENT, Options())
    assert draft.text == GOOD

    retry = next(m["content"] for m in chat_server.requests[1]["messages"] if m["role"] == "user")
    assert "Your previous summary was" in retry and BAD in retry
    assert "'39%' is not in the source" in retry
    usage = draft.usage
    assert usage.outcome == "revised" and usage.calls == 2
    assert usage.drafts[0]["checks"][0]["span"] == "39%"
    assert draft.rejected == usage.drafts  # the refused draft reaches the editor


def test_two_failing_drafts_are_replaced_by_the_extractive_summary(chat_server, llm_model):
    chat_server.script = [BAD, BAD.replace("twelve", "twelve") + " We think it is excellent."]
    summarizer = backend(llm_model)

    produced = produce(DOCUMENT, SOURCE, summarizer, Options())

    assert len(chat_server.requests) == 2
    assert produced.backend == "extractive"
    assert "39%" not in produced.text and "38 per cent" in produced.text
    assert produced.usage.outcome == "fallback"
    first, second = produced.rejected
    assert {c["rule"] for c in first["checks"]} == {"number"}
    assert {"number", "first-person", "opinion"} <= {c["rule"] for c in second["checks"]}
    assert any(c["span"] == "excellent" for c in second["checks"])


def test_an_unknown_model_is_a_configuration_error(llm_model):
    from policypulse.errors import ConfigError

    with pytest.raises(ConfigError, match="knows no model"):
        backend("no-such-model-here").summarize(DOCUMENT, Options())
    with pytest.raises(ConfigError, match="llm_model is empty"):
        LlmBackend("")


@pytest.fixture
def llm_config(config, llm_model):
    config.summaries.backend = "llm"
    config.summaries.llm_model = llm_model
    config.summaries.llm_concurrency = 3
    config.summaries.llm_input_cost_per_million = 2.5
    config.summaries.llm_output_cost_per_million = 10.0
    return config


def _publication(slug: str, published: datetime.date, text: str = SOURCE_TEXT):
    from policypulse.catalogue.models import Publication
    from policypulse.triage.models import TriageLabel

    publication = Publication.objects.create(
        url=f"https://example.org/{slug}", canonical_url=f"https://example.org/{slug}",
        title=DOCUMENT.title + f" {slug}", publisher=DOCUMENT.publisher, text=text,
        published=published,
    )  # fmt: skip
    TriageLabel.objects.create(publication=publication, relevant=True, type="report")
    return publication


@pytest.mark.django_db(transaction=True)
def test_summarize_with_llm_logs_tokens_and_cost_per_edition_and_keeps_editors_text(
    chat_server, llm_config
):
    from policypulse.summaries.models import LlmUsage, Summary
    from policypulse.summaries.services import summarize, usage_by_edition

    chat_server.default = GOOD
    chat_server.rules = [("Pilot o1", [BAD, BAD])]  # its drafts both fail: it falls back
    november = [_publication(f"n{i}", datetime.date(2026, 11, 3)) for i in range(4)]
    _publication("o1", datetime.date(2026, 10, 20))
    edited = november[0]
    Summary.objects.create(publication=edited, text="The editor's words.", backend="editor",
                           edited_by_editor=True)  # fmt: skip

    assert summarize(llm_config, force=True, sleep=Sleeps()) == 4

    assert Summary.objects.get(publication=edited).text == "The editor's words."
    backends = sorted(
        Summary.objects.exclude(pk=edited.summary.pk).values_list("backend", flat=True)
    )
    assert backends == ["extractive", "llm", "llm", "llm"]
    fallback = Summary.objects.get(backend="extractive")
    assert fallback.rejected and fallback.rejected[0]["checks"][0]["rule"] == "number"
    assert LlmUsage.objects.count() == 4
    rows = {row["edition_month"]: row for row in usage_by_edition()}
    assert set(rows) == {"2026-11", "2026-10"}
    assert rows["2026-11"]["summaries"] == 3 and rows["2026-11"]["calls"] == 3
    assert rows["2026-11"]["input_tokens"] == 3000 and rows["2026-11"]["output_tokens"] == 300
    assert rows["2026-11"]["cost"] == Decimal("0.0105")  # 3000 x 2.5 / 1e6 + 300 x 10 / 1e6
    assert (rows["2026-10"]["summaries"], rows["2026-10"]["calls"]) == (1, 2)
    assert LlmUsage.objects.get(edition_month="2026-10").outcome == "fallback"
    # the first prompt's examples are the editor's own summary, then the bundled ones
    user = next(m["content"] for m in chat_server.requests[0]["messages"] if m["role"] == "user")
    assert "The editor's words." in user


def test_pulse_eval_summarize_runs_the_llm_backend_with_this_workspaces_editor_examples(
    chat_server, llm_model, tmp_path
):
    import json
    import os
    import re

    from tests.clitools import pulse, run_python

    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    toml = workspace / "pulse.toml"
    toml.write_text(re.sub(r'(?m)^llm_model = ""$', f'llm_model = "{llm_model}"', toml.read_text()))
    editor_words = "This evaluation by the Department for Education looks at kinship carers."
    run_python(["-m", "tests.summaries.helpers", str(workspace), editor_words])
    gold = tmp_path / "gold.jsonl"
    source = ("Key findings\n• The survey of 1,250 carers found that 38 per cent had cut their "
              "working hours.\n• Two thirds of carers said they had not had a break.")  # fmt: skip
    gold.write_text(json.dumps({"id": "g1", "title": "State of caring", "publisher": "Carers Trust",
                                "text": source, "summary": "The survey found that 38 per cent "
                                "of carers had cut their working hours."}) + "\n")  # fmt: skip
    chat_server.default = (
        "This survey by Carers Trust looks at carers. " + "It found that "
        "38 per cent of carers had cut their working hours. " * 8
    ).strip()
    env = {"LLM_USER_PATH": os.environ["LLM_USER_PATH"]}
    result = pulse("eval", "summarize", "--gold", gold, "--backend", "llm", "--baseline", "lead",
                   "--json", workspace=workspace, env=env)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert report["backend"] == "llm" and report["n"] == 1 and report["baseline"]["n"] == 1
    assert report["items"][0]["summary"] == chat_server.default  # the model's, not a fallback
    assert report["numbers_grounded"] == 1
    prompt = json.dumps(chat_server.requests[0])
    assert editor_words in prompt  # the workspace editor's own summary is the first example
    assert prompt.index(editor_words) < prompt.index("State of caring")
