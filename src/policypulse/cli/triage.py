"""pulse triage (and its evaluation)."""

from rich.table import Table

from policypulse.cli import cli, console, pass_state


@cli.command()
@pass_state
def triage(state) -> None:
    """Label publications: relevant?, sector, type. Editor decisions are kept."""
    from policypulse.triage.services import triage as run

    counts = run(state.config)
    table = Table(title="Triage")
    table.add_column("sector")
    table.add_column("items", justify="right")
    for key, count in sorted(counts.items()):
        table.add_row(key, str(count))
    console.print(table)
