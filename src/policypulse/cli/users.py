"""pulse users create | list."""

from __future__ import annotations

import sys

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state


@cli.group()
def users() -> None:
    """Accounts for the editor app (roles: editor, admin).

    \b
    Examples:
      pulse users create editor@example.org --role editor
      pulse users list
    """


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["editor", "admin"]), required=True,
              help="editor: review and edit; admin: also manage users and the Django admin.")  # fmt: skip
@click.option("--password-stdin", is_flag=True,
              help="Read the password from standard input (first line) instead of prompting.")  # fmt: skip
@pass_state
def users_create(state, email: str, role: str, password_stdin: bool) -> None:
    """Create an account whose user name is EMAIL.

    \b
    Examples:
      pulse users create editor@example.org --role editor
      echo "a long password" | pulse users create admin@example.org --role admin --password-stdin
    """
    from policypulse.audit.services import cli_actor
    from policypulse.web.accounts import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = create_user(email, role, password, actor=cli_actor())
    output.say("Created {} ({}).", user.username, role)


@users.command("list")
@pass_state
def users_list(state) -> None:
    """The accounts and their roles.

    \b
    Examples:
      pulse users list
      pulse -w ~/digest users list
    """
    from django.contrib.auth import get_user_model

    rows = []
    for user in get_user_model().objects.prefetch_related("groups").order_by("username"):
        roles = ", ".join(group.name for group in user.groups.all()) or "-"
        last = user.last_login.strftime("%Y-%m-%d %H:%M") if user.last_login else "never"
        rows.append([user.username, roles, last, "yes" if user.is_active else "no"])
    output.show(output.table(("E-mail", "Roles", "Last log-in", "Active"), rows))
