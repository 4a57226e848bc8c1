"""The `pulse` group and what every command shares: the State (workspace found once, Django
started) and the decorators that pass it. Command modules import from here, never from the
package, so the package can import them without a cycle."""

from __future__ import annotations

import click


class State:
    def __init__(self, workspace: str | None, debug: bool):
        self.workspace_arg = workspace
        self.debug = debug
        self._workspace = None

    def workspace(self):
        """Find the workspace, start Django on it, migrate; once."""
        if self._workspace is None:
            from policypulse import runtime
            from policypulse.workspace import find_workspace

            self._workspace = runtime.start(find_workspace(self.workspace_arg))
        return self._workspace

    @property
    def config(self):
        return self.workspace().config

    def workspace_or_none(self):
        """The workspace if one can be found, else start Django on the defaults."""
        from policypulse import runtime
        from policypulse.errors import WorkspaceError

        try:
            return self.workspace()
        except WorkspaceError:
            if self.workspace_arg:
                raise
            runtime.start(None)
            return None


_pass_state = click.make_pass_decorator(State)


def pass_state(command):
    """Pass the State, with the workspace found and Django started before the command runs
    (so commands may import models at the top of their body)."""
    import functools

    @functools.wraps(command)
    def wrapper(state: State, *args, **kwargs):
        state.workspace()
        return command(state, *args, **kwargs)

    return _pass_state(wrapper)


def pass_state_lazy(command):
    """Pass the State without requiring a workspace (for commands that can run without one,
    such as `pulse eval`): call `state.workspace_or_none()` inside."""
    return _pass_state(command)


class PulseGroup(click.Group):
    """The top-level group: old singular group names still run, unlisted (old scripts work)."""

    ALIASES = {"edition": "editions", "schedule": "schedules"}

    def get_command(self, ctx: click.Context, cmd_name: str):
        return super().get_command(ctx, self.ALIASES.get(cmd_name, cmd_name))


@click.group(cls=PulseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--workspace", "-w", metavar="DIR", help="Workspace folder (else PULSE_WORKSPACE, else .)"
)
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.version_option(package_name="policypulse")
@click.pass_context
def cli(ctx: click.Context, workspace: str | None, debug: bool) -> None:
    """PolicyPulse: harvest, triage, summarise, edit, render and send a monthly digest.

    \b
    Examples:
      pulse init ~/digest
      pulse --workspace ~/digest harvest
    """
    ctx.obj = State(workspace, debug)
