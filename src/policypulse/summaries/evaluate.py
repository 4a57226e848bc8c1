"""`pulse eval summarize`: a backend against editors' reference summaries.

Input lines are `{"id", "title", "publisher", "text", "summary"}`. The report gives mean ROUGE
F1 x 100 (rouge-score, with stemming; rougeLsum over sentences split one a line), the word
counts, the share within the word budget, and the share of summaries whose every figure is in
the source (title, publisher and text: the opening may quote the metadata). `baseline="lead"`
adds the same metrics for the text's first sentences up to the same budget, in the same run.
"""

from __future__ import annotations

from pathlib import Path
from statistics import mean

from policypulse.errors import GoldFileError, PulseError  # noqa: F401 - GoldFileError: read_gold
from policypulse.gold import read_gold_lines
from policypulse.summaries.backends import Backend, Options, SummaryRequest
from policypulse.summaries.extractive import lead
from policypulse.summaries.guard import ungrounded_figures
from policypulse.summaries.text import split_sentences, word_count

BASELINES = ("lead",)


def read_gold(path: Path) -> list[dict]:
    return read_gold_lines(path, ("id", "text", "summary"))


def gold_source(item: dict) -> str:
    """What a summary of a gold item may draw on."""
    return "\n\n".join(part for part in (item.get("publisher"), item.get("title"), item["text"])
                       if part)  # fmt: skip


def document_of(item: dict) -> SummaryRequest:
    return SummaryRequest(
        title=item.get("title", ""),
        text=item["text"],
        publisher=item.get("publisher", ""),
        type=item.get("type", "report"),
    )


def _scorer():
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeLsum"], use_stemmer=True)


def metrics(items: list[dict], summaries: list[str], name: str, options: Options) -> dict:
    scorer = _scorer()
    rows, scores = [], []
    for item, summary in zip(items, summaries, strict=True):
        score = scorer.score(
            "\n".join(split_sentences(item["summary"])), "\n".join(split_sentences(summary))
        )
        scores.append(score)
        rows.append(
            {
                "id": item["id"],
                "summary": summary,
                "rouge1": round(score["rouge1"].fmeasure * 100, 2),
                "ungrounded": ungrounded_figures(summary, gold_source(item)),
            }
        )
    counts = [word_count(summary) for summary in summaries]
    return {
        "n": len(items),
        "backend": name,
        "rouge1": round(mean(s["rouge1"].fmeasure for s in scores) * 100, 2),
        "rouge2": round(mean(s["rouge2"].fmeasure for s in scores) * 100, 2),
        "rougeLsum": round(mean(s["rougeLsum"].fmeasure for s in scores) * 100, 2),
        "words": {"mean": round(mean(counts), 1), "min": min(counts), "max": max(counts)},
        "within_bounds": round(
            mean(options.min_words <= count <= options.max_words for count in counts), 3
        ),
        "numbers_grounded": round(mean(not row["ungrounded"] for row in rows), 3),
        "items": rows,
    }


def evaluate(
    items: list[dict],
    backend: Backend,
    options: Options,
    *,
    baseline: str | None = None,
    summarize=None,
    summaries: list[str] | None = None,
    name: str | None = None,
) -> dict:
    """The report for one backend (and the baseline beside it). `summarize(request)` may
    replace the bare backend call, so the services' guard and fallback are what is measured."""
    if summaries is None:  # else written already (e.g. cross-validated, learning.py)
        run = summarize or (lambda request: backend.summarize(request, options).text)
        summaries = [run(document_of(item)) for item in items]
    report = metrics(items, summaries, name or backend.name, options)
    if baseline:
        if baseline not in BASELINES:
            raise PulseError(f"unknown baseline {baseline!r}; known: {', '.join(BASELINES)}")
        leads = [lead(item["text"], options.max_words) for item in items]
        report["baseline"] = metrics(items, leads, baseline, options)
    return report
