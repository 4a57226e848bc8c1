"""Every command's --help ends with an example to copy, as the `llm` CLI's do, and the group
names are plural."""

import click

from policypulse.cli import cli


def _commands(group: click.Group, path=("pulse",)):
    for name, command in group.commands.items():
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))


def _help(path, command) -> str:
    with click.Context(command, info_name=" ".join(path)) as context:
        return command.get_help(context)


def _examples(text: str) -> list[str]:
    """The lines of the "Examples:" block that closes the description (before Options)."""
    if "Examples:" not in text:
        return []
    block = text.rsplit("Examples:", 1)[1].split("\nOptions:", 1)[0].split("\nCommands:", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip()]


def test_every_command_help_ends_with_an_example():
    commands = [(("pulse",), cli), *_commands(cli)]
    assert len(commands) >= 30
    missing = []
    for path, command in commands:
        examples = _examples(_help(path, command))
        runnable = [line for line in examples if line.startswith("pulse ")]
        if not runnable or len(examples) > 2:
            missing.append(" ".join(path))
    assert missing == []


def test_the_check_sees_a_missing_example():
    @click.command()
    def bare():
        """No example here."""

    assert _examples(_help(("pulse", "bare"), bare)) == []


def test_group_names_are_plural_and_the_old_name_is_hidden():
    groups = [name for name, command in cli.commands.items() if isinstance(command, click.Group)]
    assert "editions" in groups and "edition" not in groups
    singular_ok = {"config", "eval", "triage"}  # a noun that is not a collection, or a verb
    assert [name for name in groups if not name.endswith("s") and name not in singular_ok] == []
    context = click.Context(cli)
    assert cli.get_command(context, "edition") is cli.get_command(context, "editions")
