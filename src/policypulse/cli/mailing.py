"""pulse subscribers import|list|export|erase, pulse edition approve, pulse send, pulse bounces."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from policypulse.cli import cli, console, pass_state
from policypulse.cli.editions import edition


@cli.group()
def subscribers() -> None:
    """Import, list, export and erase subscribers."""


@subscribers.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def subscribers_import(state, csv_file: Path, as_json: bool) -> None:
    """Import FILE.csv (email, name, organisation, sectors as `key;key`) as active subscribers."""
    from policypulse.errors import MailError
    from policypulse.mailing.subscribers import import_subscribers

    state.workspace()
    try:
        text = csv_file.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise MailError(f"{csv_file} is not UTF-8 text") from None
    report = import_subscribers(text, state.config, source_name=csv_file.name)
    if as_json:
        data = {
            "created": report.created,
            "existing": report.existing,
            "rejected": [vars(r) for r in report.rejected],
        }
        click.echo(json.dumps(data, indent=2))
        return
    console.print(
        f"Imported {report.created} subscriber(s); {report.existing} already subscribed; "
        f"{len(report.rejected)} row(s) rejected."
    )
    if report.rejected:
        table = Table("line", "email", "reason")
        for row in report.rejected:
            table.add_row(str(row.line), row.email, row.reason)
        console.print(table)


@subscribers.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON list: email, status, sectors, ...")
@click.option(
    "--status",
    type=click.Choice(["pending", "active", "paused", "unsubscribed", "bounced"]),
    help="Only this status.",
)
@pass_state
def subscribers_list(state, as_json: bool, status: str | None) -> None:
    """List subscribers."""
    from policypulse.mailing.subscribers import list_subscribers

    state.workspace()
    rows = list_subscribers(status)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("email", "status", "sectors", "consent")
    for row in rows:
        table.add_row(
            row["email"], row["status"], ", ".join(row["sectors"]) or "all", row["consent_source"]
        )
    console.print(table)
    console.print(f"{len(rows)} subscriber(s)")


@subscribers.command("export")
@click.argument("email")
@pass_state
def subscribers_export(state, email: str) -> None:
    """Everything held about one subscriber, as JSON (a subject access request)."""
    from policypulse.mailing.subscribers import export_subscriber

    state.workspace()
    click.echo(json.dumps(export_subscriber(email), indent=2))


@subscribers.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def subscribers_erase(state, email: str, yes: bool) -> None:
    """Erase a subscriber; only a hash of the address is kept, so they are never mailed again."""
    from policypulse.mailing.subscribers import erase_subscriber, find_subscriber

    state.workspace()
    find_subscriber(email)
    if not yes:
        click.confirm(f"Erase {email} and their history for good?", abort=True)
    erase_subscriber(email)
    console.print(f"Erased {email}; its hash stays on the suppression list.")


@edition.command("approve")
@click.option("--month", help="YYYY-MM (default: the latest edition)")
@pass_state
def edition_approve(state, month: str | None) -> None:
    """Freeze the edition so it can be sent; changes then need a new draft."""
    from policypulse.editions.services import approve_edition, get_edition

    state.workspace()
    approved = approve_edition(get_edition(month))
    console.print(f"Approved [bold]{approved.title}[/]: send it with `pulse send`")


@cli.command()
@click.option("--month", help="YYYY-MM (default: the latest edition)")
@click.option("--dry-run", is_flag=True, help="Count what would be sent; send nothing.")
@click.option("--rate", type=float, help="Messages per second (0: no limit).")
@click.option(
    "--resend-unknown",
    is_flag=True,
    help="Also resend messages interrupted in flight by a killed run (may duplicate them).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_state
def send(state, month, dry_run: bool, rate, resend_unknown: bool, as_json: bool) -> None:
    """Send an approved edition; run it again to resume after any interruption."""
    from policypulse.editions.services import get_edition
    from policypulse.errors import MailError
    from policypulse.mailing.sending import send_edition, send_lock

    workspace = state.workspace()
    target = get_edition(month)
    if dry_run:
        report = send_edition(target, state.config, dry_run=True)
    else:
        with send_lock(workspace.root / ".send.lock"):
            report = send_edition(target, state.config, rate=rate, resend_unknown=resend_unknown)
    if as_json:
        click.echo(json.dumps(report.as_dict()))
    elif dry_run:
        console.print(
            f"Dry run for {report.edition}: {report.would_send} would be sent, "
            f"{report.skipped} skipped (suppressed or nothing in their sectors)."
        )
    else:
        console.print(
            f"{report.edition}: sent {report.sent}, skipped {report.skipped}, failed "
            f"{report.failed} ({report.bounced} bounced), retries {report.retries}."
        )
        if report.recovered_in_flight:
            console.print(
                f"[yellow]{report.recovered_in_flight} message(s) were in flight when the last "
                "run stopped: marked unknown, not resent (see docs/sending.md).[/]"
            )
    if not dry_run and report.pending:
        raise MailError(
            f"{report.pending} message(s) still deferred by temporary refusals; "
            "run `pulse send` again later"
        )


@cli.group()
def bounces() -> None:
    """Process bounce messages."""


@bounces.command("scan")
@click.argument("maildir", required=False, type=click.Path(file_okay=False, path_type=Path))
@pass_state
def bounces_scan(state, maildir: Path | None) -> None:
    """Read bounces and mailto unsubscribes in MAILDIR (default [mail] bounce_maildir)."""
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
    console.print(
        f"{report.messages} new message(s): {len(report.bounced)} address(es) marked bounced, "
        f"{len(report.unknown)} not subscribers; {report.unsubscribed} unsubscribe request(s)."
    )


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
    """An edition's deliveries: counts by status, and the rows of one status."""
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
    console.print(f"{target.month_key} deliveries: {summary}")
    if rows:
        table = Table("email", "status", "attempts", "reply")
        for row in rows:
            table.add_row(row["email"], row["status"], str(row["attempts"]), row["reply"])
        console.print(table)
