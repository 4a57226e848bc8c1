"""pulse summarize (and its evaluation)."""

import click

from policypulse.cli import cli, console, pass_state


@cli.command()
@click.option("--force", is_flag=True, help="Re-summarise items that already have a summary.")
@pass_state
def summarize(state, force: bool) -> None:
    """Summarise relevant publications in house style and check every figure."""
    from policypulse.summaries.services import summarize as run

    done = run(state.config, force=force)
    console.print(f"Summarised {done} publication(s).")
