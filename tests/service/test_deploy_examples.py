"""The example unit files name commands and options that exist: every ExecStart line in
deploy/ is parsed and `pulse <command> --help` must list each option it uses."""

import shlex
from pathlib import Path

from tests.clitools import pulse

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def exec_lines() -> list[list[str]]:
    found = []
    for unit in sorted(DEPLOY.glob("*.service")):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart="):
                found.append(shlex.split(line.removeprefix("ExecStart=")))
    return found


def test_every_example_unit_runs_a_real_pulse_command_with_real_options():
    lines = exec_lines()
    assert len(lines) == 3
    for argv in lines:
        assert argv[0].endswith("/.venv/bin/pulse"), argv
        command = [a for a in argv[1:] if not a.startswith("-")][:1]
        options = [a for a in argv[1:] if a.startswith("--")]
        done = pulse(*command, "--help", timeout=120)
        assert done.returncode == 0, (argv, done.stderr)
        for option in options:
            assert option in done.stdout, (argv, option)


def test_the_proxies_set_the_forwarded_proto_the_app_trusts():
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in (DEPLOY / "nginx.conf").read_text()
    assert "reverse_proxy 127.0.0.1:8000" in (DEPLOY / "Caddyfile").read_text()


def test_serve_help_points_at_a_document_that_exists():
    done = pulse("serve", "--help", timeout=120)
    assert "docs/deploying.md" in done.stdout
    assert (DEPLOY.parent / "docs" / "deploying.md").is_file()
