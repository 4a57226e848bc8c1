"""pulse triage (train, explain) and pulse eval classify."""

from __future__ import annotations

import json
from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state, pass_state_lazy
from policypulse.cli.evaluate import evaluate


@cli.group(invoke_without_command=True)
@pass_state
@click.pass_context
def triage(ctx: click.Context, state) -> None:
    """Label publications: relevant?, sector, type. Editor decisions are kept.

    \b
    Examples:
      pulse triage
      pulse triage explain 42
    """
    if ctx.invoked_subcommand is not None:
        return
    from policypulse.triage.services import triage as run

    counts = run(state.config)
    output.show(
        output.table(("sector", ("items", "right")), sorted(counts.items()), title="Triage")
    )


@triage.command("train")
@pass_state
def triage_train(state) -> None:
    """Retrain on the bundled examples and every editor decision in this workspace.

    \b
    Examples:
      pulse triage train
      pulse triage train && pulse triage
    """
    from policypulse.triage.services import train_model

    row = train_model(state.config)
    output.say(
        "Trained {} on {} examples ({} editor decisions). `pulse triage` uses it from now on.",
        row.version, row.examples, row.editor_examples,
    )  # fmt: skip


@triage.command("explain")
@click.argument("publication_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@pass_state
def triage_explain(state, publication_id: int, as_json: bool) -> None:
    """Why publication ID landed where it did: scores, type rule, hints, nearest examples.

    \b
    Examples:
      pulse triage explain 42
      pulse triage explain 42 --json
    """
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
            "hints": why.hints, "settings": why.settings, "notes": why.notes,
            "neighbours": why.neighbours,
        }  # fmt: skip
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    output.say("[bold]{}[/] (id {})", publication.heading, publication.pk)
    if stored is not None and stored.decided_by == TriageLabel.DecidedBy.EDITOR:
        output.say("Editor's decision (kept): {} / {}, {}", stored.sector, stored.type,
                   stored.decision)  # fmt: skip
    output.say("Model {}: {} / {}, relevance {:.2f}", why.model_version, labels.sector,
               labels.type, labels.relevance)  # fmt: skip
    scores = ", ".join(f"{k} {v:.2f}" for k, v in labels.sector_scores.items())
    output.say("Sector probabilities: {}", scores)
    output.say("Type: {}", labels.type_reason)
    for key, found in why.hints.items():
        parts = [f"+{h}" for h in found["include"]] + [f"-{h}" for h in found["exclude"]]
        output.say("Hints for {}: {}", key, ", ".join(parts))
    for key, phrases in why.settings.items():
        output.say("Setting ({}): {}", key, ", ".join(phrases))
    for note in why.notes:
        output.say("Scope note ({}, similarity {:.2f}): {}", note["sector"], note["similarity"],
                   note["title"])  # fmt: skip
    output.show(output.table(
        (("similarity", "right"), "sector", "type", "from", "title"),
        ([f"{n['similarity']:.2f}", n["sector"], n["type"] or "", n["origin"],
          f"{n['publisher']}. {n['title']}"] for n in why.neighbours),
        title="Nearest labelled examples",
    ))  # fmt: skip


@evaluate.command("classify")
@click.option("--gold", "gold", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help='JSON lines: {"id", "title", "publisher", "text", "sector", "type"}.')  # fmt: skip
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--loo", is_flag=True, help="Leave-one-out: train on the gold file too, each "
              "item predicted by a model that never saw it.")  # fmt: skip
@click.option("--train", "train_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Labelled items (same format) taught as editor decisions before scoring "
              "the gold; items in both files are not scored.")  # fmt: skip
@click.option(
    "--curve",
    is_flag=True,
    help="A learning curve: sector, type and relevance "
    "after k = 0, 10, 20 and 40 corrections drawn from the gold, the rest scored.",
)
@click.option(
    "--uncertain-first",
    is_flag=True,
    help="With --curve: correct the items the "
    "model is least sure of first (as the review queue's uncertainty sort does).",
)
@click.option("--folds", type=click.IntRange(1, 20), default=None,
              help="Split the gold by publisher into this many folds: with --curve each fold "
              "in turn is the month's pool and the model starts from the others; held out, "
              "each fold is scored by a model that never saw it (5 by default when the gold "
              "holds bundled examples, as the borderline set does).")  # fmt: skip
@pass_state_lazy
def eval_classify(state, gold: Path, as_json: bool, loo: bool, train_file: Path | None,
                  curve: bool, uncertain_first: bool, folds: int | None) -> None:  # fmt: skip
    """Sector, type and relevance against an editor's labels (with or without a workspace).

    \b
    Examples:
      pulse eval classify --gold labelled.jsonl --loo --json
      pulse eval classify --gold labelled.jsonl --curve --uncertain-first --folds 2
    """
    from policypulse.triage import evaluate as evaluation
    from policypulse.workspace import default_config

    items = evaluation.read_gold(gold)
    corrections = evaluation.read_gold(train_file) if train_file else None
    workspace = state.workspace_or_none()
    config = workspace.config if workspace else default_config()
    from policypulse.triage import services  # needs Django, started just above
    from policypulse.triage.embeddings import get_embedder
    from policypulse.triage.sector_model import Taxonomy

    embed = get_embedder(config.triage.embedding)
    threshold = config.triage.relevance_threshold
    base = services.bundled_examples() + (services.editor_examples() if workspace else [])
    taxonomy = Taxonomy.from_config(config)
    if curve:
        rows = evaluation.learning_curve(
            items, base, taxonomy, embed, threshold=threshold,
            order="uncertain" if uncertain_first else "random", folds=folds or 1,
        )  # fmt: skip
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        output.show(output.table(
            ("k", "draws", "scored", "sector macro-F1", "(k=0 on same)", "sector acc",
             "type acc", "relevance P", "relevance R"),
            ([r["k"], r["draws"], r["scored"], f"{r['sector_macro_f1']:.3f}",
              f"{r['sector_macro_f1_without']:.3f}",
              f"{r['sector_accuracy']:.3f}", f"{r['type_accuracy']:.3f}",
              f"{r['relevance_precision']:.3f}", f"{r['relevance_recall']:.3f}"] for r in rows),
            title=f"Learning curve on {gold.name}",
        ))  # fmt: skip
        return
    if corrections is not None:
        result = evaluation.train_and_evaluate(
            items, corrections, base, taxonomy, embed, threshold=threshold
        )
    elif loo:
        result = evaluation.cross_validate(items, base, taxonomy, embed, threshold=threshold)
    elif folds or evaluation.overlaps(items, base):
        result = evaluation.held_out(items, base, taxonomy, embed, folds=folds or 5,
                                     threshold=threshold)  # fmt: skip
    else:
        model = services.current_model(config) if workspace else services.default_model_for(config)
        result = evaluation.evaluate(items, model, embed, threshold)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    _print_report(result, gold.name)


def _print_report(result: dict, name: str) -> None:
    sector, kind, relevance = result["sector"], result["type"], result["relevance"]
    output.say(
        "[bold]{}[/]: {} items. Sector accuracy {:.3f}, macro-F1 {:.3f}; type accuracy {:.3f}, "
        "macro-F1 {:.3f}; relevance P {:.3f} R {:.3f} F1 {:.3f}",
        name, result["n"], sector["accuracy"], sector["macro_f1"], kind["accuracy"],
        kind["macro_f1"], relevance["precision"], relevance["recall"], relevance["f1"],
    )  # fmt: skip
    for what in ("sector", "type"):
        output.show(output.table(
            ("class", *((column, "right") for column in ("precision", "recall", "f1", "support"))),
            ([key, f"{row['precision']:.3f}", f"{row['recall']:.3f}", f"{row['f1']:.3f}",
              row["support"]] for key, row in result[what]["per_class"].items()),
            title=what.title(),
        ))  # fmt: skip
    if result["errors"]:
        output.show(output.table(
            ("id", "gold", "predicted", "probability"),
            ([e["id"], e["gold"], e["predicted"], f"{e['score']:.2f}"] for e in result["errors"]),
            title="Errors",
        ))  # fmt: skip
