"""The user guide tells the truth about the code: every `pulse` command and option it shows
exists, and every environment variable the package reads is documented."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from policypulse.cli import cli

ROOT = Path(__file__).resolve().parents[1]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
GLOBAL_OPTIONS = {"--workspace": True, "-w": True, "--debug": False, "--help": False, "-h": False,
                  "--version": False}  # fmt: skip

FENCE = re.compile(r"^```[a-z]*\n(.*?)^```", re.M | re.S)
INLINE = re.compile(r"`((?:\.venv/bin/)?pulse [^`]+)`")


def command_lines(text: str) -> list[tuple[str, bool]]:
    """Every `pulse ...` the page shows, and whether it is to be run as it stands: lines of
    fenced blocks are; inline code spans may name a group or the global options in prose."""
    found = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            line = re.sub(r"(^|\s)#.*$", "", line).strip()
            line = line.removeprefix(".venv/bin/")
            if line.startswith("pulse "):
                found.append((line, True))
    for span in INLINE.findall(text):
        found.append((span.removeprefix(".venv/bin/"), False))
    return found


def check(line: str, runnable: bool = True) -> str | None:
    """What is wrong with one documented command line, or None. A word in capitals (or `...`)
    where a command goes (`pulse COMMAND --help`) is a placeholder and ends the check."""
    words = line.replace("\\|", " ").replace("[", " ").replace("]", " ").split()[1:]
    ctx = click.Context(cli)
    command: click.Command = cli
    path = ["pulse"]
    while words:
        word = words[0]
        if word.startswith("-"):
            name = word.split("=", 1)[0]
            if command is cli and name in GLOBAL_OPTIONS:
                words = words[2 if GLOBAL_OPTIONS[name] and "=" not in word else 1 :]
                continue
            break
        if not isinstance(command, click.Group):
            break
        if not re.match(r"[a-z]", word):  # COMMAND, ...: a placeholder
            return None
        found = command.get_command(ctx, word)
        if found is None:
            if path == ["pulse"] or not command.invoke_without_command:
                return f"`{' '.join(path)} {word}` is not a command"
            break
        command, path, words = found, [*path, word], words[1:]
    group = isinstance(command, click.Group) and not command.invoke_without_command
    if group and runnable and not (set(words) & {"--help", "-h"}):
        return f"`{' '.join(path)}` needs a subcommand"
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    known |= {"--help", "-h"}
    for word in words:
        if word.startswith("-") and len(word) > 1:
            name = word.split("=", 1)[0]
            if name not in known:
                return f"`{' '.join(path)}` has no option {name}"
    return None


def documented_commands() -> list[tuple[str, str, bool]]:
    return [
        (page.relative_to(ROOT).as_posix(), line, runnable)
        for page in PAGES
        for line, runnable in command_lines(page.read_text("utf-8"))
    ]


def test_the_guide_shows_many_commands():
    commands = documented_commands()
    assert len(commands) > 80
    assert {page for page, _, _ in commands} >= {
        "README.md", "docs/getting-started.md", "docs/sources.md", "docs/triage.md",
        "docs/summaries.md", "docs/editor.md", "docs/editions.md", "docs/subscribers.md",
        "docs/commands.md",
    }  # fmt: skip


@pytest.mark.parametrize(("page", "line", "runnable"), documented_commands())
def test_every_documented_command_and_option_exists(page, line, runnable):
    problem = check(line, runnable)
    assert problem is None, f"{page}: {line}: {problem}"


def test_the_checker_catches_what_does_not_exist():
    assert check("pulse harvest --source x") is None
    assert check("pulse --workspace d items list --json") is None
    assert check("pulse triage") is None  # a group that runs on its own
    assert "is not a command" in check("pulse harvests")
    assert "no option --sauce" in check("pulse harvest --sauce x")
    assert "needs a subcommand" in check("pulse sources")
    assert check("pulse sources", runnable=False) is None  # prose naming the group
    assert check("pulse --debug COMMAND") is None  # a placeholder
    assert "needs a subcommand" in check("pulse --debug")
    assert check("pulse --debug", runnable=False) is None
    assert "no option --kind" in check("pulse items add URL --kind feed")


def test_command_lines_reads_fences_and_inline_code():
    text = (
        "Run `pulse harvest` now.\n\n```sh\npulse triage   # label\nls\n.venv/bin/pulse demo\n```\n"
    )
    assert command_lines(text) == [("pulse triage", True), ("pulse demo", True),
                                   ("pulse harvest", False)]  # fmt: skip


def test_every_environment_variable_the_package_reads_is_documented():
    source = "\n".join(p.read_text("utf-8") for p in (ROOT / "src").rglob("*.py"))
    names = set(re.findall(r"[\"'](PULSE_[A-Z_]+|DATABASE_URL)[\"']", source))
    assert {"PULSE_WORKSPACE", "PULSE_SECRET_KEY", "DATABASE_URL"} <= names
    page = (ROOT / "docs" / "environment.md").read_text("utf-8")
    missing = sorted(name for name in names if f"`{name}`" not in page)
    assert not missing, f"docs/environment.md does not document {', '.join(missing)}"


def test_no_fenced_code_inside_a_list():
    """MkDocs' Markdown (no superfences) shows an indented fence as inline text, not code."""
    pages = sorted((ROOT / "docs").glob("*.md"))
    assert pages
    indented = [
        f"{page.name}:{number}"
        for page in pages
        for number, line in enumerate(page.read_text("utf-8").splitlines(), start=1)
        if re.match(r"^\s+```", line)
    ]
    assert not indented, f"fenced code indented under a list item: {', '.join(indented)}"


def test_every_test_the_security_page_names_exists():
    """docs/security.md says which test holds each defence: each must exist, so a renamed or
    deleted test cannot leave the page vouching for nothing."""
    import re

    page = (ROOT / "docs" / "security.md").read_text("utf-8")
    named: list[tuple[str, str]] = []
    current = ""
    for path, name in re.findall(r"(tests/[\w/]+\.py)?::(test_\w+)", page):
        current = path or current
        named.append((current, name))
    assert len(named) >= 20
    missing = [
        f"{path}::{name}"
        for path, name in named
        if not re.search(rf"^def {name}\(", (ROOT / path).read_text("utf-8"), re.M)
    ]
    assert not missing, missing
