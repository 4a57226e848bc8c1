"""pulse serve, pulse worker, pulse schedule, pulse backup/restore: running it as a service."""

import json
from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes (each with 4 threads).")  # fmt: skip
@click.option("--dev", is_flag=True, help="Django's development server instead of gunicorn.")
@pass_state
def serve(state, host: str, port: int, workers: int, dev: bool) -> None:
    """Run the web app: the editor at /editor/, the public archive at /, /healthz.

    gunicorn with static files served by WhiteNoise, on the loopback address by default; put a
    TLS reverse proxy in front of it for a public site (docs/deploying.md).

    \b
    Examples:
      pulse serve
      pulse -w ~/digest serve --port 8080 --workers 4
    """
    from django.core.management import call_command

    workspace = state.workspace()
    output.say(
        "Editor: http://{}:{}/editor/  (create an account with "
        "`pulse users create EMAIL --role editor`)", host, port,
    )  # fmt: skip
    if dev:
        call_command("runserver", f"{host}:{port}", use_reloader=False, skip_checks=True)
        return
    from policypulse.service.server import run_gunicorn

    if workspace is not None:
        call_command("collectstatic", interactive=False, verbosity=0)
    run_gunicorn(host, port, workers)


@cli.command()
@click.option("--once", is_flag=True, help="Run the queued tasks, then stop (no scheduler).")
@click.option("--no-schedule", is_flag=True, help="Run queued tasks only, not [schedule].")
@pass_state
def worker(state, once: bool, no_schedule: bool) -> None:
    """Run background tasks and the [schedule] (one scheduler is active at a time; with
    PULSE_REDIS_URL this is an RQ worker, and any number may run on any machine).

    \b
    Examples:
      pulse worker
      pulse worker --once
    """
    from django.conf import settings
    from django.core.management import call_command

    from policypulse.service.scheduler import start_in_thread

    state.workspace()
    stop = None if once or no_schedule else start_in_thread(settings.PULSE)
    try:
        if "rq" in settings.TASKS["default"]["BACKEND"].lower():
            args = ["--burst"] if once else []
            # django-tasks-rq's Job class runs a django.tasks Task (RQ's own calls it as a
            # plain function and fails); the RQ scheduler moves delayed tasks (run_after).
            call_command("rqworker", "default", *args, "--with-scheduler",
                         "--job-class", RQ_JOB_CLASS)  # fmt: skip
        else:
            call_command("db_worker", *(["--batch"] if once else []))
    finally:
        if stop is not None:
            stop.set()


@cli.group()
def schedules() -> None:
    """The jobs `pulse worker` runs on its own ([schedule] in pulse.toml).

    \b
    Examples:
      pulse schedules list
      pulse schedules run harvest
    """


@schedules.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def schedule_list(state, as_json: bool) -> None:
    """Each scheduled job with its next and last run.

    \b
    Examples:
      pulse schedules list
      pulse schedules list --json
    """
    from policypulse.service.health import check

    _, report = check()
    if as_json:
        click.echo(json.dumps(report["schedules"]))
        return
    rows = [
        (name, job["cron"], job["next_run"] or "", job["last_run"] or "never",
         job["last_status"] or "")
        for name, job in report["schedules"].items()
    ]  # fmt: skip
    output.show(output.table(["job", "cron", "next run", "last run", "status"], rows))
    if not report["schedules"]:
        output.say("Nothing is scheduled: see \\[schedule] in pulse.toml.")


@schedules.command("run")
@click.argument("job", type=click.Choice(["harvest", "reminder", "send", "backup"]))
@click.option("--queue", is_flag=True, help="Queue it for the workers instead of running here.")
@pass_state
def schedule_run(state, job: str, queue: bool) -> None:
    """Run a scheduled job now, as the scheduler would (once per minute, whoever asks).

    \b
    Examples:
      pulse schedules run harvest
      pulse schedules run backup --queue
    """
    from django.utils import timezone

    from policypulse.service import schedules
    from policypulse.service.tasks import run_scheduled_task

    due = schedules.run_key(timezone.now()).isoformat()
    if queue:
        run_scheduled_task.enqueue(job, due)
        output.say("Queued {}.", job)
    else:
        output.say("{}", run_scheduled_task.call(job, due))


@cli.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@pass_state
def backup_command(state, file: Path) -> None:
    """Write a consistent backup of the database, pulse.toml and the secret key to FILE
    (safe while the web app and workers run). FILE holds a secret: keep it private.

    \b
    Examples:
      pulse backup pulse-2026-11.tar.gz
    """
    from policypulse.service.backup import backup

    manifest = backup(state.workspace(), file)
    output.say("Backed up the {} database to {}", manifest["database"], file)
    output.warn(
        "Warning: the backup holds the workspace's secret key; store it as privately as the server."
    )


@cli.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def restore_command(file: Path, directory: Path) -> None:
    """Make a working workspace in DIRECTORY from a `pulse backup` FILE.

    \b
    Examples:
      pulse restore pulse-2026-11.tar.gz ~/digest-restored
    """
    from policypulse.service.backup import restore

    manifest = restore(file, directory)
    output.say(
        "Restored a {} workspace into {}: pulse --workspace {} serve",
        manifest["database"], directory, directory,
    )  # fmt: skip
