"""Start Django inside the CLI, on a workspace, so users never touch manage.py."""

from __future__ import annotations

import os
from pathlib import Path

from policypulse.workspace import ENV_WORKSPACE, Workspace, load_workspace

_started: Path | None = None


def start(root: Path | None, *, migrate: bool = True) -> Workspace | None:
    """Configure Django for the workspace at `root` (None: no workspace) and migrate it."""
    global _started
    import django
    from django.conf import settings

    if root is not None:
        os.environ[ENV_WORKSPACE] = str(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policypulse.settings")
    if _started is None and not settings.configured or _started is None:
        django.setup()
    _started = root or Path()
    if migrate:
        migrate_quietly()
    return load_workspace(root) if root is not None else None


def migrate_quietly() -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0, interactive=False)
