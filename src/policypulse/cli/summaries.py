"""pulse summarize, and pulse eval summarize."""

from __future__ import annotations

import json
from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state, pass_state_lazy
from policypulse.cli.evaluate import evaluate


@cli.command()
@click.option("--force", is_flag=True, help="Re-summarise items that already have a summary "
              "(an editor's summary is never replaced).")  # fmt: skip
@click.option("--usage", is_flag=True, help="Show the llm backend's tokens and cost per "
              "edition month instead of summarising.")  # fmt: skip
@pass_state
def summarize(state, force: bool, usage: bool) -> None:
    """Summarise relevant publications in house style and check every figure.

    \b
    Examples:
      pulse summarize
      pulse summarize --usage
    """
    from policypulse.summaries import services

    if usage:
        output.show(output.table(
            ("edition", "model", *((column, "right") for column in
                                   ("summaries", "calls", "input", "output", "cost"))),
            ([row["edition_month"], row["model"], row["summaries"], row["calls"],
              row["input_tokens"], row["output_tokens"], f"{row['cost']:.4f}"]
             for row in services.usage_by_edition()),
            title="Language model usage per edition",
        ))  # fmt: skip
        return
    done = services.summarize(state.config, force=force)
    output.say("Summarised {} publication(s).", done)


@evaluate.command("summarize")
@click.option("--gold", "gold", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='JSON lines: {"id", "title", "publisher", "text", "summary"}.')  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--backend", default=None, help="Backend to measure (default: the configured).")
@click.option("--baseline", type=click.Choice(["lead"]), default=None,
              help="Measure the lead baseline in the same run, side by side.")  # fmt: skip
@click.option("--folds", type=click.IntRange(min=2), default=None,
              help="Extractive with a sentence scorer learned from the gold itself, each item "
              "summarised by a scorer trained on the other folds only.")  # fmt: skip
@click.option("--learning-curve", "curve", is_flag=True,
              help="Train the scorer on the first k gold items (k = 0, 10, 30) and score the "
              "rest: what the editor's own summaries teach it.")  # fmt: skip
@pass_state_lazy
def eval_summarize(state, gold: Path, as_json: bool, backend: str | None, baseline: str | None,
                   folds: int | None, curve: bool):  # fmt: skip
    """ROUGE against editors' summaries, word bounds and grounded figures.

    \b
    Examples:
      pulse eval summarize --gold summaries.jsonl --baseline lead --json
      pulse eval summarize --gold summaries.jsonl --baseline lead --folds 5
    """
    from policypulse.summaries import evaluate as evaluation
    from policypulse.summaries import learning
    from policypulse.summaries.extractive import Extractive
    from policypulse.workspace import default_config

    items = evaluation.read_gold(gold)
    workspace = state.workspace_or_none()
    config = workspace.config if workspace else default_config()
    from policypulse.summaries import services  # needs Django, started just above

    chosen = services.make_backend(config, backend)
    options = services.options_from(config)

    def run(document):
        item_source = "\n\n".join([document.publisher, document.title, document.text])
        return services.produce(document, item_source, chosen, options).text

    def run_learned(document, scorer):
        item_source = "\n\n".join([document.publisher, document.title, document.text])
        return services.produce(document, item_source, Extractive(scorer), options).text

    if curve:
        ks = [k for k in (0, 10, 30) if k < len(items)]
        try:
            rows = learning.learning_curve(items, options, ks, summarize=run_learned)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        if as_json:
            click.echo(json.dumps(rows, indent=2))
            return
        output.show(output.table(
            ("k", ("scored", "right"), ("rouge1", "right"), ("rouge2", "right"),
             ("rougeLsum", "right")),
            [[row["k"], row["scored"], row["rouge1"], row["rouge2"], row["rougeLsum"]]
             for row in rows],
            title=f"Scorer trained on the first k of {gold.name}",
        ))  # fmt: skip
        return
    summaries = None
    name = None
    if folds:
        summaries = learning.cross_validated(items, options, folds, summarize=run_learned)
        name = f"extractive-learned-{folds}fold"
    report = evaluation.evaluate(items, chosen, options, baseline=baseline, summarize=run,
                                 summaries=summaries, name=name)  # fmt: skip
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return
    reports = [report] + ([report["baseline"]] if "baseline" in report else [])
    keys = ("rouge1", "rouge2", "rougeLsum", "within_bounds", "numbers_grounded")
    rows = [[key, *(each[key] for each in reports)] for key in keys]
    rows.append(["words (mean)", *(each["words"]["mean"] for each in reports)])
    output.show(output.table(
        ("", *((each["backend"], "right") for each in reports)), rows,
        title=f"Summaries against {gold.name} ({report['n']} items)",
    ))  # fmt: skip
