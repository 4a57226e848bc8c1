"""`pulse`: the front door. Commands parse, call a service, print through `cli.output`.

Errors from the PulseError tree become one line and exit code 1 here, and only here; any other
exception is a bug and shows its traceback with --debug. The group itself is in `cli/app.py`;
importing the command modules below registers their commands on it."""

from __future__ import annotations

import sys

import click

from policypulse.cli import (  # noqa: F401  (each module registers its commands)
    demo,
    editions,
    evaluate,
    mailing,
    output,
    pipeline,
    serve,
    setup,
    sourcepacks,
    summaries,
    triage,
    users,
)
from policypulse.cli.app import cli, pass_state, pass_state_lazy
from policypulse.errors import PulseError


def main() -> None:
    debug = "--debug" in sys.argv
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        output.warn("Aborted.")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except PulseError as exc:
        if debug:
            raise
        output.error(exc)
        sys.exit(1)
    except KeyboardInterrupt:
        output.warn("Interrupted.")
        sys.exit(130)


__all__ = ["cli", "main", "output", "pass_state", "pass_state_lazy"]
