"""pulse init, pulse config show."""

from pathlib import Path

import click

from policypulse.cli import cli, console, pass_state


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a workspace in DIRECTORY: a commented pulse.toml and the SQLite database."""
    from policypulse import runtime
    from policypulse.workspace import create_workspace

    workspace = create_workspace(directory)
    runtime.start(workspace.root.resolve())
    console.print(f"Created workspace [bold]{directory}[/]: edit {workspace.config_path}")
    console.print("Next: `pulse sources add URL`, then `pulse harvest`.")


@cli.group()
def config() -> None:
    """Inspect the workspace's configuration."""


@config.command("show")
@pass_state
def config_show(state) -> None:
    """Print the effective configuration as JSON, secrets masked."""
    import json
    import os
    import re

    data = state.config.model_dump()
    smtp = os.environ.get("PULSE_SMTP_URL") or data["mail"]["smtp_url"]
    data["mail"]["smtp_url"] = re.sub(r"//([^:@/]+):[^@/]+@", r"//\1:****@", smtp)
    data["database"] = re.sub(
        r"//([^:@/]+):[^@/]+@", r"//\1:****@", os.environ.get("DATABASE_URL", "sqlite (workspace)")
    )
    console.print_json(json.dumps(data, default=str))
