"""The house-style prompt for the llm backend: rules, few-shot examples, the source, and the
retry that names the guard's failures. Pure functions over strings, so tests can read them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

SYSTEM = """You write the summaries in a monthly research and policy digest for professionals \
in social care, children's services and criminal justice.

House style:
- One paragraph of {min_words} to {max_words} words, neutral, third person, past or present \
tense. Open with what the publication is and does ("This report looks at ...", "This \
evaluation reports that ..."), then two to four of its key findings or recommendations with \
their key figures, and a caveat if the publication gives one.
- Every number, percentage, amount of money, date, organisation and quotation must be copied \
exactly from the publication's text. Never add a figure, name or date that is not in it. \
If unsure, leave the figure out.
- Spell out an acronym once where the text defines it: "Independent Fostering Agencies (IFA)".
- No first person, no opinions of your own, no marketing or evaluative words ({opinion}), no \
links, no headings, no bullet points.
- Reply with the summary paragraph only."""


@dataclass(frozen=True)
class SummaryExample:
    """An editor's summary of a publication, shown to the model as house style."""

    publisher: str
    title: str
    summary: str


def bundled_examples() -> list[SummaryExample]:
    """The editors' summaries shipped with PolicyPulse (from a real monthly digest)."""
    text = resources.files("policypulse.summaries").joinpath("examples.jsonl").read_text("utf-8")
    rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    return [SummaryExample(row["publisher"], row["title"], row["summary"]) for row in rows]


def system_prompt(min_words: int, max_words: int, opinion_words: list[str] | tuple) -> str:
    opinion = ", ".join(f'"{word}"' for word in list(opinion_words)[:8]) or '"excellent"'
    return SYSTEM.format(min_words=min_words, max_words=max_words, opinion=opinion)


def user_prompt(
    *, title: str, publisher: str, text: str, examples: list[SummaryExample], max_chars: int
) -> str:
    parts = []
    for number, example in enumerate(examples, start=1):
        parts.append(
            f"Example {number}\nPublication: {example.publisher}. {example.title}\n"
            f"Summary: {example.summary}"
        )
    if len(text) > max_chars:
        text = text[:max_chars].rsplit(" ", 1)[0] + " [...]"
    parts.append(
        f"Now summarise this publication.\nPublisher: {publisher}\nTitle: {title}\n"
        f"Text:\n<<<\n{text}\n>>>"
    )
    return "\n\n".join(parts)


def revision_prompt(first_prompt: str, draft: str, failures: list) -> str:
    """The second and last try: the draft and what the guard found wrong with it."""
    problems = "\n".join(f"- {f.rule}: {f.message} (in: {f.span!r})" for f in failures)
    return (
        f"{first_prompt}\n\nYour previous summary was:\n<<<\n{draft}\n>>>\n"
        f"It failed these checks:\n{problems}\n"
        "Write the summary again so that it passes every check: use only figures, names and "
        "quotations that appear in the text, and keep within the word limits."
    )
