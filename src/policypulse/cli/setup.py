"""pulse init, pulse config show."""

from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a workspace in DIRECTORY: a commented pulse.toml and the SQLite database.

    \b
    Examples:
      pulse init ~/digest
      pulse init . && pulse sources add https://example.org/publications.rss
    """
    from policypulse import runtime
    from policypulse.workspace import create_workspace

    workspace = create_workspace(directory)
    runtime.start(workspace.root.resolve())
    output.say("Created workspace [bold]{}[/]: edit {}", directory, workspace.config_path)
    output.say("Next: `pulse sources add URL`, then `pulse harvest`.")


@cli.group()
def config() -> None:
    """Inspect the workspace's configuration.

    \b
    Examples:
      pulse config show
      pulse -w ~/digest config show
    """


@config.command("show")
@pass_state
def config_show(state) -> None:
    """Print the effective configuration as JSON, secrets masked.

    \b
    Examples:
      pulse config show
      PULSE_SMTP_URL=smtp://user:secret@mail.example.org:587 pulse config show
    """
    from policypulse.workspace import effective_config

    output.show_json(effective_config(state.config))
