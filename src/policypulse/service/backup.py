"""`pulse backup` / `pulse restore`: one archive with a consistent snapshot of the database,
the workspace's pulse.toml and its secret key, taken while the web app and workers run.

SQLite is copied with its online backup API (a consistent snapshot whatever is writing);
PostgreSQL with `pg_dump` (one transaction). The archive holds the secret key: keep it as
private as the server itself."""

from __future__ import annotations

import datetime
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from policypulse.errors import PulseError

MANIFEST = "manifest.json"
SQLITE_NAME = "pulse.sqlite3"
PG_NAME = "database.pgdump"


class BackupError(PulseError):
    """A backup or restore could not be made."""


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.datetime.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def sqlite_snapshot(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (WAL included)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30) as src, \
            sqlite3.connect(target) as dst:  # fmt: skip
        src.backup(dst, pages=1024)
    with sqlite3.connect(target) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")


def pg_dump(url: str, target: Path) -> None:
    if not shutil.which("pg_dump"):
        raise BackupError("pg_dump is not installed (Debian: postgresql-client)")
    done = subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", url],
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")


def backup(workspace, target: Path) -> dict:
    """Write the archive to `target` (mode 0600); returns its manifest."""
    database_url = os.environ.get("DATABASE_URL", "")
    target = Path(target)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if database_url:
            dump, kind = tmp_path / PG_NAME, "postgresql"
            pg_dump(database_url, dump)
        else:
            dump, kind = tmp_path / SQLITE_NAME, "sqlite"
            if not workspace.database_path.exists():
                raise BackupError(f"no database at {workspace.database_path}")
            sqlite_snapshot(workspace.database_path, dump)
        manifest = {
            "format": 1,
            "database": kind,
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "holds_secret_key": True,
        }
        partial = target.with_name(target.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
            _add_bytes(tar, "pulse.toml", workspace.config_path.read_bytes())
            _add_bytes(tar, ".secret_key", workspace.secret_key().encode())
            tar.add(dump, arcname=dump.name)
        partial.replace(target)
    return manifest


def restore(archive: Path, folder: Path) -> dict:
    """Make a working workspace in `folder` from an archive (PostgreSQL: into DATABASE_URL)."""
    folder = Path(folder)
    if (folder / "pulse.toml").exists():
        raise BackupError(f"{folder} already holds a workspace; restore into a new folder")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(tmp, filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise BackupError(f"cannot read {archive}: {exc}") from None
        try:
            manifest = json.loads((tmp_path / MANIFEST).read_text())
        except (OSError, ValueError):
            raise BackupError(f"{archive} is not a PolicyPulse backup") from None
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(tmp_path / "pulse.toml", folder / "pulse.toml")
        key = folder / ".secret_key"
        shutil.copy(tmp_path / ".secret_key", key)
        key.chmod(0o600)
        if manifest["database"] == "sqlite":
            shutil.copy(tmp_path / SQLITE_NAME, folder / SQLITE_NAME)
        else:
            url = os.environ.get("DATABASE_URL")
            if not url:
                raise BackupError("this backup is of PostgreSQL: set DATABASE_URL to restore it")
            done = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner",
                                   f"--dbname={url}", str(tmp_path / PG_NAME)],
                                  capture_output=True, text=True)  # fmt: skip
            if done.returncode:
                raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
    return manifest


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` scheduled backups in `folder`."""
    found = sorted(folder.glob("pulse-*.tar.gz"), key=lambda p: p.name, reverse=True)
    for old in found[keep:]:
        old.unlink()
    return found[keep:]
