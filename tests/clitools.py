"""The one way tests run `pulse` as a user does: a real process, this interpreter, a clean
environment (no PULSE_WORKSPACE or DATABASE_URL leaking in from the shell that runs pytest)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEAKY = (
    "PULSE_WORKSPACE",
    "DATABASE_URL",
    "PULSE_SECRET_KEY",
    "PULSE_REDIS_URL",
    "PULSE_TASK_BACKEND",
)


def clean_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ without the variables that would point `pulse` at another workspace, plus
    `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in LEAKY}
    environment.update(env or {})
    return environment


def pulse_argv(*args: str | os.PathLike, workspace: str | os.PathLike | None = None) -> list[str]:
    """The command line for `pulse [--workspace W] ARGS` with this interpreter."""
    head = [sys.executable, "-m", "policypulse"]
    if workspace is not None:
        head += ["--workspace", str(workspace)]
    return head + [str(arg) for arg in args]


def pulse(
    *args: str | os.PathLike,
    workspace: str | os.PathLike | None = None,
    cwd: str | os.PathLike | None = ROOT,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 300,
    check: bool = False,
) -> subprocess.CompletedProcess:
    """Run `pulse` to the end and capture its text; `check` asserts exit code 0 (stderr shown).

    `env` is added to the clean environment (pass values, not a whole environment)."""
    result = subprocess.run(
        pulse_argv(*args, workspace=workspace),
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=clean_env(env),
        timeout=timeout,
    )
    if check:
        assert result.returncode == 0, result.stderr[-3000:]
    return result


def start_pulse(
    *args: str | os.PathLike,
    workspace: str | os.PathLike | None = None,
    env: dict[str, str] | None = None,
    **popen: object,
) -> subprocess.Popen:
    """Start `pulse` in the background (a server, a send to kill); the caller stops it."""
    return subprocess.Popen(pulse_argv(*args, workspace=workspace), env=clean_env(env), **popen)


def run_python(
    args: list[str], env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run `python ARGS` from the repository root (seeding helpers such as
    `-m tests.mailing.helpers`), with the same clean environment; fails the test on error."""
    result = subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=clean_env(env),
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result
