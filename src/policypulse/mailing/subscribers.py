"""Subscribers: CSV import, listing, GDPR export and erasure, suppressions.

The hard part is pure: `parse_subscriber_csv(text, sector_keys)` returns the rows it accepts
and, for every other row, the line and the reason; it never raises for a bad row, only for a
file with no `email` column. The services then load and save, all rows or none.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from email_validator import EmailNotValidError, validate_email

from policypulse.errors import MailError
from policypulse.mailing.models import (
    Delivery,
    Subscriber,
    SubscriberEvent,
    Suppression,
    email_hash,
)


@dataclass
class ImportRow:
    line: int
    email: str
    name: str = ""
    organisation: str = ""
    sectors: list[str] = field(default_factory=list)


@dataclass
class Rejected:
    line: int
    email: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    existing: int = 0
    rejected: list[Rejected] = field(default_factory=list)

    def failure(self) -> str | None:
        """Why the import as a whole failed (nothing in the file was usable), or None. One line,
        with none of the file's text in it: the rejected rows are listed separately."""
        if self.created or self.existing:
            return None
        if not self.rejected:
            return "the CSV has a header row but no subscriber rows"
        return f"no subscriber imported: all {len(self.rejected)} row(s) were rejected"


DELIMITERS = (",", ";", "\t", "|")


def normalise_email(raw: str) -> str:
    """The address as stored (lower-cased), or EmailNotValidError. No DNS look-ups."""
    checked = validate_email(raw.strip(), check_deliverability=False)
    return checked.normalized.lower()


def parse_sectors(raw: str, sector_keys: list[str]) -> list[str]:
    """`a;b` -> ['a', 'b']; empty means all; an unknown key is a ValueError naming it."""
    keys = [part.strip() for part in (raw or "").split(";") if part.strip()]
    unknown = [key for key in keys if key not in sector_keys]
    if unknown:
        raise ValueError(
            f"unknown sector {', '.join(repr(k) for k in unknown)} "
            f"(known: {', '.join(sector_keys)})"
        )
    return sorted(set(keys), key=keys.index)


def _header(text: str, delimiter: str) -> list[str]:
    try:
        first = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []
    return [name.strip().lower() for name in first]


def detect_delimiter(text: str) -> str:
    """The delimiter that gives the header row an `email` column: a comma, or the semicolon,
    tab or bar that spreadsheets save in many locales. Decided by the header, which must name
    `email`, rather than by guessing from the rows (whose sectors hold semicolons too)."""
    for delimiter in DELIMITERS:
        if "email" in _header(text, delimiter):
            return delimiter
    return ","


def _records(reader: csv.DictReader) -> Iterator[tuple[int, dict | None, str]]:
    """(line, record, "") per row, or (line, None, why) for a row the csv module refuses
    (a field over its size limit, say), so one hostile row cannot end the import."""
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield reader.line_num, None, f"unreadable row: {exc}"
            continue
        yield reader.line_num, record, ""


def parse_subscriber_csv(
    text: str, sector_keys: list[str], delimiter: str | None = None
) -> tuple[list[ImportRow], list[Rejected]]:
    """Rows to import and rows refused; duplicates within the file are refused after the first.

    `delimiter` None: detected from the header row (`detect_delimiter`)."""
    text = text.lstrip("\ufeff")
    delimiter = delimiter or detect_delimiter(text)
    if "email" not in _header(text, delimiter):
        shown = "tab" if delimiter == "\t" else repr(delimiter)
        raise MailError(
            f"the CSV needs a header row with an `email` column (read with the delimiter "
            f"{shown}; give --delimiter if the file uses another)"
        )
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[ImportRow] = []
    rejected: list[Rejected] = []
    seen: dict[str, int] = {}
    for line, record, unreadable in _records(reader):
        if record is None:
            rejected.append(Rejected(line, "", unreadable))
            continue
        values = {
            k.strip().lower(): v.strip()
            for k, v in record.items()
            if isinstance(k, str) and isinstance(v, str)
        }
        raw = values.get("email", "")
        try:
            address = normalise_email(raw)
        except EmailNotValidError as exc:
            rejected.append(Rejected(line, raw, f"invalid address: {exc}"))
            continue
        if address in seen:
            rejected.append(Rejected(line, raw, f"duplicate of line {seen[address]}"))
            continue
        try:
            sectors = parse_sectors(values.get("sectors", ""), sector_keys)
        except ValueError as exc:
            rejected.append(Rejected(line, raw, str(exc)))
            continue
        seen[address] = line
        rows.append(
            ImportRow(line, address, values.get("name", "")[:200],
                      values.get("organisation", "")[:200], sectors)
        )  # fmt: skip
    return rows, rejected


def is_suppressed(address: str) -> bool:
    return Suppression.objects.filter(email_hash=email_hash(address)).exists()


def suppress(address: str, reason: str) -> None:
    Suppression.objects.get_or_create(email_hash=email_hash(address), defaults={"reason": reason})


def record(subscriber: Subscriber, kind: str, now: datetime.datetime | None = None, **detail):
    SubscriberEvent.objects.create(
        subscriber=subscriber, kind=kind, detail=detail, at=now or timezone.now()
    )


def import_subscribers(text: str, config, *, source_name: str = "CSV", delimiter=None,
                       now=None) -> ImportReport:  # fmt: skip
    """Imported rows become active, their consent source `import`; suppressed ones never return.
    One transaction: an import that fails part-way writes nothing."""
    now = now or timezone.now()
    rows, rejected = parse_subscriber_csv(text, config.sector_keys(), delimiter)
    report = ImportReport(rejected=rejected)
    wording = f"Imported from {source_name} on {now.date().isoformat()}"
    with transaction.atomic():
        existing = set(
            Subscriber.objects.filter(email__in=[r.email for r in rows]).values_list(
                "email", flat=True
            )
        )
        suppressed = set(
            Suppression.objects.filter(
                email_hash__in=[email_hash(r.email) for r in rows]
            ).values_list("email_hash", flat=True)
        )
        for row in rows:
            if email_hash(row.email) in suppressed:
                report.rejected.append(
                    Rejected(row.line, row.email, "suppressed: unsubscribed, bounced or erased")
                )
                continue
            if row.email in existing:
                report.existing += 1
                continue
            subscriber = Subscriber.objects.create(
                email=row.email, name=row.name, organisation=row.organisation,
                sectors=row.sectors, status=Subscriber.Status.ACTIVE, consent_source="import",
                consent_text=wording, consent_at=now, created_at=now, updated_at=now,
            )  # fmt: skip
            record(subscriber, "imported", now, source=source_name)
            report.created += 1
    report.rejected.sort(key=lambda r: r.line)
    return report


def list_subscribers(status: str | None = None) -> list[dict]:
    query = Subscriber.objects.all()
    if status:
        query = query.filter(status=status)
    return [
        {
            "email": s.email,
            "name": s.name,
            "organisation": s.organisation,
            "status": s.status,
            "sectors": list(s.sectors or []),
            "consent_source": s.consent_source,
            "consent_at": s.consent_at.isoformat() if s.consent_at else None,
        }
        for s in query.order_by("email")
    ]


def find_subscriber(address: str) -> Subscriber:
    subscriber = Subscriber.objects.filter(email=address.strip().lower()).first()
    if subscriber is None:
        raise MailError(f"no subscriber {address.strip()!r}")
    return subscriber


def export_subscriber(address: str) -> dict:
    """Everything we hold about one person (GDPR subject access), as plain JSON values."""
    s = find_subscriber(address)

    def when(value):
        return value.isoformat() if value else None

    return {
        "email": s.email,
        "name": s.name,
        "organisation": s.organisation,
        "status": s.status,
        "sectors": list(s.sectors or []),
        "consent": {
            "source": s.consent_source,
            "wording": s.consent_text,
            "given_at": when(s.consent_at),
            "confirmed_at": when(s.confirmed_at),
        },
        "created_at": when(s.created_at),
        "updated_at": when(s.updated_at),
        "events": [{"kind": e.kind, "at": when(e.at), "detail": e.detail} for e in s.events.all()],
        "deliveries": [
            {
                "edition": d.edition.month_key,
                "status": d.status,
                "message_id": d.message_id,
                "sent_at": when(d.sent_at),
                "reply": d.reply,
            }
            for d in s.deliveries.select_related("edition").order_by("edition__month")
        ],
    }


def erase_subscriber(address: str) -> None:
    """Delete the person and their history; keep only the hashed address, so they are never
    mailed or re-imported. Delivery rows stay (counts) without anyone attached."""
    with transaction.atomic():
        subscriber = find_subscriber(address)
        Delivery.objects.filter(subscriber=subscriber).update(subscriber=None, reply="")
        suppress(subscriber.email, "erased")
        subscriber.delete()
