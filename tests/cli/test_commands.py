"""The CLI as a user meets it: a real `pulse` process, one-line errors, nothing lost."""

import pytest

from tests.clitools import pulse


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


@pytest.mark.parametrize(
    ("month", "said"),
    [
        ("2026-13", "the month part must be 01 to 12"),
        ("November", "must be YYYY-MM"),
        ("9999-12", "out of range"),  # was an OverflowError traceback (issue 11, finding 8)
        ("0001-01", "out of range"),
    ],
)
def test_bad_month_is_a_one_line_error(tmp_path, month, said):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace), check=True)
    for command in (("editions", "build"), ("editions", "publish", "--static", tmp_path / "s"),
                    ("editions", "approve"), ("deliveries",)):  # fmt: skip
        result = pulse("-w", workspace, *command, "--month", month)
        assert result.returncode == 1, (command, result.stderr)
        assert said in result.stderr, command
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_the_singular_edition_group_still_runs_but_is_not_listed(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace), check=True)
    old = pulse("-w", workspace, "edition", "build", "--month", "2026-11")
    new = pulse("-w", workspace, "editions", "build", "--month", "2026-11")
    assert old.returncode == new.returncode == 0, old.stderr + new.stderr
    assert "Built" in old.stdout and "Built" in new.stdout
    listing = pulse("--help").stdout
    assert "editions" in listing
    assert "  edition " not in listing


def test_config_show_prints_json_with_secrets_masked(tmp_path):
    import json

    workspace = tmp_path / "ws"
    pulse("init", str(workspace), check=True)
    shown = pulse("-w", workspace, "config", "show",
                  env={"PULSE_SMTP_URL": "smtp://me:hunter2@mail.example.org:587"})  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["mail"]["smtp_url"] == "smtp://me:****@mail.example.org:587"
    assert "hunter2" not in shown.stdout


def test_tests_run_pulse_only_through_clitools():
    from pathlib import Path

    tests = Path(__file__).resolve().parents[1]
    own = [
        path.relative_to(tests).as_posix()
        for path in tests.rglob("*.py")
        if path.name != "clitools.py"
        and any(
            marker in path.read_text("utf-8")
            for marker in ('"-m", "policy' + 'pulse"', '"bin" / "pul' + 'se"')
        )
    ]
    assert own == []
