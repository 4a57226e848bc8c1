"""pulse subscribers import|list|export|erase, pulse editions approve, pulse send, pulse bounces."""

from __future__ import annotations

import json
from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli, pass_state
from policypulse.cli.editions import edition


@cli.group()
def subscribers() -> None:
    """Import, list, export and erase subscribers.

    \b
    Examples:
      pulse subscribers import clients.csv
      pulse subscribers list --status active
    """


def _delimiter(ctx, param, value: str | None) -> str | None:
    if value is None:
        return None
    value = "\t" if value.lower() in ("tab", "\\t") else value
    if len(value) != 1:
        raise click.BadParameter("one character, or `tab`")
    return value


@subscribers.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--delimiter",
    callback=_delimiter,
    help="The column separator (`,` `;` `|` or `tab`); default: found from the header row.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def subscribers_import(state, csv_file: Path, delimiter: str | None, as_json: bool) -> None:
    """Import FILE.csv (email, name, organisation, sectors as `key;key`) as active subscribers.

    Rejected rows are listed with their line and reason; if no row could be used, the
    command fails (exit code 1) and imports nothing.

    \b
    Examples:
      pulse subscribers import clients.csv
      pulse subscribers import clients.csv --delimiter ";" --json
    """
    from policypulse.errors import MailError
    from policypulse.mailing.subscribers import import_subscribers

    state.workspace()
    try:
        text = csv_file.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise MailError(f"{csv_file} is not UTF-8 text") from None
    report = import_subscribers(text, state.config, source_name=csv_file.name,
                                delimiter=delimiter)  # fmt: skip
    if as_json:
        data = {
            "created": report.created,
            "existing": report.existing,
            "rejected": [vars(r) for r in report.rejected],
        }
        click.echo(json.dumps(data, indent=2))
    else:
        output.say(
            "Imported {} subscriber(s); {} already subscribed; {} row(s) rejected.",
            report.created, report.existing, len(report.rejected),
        )  # fmt: skip
        if report.rejected:
            rows = ([row.line, row.email, row.reason] for row in report.rejected)
            output.show(output.table(("line", "email", "reason"), rows))
    failure = report.failure()
    if failure:
        raise MailError(failure)


@subscribers.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON list: email, status, sectors, ...")
@click.option(
    "--status",
    type=click.Choice(["pending", "active", "paused", "unsubscribed", "bounced"]),
    help="Only this status.",
)
@pass_state
def subscribers_list(state, as_json: bool, status: str | None) -> None:
    """List subscribers.

    \b
    Examples:
      pulse subscribers list
      pulse subscribers list --status bounced --json
    """
    from policypulse.mailing.subscribers import list_subscribers

    state.workspace()
    rows = list_subscribers(status)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    output.show(output.table(
        ("email", "status", "sectors", "consent"),
        ([row["email"], row["status"], ", ".join(row["sectors"]) or "all", row["consent_source"]]
         for row in rows),
    ))  # fmt: skip
    output.say("{} subscriber(s)", len(rows))


@subscribers.command("export")
@click.argument("email")
@pass_state
def subscribers_export(state, email: str) -> None:
    """Everything held about one subscriber, as JSON (a subject access request).

    \b
    Examples:
      pulse subscribers export someone@example.org > someone.json
    """
    from policypulse.mailing.subscribers import export_subscriber

    state.workspace()
    click.echo(json.dumps(export_subscriber(email), indent=2))


@subscribers.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def subscribers_erase(state, email: str, yes: bool) -> None:
    """Erase a subscriber; only a hash of the address is kept, so they are never mailed again.

    \b
    Examples:
      pulse subscribers erase someone@example.org
      pulse subscribers erase someone@example.org --yes
    """
    from policypulse.mailing.subscribers import erase_subscriber, find_subscriber

    state.workspace()
    find_subscriber(email)
    if not yes:
        click.confirm(f"Erase {email} and their history for good?", abort=True)
    erase_subscriber(email)
    output.say("Erased {}; its hash stays on the suppression list.", email)


@edition.command("approve")
@click.option("--month", help="YYYY-MM (default: the latest edition)")
@pass_state
def edition_approve(state, month: str | None) -> None:
    """Freeze the edition so it can be sent; changes then need a new draft.

    \b
    Examples:
      pulse editions approve --month 2026-11
    """
    from policypulse.audit.services import cli_actor
    from policypulse.editions.services import approve_edition, get_edition

    state.workspace()
    approved = approve_edition(get_edition(month), actor=cli_actor())
    output.say("Approved [bold]{}[/]: send it with `pulse send`", approved.title)


@cli.command()
@click.option("--month", help="YYYY-MM (default: the latest edition)")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; send nothing.")
@click.option("--rate", type=float, help="Messages per second (0: no limit).")
@click.option(
    "--connections",
    type=click.IntRange(1, 32),
    help="SMTP connections busy at once, under the one rate (default: [mail] connections).",
)
@click.option(
    "--resend-unknown/--no-resend-unknown",
    default=True,
    show_default=True,
    help="Resend messages a killed run left in flight (at most one duplicate each, one per "
    "connection); "
    "--no-resend-unknown leaves them `unknown` instead.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def send(
    state, month, dry_run: bool, rate, connections, resend_unknown: bool, as_json: bool
) -> None:
    """Send an approved edition; run it again to resume after any interruption.

    \b
    Examples:
      pulse send --dry-run
      pulse send --month 2026-11 --rate 10 --connections 4
    """
    from policypulse.editions.services import get_edition
    from policypulse.errors import MailError
    from policypulse.mailing.sending import send_edition, send_lock

    workspace = state.workspace()
    target = get_edition(month)
    if dry_run:
        report = send_edition(target, state.config, dry_run=True)
    else:
        with send_lock(workspace.root / ".send.lock"):
            report = send_edition(
                target, state.config, rate=rate, connections=connections,
                resend_unknown=resend_unknown,
            )  # fmt: skip
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    elif dry_run:
        output.say(
            "Dry run for {}: {} would be sent, {} skipped (suppressed or nothing in their "
            "sectors).", report.edition, report.would_send, report.skipped,
        )  # fmt: skip
    else:
        output.say(
            "{}: sent {}, skipped {}, failed {} ({} bounced), retries {}.", report.edition,
            report.sent, report.skipped, report.failed, report.bounced, report.retries,
        )  # fmt: skip
        if report.resent_in_flight:
            output.say(
                "[yellow]{} message(s) interrupted in flight were resent: a reader may have "
                "got one twice (see docs/sending.md).[/]", report.resent_in_flight,
            )  # fmt: skip
        if report.unknown:
            output.say(
                "[yellow]{} message(s) interrupted in flight were not resent (status unknown): "
                "`pulse deliveries --status unknown` lists them; `pulse send` without "
                "--no-resend-unknown resends them.[/]", report.unknown,
            )  # fmt: skip
    if not dry_run and report.pending:
        raise MailError(
            f"{report.pending} message(s) still deferred by temporary refusals; "
            "run `pulse send` again later"
        )


@cli.group()
def bounces() -> None:
    """Process bounce messages.

    \b
    Examples:
      pulse bounces scan
      pulse bounces scan ~/Maildir/bounces
    """


@bounces.command("scan")
@click.argument("maildir", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_state
def bounces_scan(state, maildir: Path | None) -> None:
    """Read bounces and mailto unsubscribes in MAILDIR (default [mail] bounce_maildir).

    \b
    Examples:
      pulse bounces scan
      pulse bounces scan ~/Maildir/bounces
    """
    from policypulse.errors import ConfigError
    from policypulse.mailing.bounces import scan_maildir

    workspace = state.workspace()
    path = maildir or (
        workspace.root / state.config.mail.bounce_maildir
        if state.config.mail.bounce_maildir
        else None
    )
    if path is None:
        raise ConfigError("give a MAILDIR or set [mail] bounce_maildir in pulse.toml")
    report = scan_maildir(path)
    output.say(
        "{} new message(s): {} address(es) marked bounced, {} not subscribers; {} unsubscribe "
        "request(s).", report.messages, len(report.bounced), len(report.unknown),
        report.unsubscribed,
    )  # fmt: skip


@cli.command()
@click.option("--month", help="YYYY-MM (default: the latest edition)")
@click.option(
    "--status",
    type=click.Choice(["pending", "sending", "sent", "failed", "skipped", "unknown"]),
    help="List the deliveries with this status (e.g. unknown: interrupted in flight).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_state
def deliveries(state, month: str | None, status: str | None, as_json: bool) -> None:
    """An edition's deliveries: counts by status, and the rows of one status.

    \b
    Examples:
      pulse deliveries --month 2026-11
      pulse deliveries --status unknown
    """
    from policypulse.editions.services import get_edition
    from policypulse.mailing.sending import delivery_counts, delivery_rows

    state.workspace()
    target = get_edition(month)
    counts = delivery_counts(target)
    rows = delivery_rows(target, status) if status else []
    if as_json:
        click.echo(json.dumps({"edition": target.month_key, "counts": counts, "rows": rows}))
        return
    summary = ", ".join(f"{name} {count}" for name, count in sorted(counts.items())) or "none yet"
    output.say("{} deliveries: {}", target.month_key, summary)
    if rows:
        output.show(output.table(
            ("email", "status", "attempts", "reply"),
            ([row["email"], row["status"], row["attempts"], row["reply"]] for row in rows),
        ))  # fmt: skip
