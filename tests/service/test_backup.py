"""`pulse backup` while something writes, then `pulse restore`: a consistent database with the
same counts, the config and the secret key."""

import sqlite3
import stat
import subprocess
import threading

import pytest

from policypulse.service.backup import BackupError, prune, restore
from tests import clitools


def pulse(*args, workspace=None) -> subprocess.CompletedProcess:
    return clitools.pulse(*args, env={"PULSE_WORKSPACE": str(workspace)} if workspace else None)


def count(path) -> int:
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return db.execute("SELECT count(*) FROM service_heartbeat").fetchone()[0]


def test_backup_during_writes_then_restore_gives_a_working_workspace(tmp_path):
    workspace = tmp_path / "ws"
    assert pulse("init", str(workspace)).returncode == 0
    database = workspace / "pulse.sqlite3"
    stop = threading.Event()
    written = []

    def writer():
        db = sqlite3.connect(database, timeout=30, isolation_level=None)
        n = 0
        while not stop.is_set():
            db.execute("BEGIN IMMEDIATE")
            for _ in range(20):
                db.execute("INSERT INTO service_heartbeat VALUES (?, '2026-11-02', '')", (f"w{n}",))
                n += 1
            db.execute("COMMIT")
            written.append(n)
        db.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 5:
            threading.Event().wait(0.01)
        during = pulse("backup", str(tmp_path / "during.tar.gz"), workspace=workspace)
    finally:
        stop.set()
        thread.join()
    assert during.returncode == 0, during.stderr
    assert "secret key" in during.stderr
    assert stat.S_IMODE((tmp_path / "during.tar.gz").stat().st_mode) == 0o600
    restore(tmp_path / "during.tar.gz", tmp_path / "r1")
    snapshot = count(tmp_path / "r1" / "pulse.sqlite3")
    assert 0 < snapshot <= written[-1] and snapshot % 20 == 0  # whole transactions only

    after = pulse("backup", str(tmp_path / "after.tar.gz"), workspace=workspace)
    assert after.returncode == 0, after.stderr
    done = pulse("restore", str(tmp_path / "after.tar.gz"), str(tmp_path / "r2"))
    assert done.returncode == 0, done.stderr
    restored = tmp_path / "r2"
    assert count(restored / "pulse.sqlite3") == count(database) == written[-1]
    assert (restored / "pulse.toml").read_text() == (workspace / "pulse.toml").read_text()
    assert (restored / ".secret_key").read_text() == (workspace / ".secret_key").read_text()
    listed = pulse("sources", "list", workspace=restored)
    assert listed.returncode == 0, listed.stderr


def test_restore_refuses_an_existing_workspace_and_a_foreign_file(tmp_path):
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "pulse.toml").write_text("")
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tarball")
    with pytest.raises(BackupError, match="already holds"):
        restore(tmp_path / "junk.tar.gz", tmp_path / "ws")
    with pytest.raises(BackupError, match="cannot read"):
        restore(tmp_path / "junk.tar.gz", tmp_path / "new")


def test_prune_keeps_the_newest(tmp_path):
    for stamp in ("20261101-0230", "20261102-0230", "20261103-0230"):
        (tmp_path / f"pulse-{stamp}.tar.gz").write_bytes(b"x")
    removed = prune(tmp_path, 2)
    assert [p.name for p in removed] == ["pulse-20261101-0230.tar.gz"]
    assert len(list(tmp_path.iterdir())) == 2


def test_the_scheduled_backup_writes_into_backup_dir(tmp_path):
    workspace = tmp_path / "ws"
    assert pulse("init", str(workspace)).returncode == 0
    toml = workspace / "pulse.toml"
    toml.write_text(toml.read_text().replace('backup = ""', 'backup = "30 2 * * *"'))
    done = pulse("schedules", "run", "backup", workspace=workspace)
    assert done.returncode == 0, done.stderr
    (archive,) = (workspace / "backups").glob("pulse-*.tar.gz")
    assert restore(archive, tmp_path / "back")["database"] == "sqlite"
