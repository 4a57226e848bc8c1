"""pulse serve, pulse worker."""

import click

from policypulse.cli import cli, console, pass_state


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@pass_state
def serve(state, host: str, port: int) -> None:
    """Run the web app: the editor at /editor/, the public archive at /.

    Django's threaded development server, on the loopback address by default; for a public
    deployment put the app behind gunicorn or uvicorn and a web server (docs/deploying)."""
    from django.core.management import call_command

    state.workspace()
    console.print(
        f"Editor: http://{host}:{port}/editor/  (create an account with "
        "`pulse users create EMAIL --role editor`)"
    )
    call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)


@cli.command()
@click.option("--once", is_flag=True, help="Run the queued tasks, then stop.")
@pass_state
def worker(state, once: bool) -> None:
    """Run background tasks queued by the web app and the CLI (django.tasks database backend)."""
    from django.core.management import call_command

    state.workspace()
    args = ["--batch"] if once else []
    call_command("db_worker", *args)
