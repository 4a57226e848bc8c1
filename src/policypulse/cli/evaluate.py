"""pulse eval: quality measurements; each stage adds its own command to this group."""

from policypulse.cli.app import cli


@cli.group("eval")
def evaluate() -> None:
    """Measure triage and summaries against an editor's gold file.

    \b
    Examples:
      pulse eval classify --gold labelled.jsonl
      pulse eval summarize --gold summaries.jsonl --baseline lead
    """
