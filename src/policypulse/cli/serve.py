"""pulse serve, pulse worker."""

import click

from policypulse.cli import cli, pass_state


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_state
def serve(state, host: str, port: int) -> None:
    """Run the web app (admin now; the editor app and public archive as they land)."""
    from django.core.management import call_command

    state.workspace()
    call_command("runserver", f"{host}:{port}", use_reloader=False)


@cli.command()
@click.option("--once", is_flag=True, help="Run the queued tasks, then stop.")
@pass_state
def worker(state, once: bool) -> None:
    """Run background tasks queued by the web app and the CLI (django.tasks database backend)."""
    from django.core.management import call_command

    state.workspace()
    args = ["--batch"] if once else []
    call_command("db_worker", *args)
