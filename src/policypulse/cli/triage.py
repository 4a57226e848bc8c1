"""pulse triage (train, explain) and pulse eval classify."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from policypulse.cli import cli, console, pass_state, pass_state_lazy
from policypulse.cli.evaluate import evaluate


@cli.group(invoke_without_command=True)
@pass_state
@click.pass_context
def triage(ctx: click.Context, state) -> None:
    """Label publications: relevant?, sector, type. Editor decisions are kept."""
    if ctx.invoked_subcommand is not None:
        return
    from policypulse.triage.services import triage as run

    counts = run(state.config)
    table = Table(title="Triage")
    table.add_column("sector")
    table.add_column("items", justify="right")
    for key, count in sorted(counts.items()):
        table.add_row(key, str(count))
    console.print(table)


@triage.command("train")
@pass_state
def triage_train(state) -> None:
    """Retrain on the bundled examples and every editor decision in this workspace."""
    from policypulse.triage.services import train_model

    row = train_model(state.config)
    console.print(
        f"Trained {escape(row.version)} on {row.examples} examples "
        f"({row.editor_examples} editor decisions). `pulse triage` uses it from now on."
    )


@triage.command("explain")
@click.argument("publication_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@pass_state
def triage_explain(state, publication_id: int, as_json: bool) -> None:
    """Why publication ID landed where it did: scores, type rule, hints, nearest examples."""
    from policypulse.triage.models import TriageLabel
    from policypulse.triage.services import explain_publication

    publication, why = explain_publication(state.config, publication_id)
    stored = TriageLabel.objects.filter(publication=publication).first()
    labels = why.labels
    if as_json:
        data = {
            "id": publication.pk, "title": publication.title,
            "model": {"sector": labels.sector, "type": labels.type,
                      "relevance": labels.relevance, "sector_scores": labels.sector_scores,
                      "type_reason": labels.type_reason, "version": why.model_version},
            "stored": None if stored is None else {
                "sector": stored.sector, "type": stored.type, "decided_by": stored.decided_by,
                "decision": stored.decision},
            "hints": why.hints, "neighbours": why.neighbours,
        }  # fmt: skip
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    console.print(f"[bold]{escape(publication.heading)}[/] (id {publication.pk})")
    if stored is not None and stored.decided_by == TriageLabel.DecidedBy.EDITOR:
        console.print(
            f"Editor's decision (kept): {escape(stored.sector)} / {escape(stored.type)}, "
            f"{stored.decision}"
        )
    console.print(
        f"Model {escape(why.model_version)}: {escape(labels.sector)} / {escape(labels.type)}, "
        f"relevance {labels.relevance:.2f}"
    )
    scores = ", ".join(f"{k} {v:.2f}" for k, v in labels.sector_scores.items())
    console.print(f"Sector probabilities: {escape(scores)}")
    console.print(f"Type: {escape(labels.type_reason)}")
    for key, found in why.hints.items():
        parts = [f"+{h}" for h in found["include"]] + [f"-{h}" for h in found["exclude"]]
        console.print(f"Hints for {escape(key)}: {escape(', '.join(parts))}")
    table = Table(title="Nearest labelled examples")
    for column in ("similarity", "sector", "type", "from", "title"):
        table.add_column(column, justify="right" if column == "similarity" else "left")
    for neighbour in why.neighbours:
        table.add_row(
            f"{neighbour['similarity']:.2f}", escape(neighbour["sector"]),
            escape(neighbour["type"] or ""), escape(neighbour["origin"]),
            escape(f"{neighbour['publisher']}. {neighbour['title']}"),
        )  # fmt: skip
    console.print(table)


@evaluate.command("classify")
@click.option("--gold", "gold", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='JSON lines: {"id", "title", "publisher", "text", "sector", "type"}.')  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--loo", is_flag=True, help="Leave-one-out: train on the gold file too, each "
              "item predicted by a model that never saw it.")  # fmt: skip
@pass_state_lazy
def eval_classify(state, gold: Path, as_json: bool, loo: bool) -> None:
    """Sector, type and relevance against an editor's labels (with or without a workspace)."""
    from policypulse.triage import evaluate as evaluation
    from policypulse.workspace import default_config

    items = evaluation.read_gold(gold)
    workspace = state.workspace_or_none()
    config = workspace.config if workspace else default_config()
    from policypulse.triage import services  # needs Django, started just above
    from policypulse.triage.embeddings import get_embedder
    from policypulse.triage.sector_model import Taxonomy

    embed = get_embedder(config.triage.embedding)
    threshold = config.triage.relevance_threshold
    if loo:
        base = services.bundled_examples() + (services.editor_examples() if workspace else [])
        result = evaluation.cross_validate(
            items, base, Taxonomy.from_config(config), embed, threshold=threshold
        )
    else:
        model = services.current_model(config) if workspace else services.default_model_for(config)
        result = evaluation.evaluate(items, model, embed, threshold)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_report(result, gold.name)


def _print_report(result: dict, name: str) -> None:
    console.print(
        f"[bold]{escape(name)}[/]: {result['n']} items. Sector accuracy "
        f"{result['sector']['accuracy']:.3f}, macro-F1 {result['sector']['macro_f1']:.3f}; "
        f"type accuracy {result['type']['accuracy']:.3f}, macro-F1 "
        f"{result['type']['macro_f1']:.3f}; relevance P {result['relevance']['precision']:.3f} "
        f"R {result['relevance']['recall']:.3f} F1 {result['relevance']['f1']:.3f}"
    )
    for what in ("sector", "type"):
        table = Table(title=what.title())
        for column in ("class", "precision", "recall", "f1", "support"):
            table.add_column(column, justify="left" if column == "class" else "right")
        for key, row in result[what]["per_class"].items():
            table.add_row(
                escape(key), f"{row['precision']:.3f}", f"{row['recall']:.3f}",
                f"{row['f1']:.3f}", str(row["support"]),
            )  # fmt: skip
        console.print(table)
    if result["errors"]:
        table = Table(title="Errors")
        for column in ("id", "gold", "predicted", "probability"):
            table.add_column(column)
        for error in result["errors"]:
            table.add_row(
                escape(error["id"]),
                escape(error["gold"]),
                escape(error["predicted"]),
                f"{error['score']:.2f}",
            )
        console.print(table)
