"""The CLI as a user meets it: a real `pulse` process, one-line errors, nothing lost."""

import os
import subprocess
import sys

import pytest


def pulse(*args, cwd=None, env=None):
    environment = {
        k: v for k, v in os.environ.items() if k not in ("PULSE_WORKSPACE", "DATABASE_URL")
    }
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "policypulse", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )


def test_init_then_commands_find_the_workspace_three_ways(tmp_path):
    workspace = tmp_path / "ws"
    result = pulse("init", str(workspace))
    assert result.returncode == 0, result.stderr
    assert (workspace / "pulse.toml").is_file()
    assert (workspace / "pulse.sqlite3").is_file()
    assert "[[sectors]]" in (workspace / "pulse.toml").read_text()
    assert pulse("--workspace", str(workspace), "items", "list", "--json").stdout.strip() == "[]"
    assert pulse("items", "list", "--json", env={"PULSE_WORKSPACE": str(workspace)}).returncode == 0
    assert pulse("items", "list", "--json", cwd=workspace).returncode == 0


def test_no_workspace_is_one_clear_line(tmp_path):
    result = pulse("items", "list", cwd=tmp_path)
    assert result.returncode == 1
    assert "no PolicyPulse workspace" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_malformed_toml_names_the_line_and_loses_nothing(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace))
    added = pulse(
        "-w", str(workspace), "sources", "add", "https://example.org/feed.xml", "--name", "kept"
    )
    assert added.returncode == 0, added.stderr
    config = workspace / "pulse.toml"
    good = config.read_text()
    config.write_text(good + "\n[harvest\n")
    result = pulse("-w", str(workspace), "sources", "list")
    assert result.returncode == 1
    assert "line" in result.stderr and "pulse.toml" in result.stderr
    assert "Traceback" not in result.stderr
    config.write_text(good)
    listed = pulse("-w", str(workspace), "sources", "list", "--json")
    assert '"kept"' in listed.stdout


def test_debug_shows_the_traceback(tmp_path):
    result = pulse("--debug", "items", "list", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr


def test_unknown_sector_in_config_is_refused(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace))
    config = workspace / "pulse.toml"
    config.write_text(config.read_text().replace('key = "justice"', 'key = "Justice Sector"'))
    result = pulse("-w", str(workspace), "items", "list")
    assert result.returncode == 1
    assert "sectors" in result.stderr and "line" in result.stderr


@pytest.mark.parametrize("month", ["2026-13", "November"])
def test_bad_month_is_a_clear_error(tmp_path, month):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace))
    result = pulse("-w", str(workspace), "edition", "build", "--month", month)
    assert result.returncode == 1
    assert "YYYY-MM" in result.stderr
