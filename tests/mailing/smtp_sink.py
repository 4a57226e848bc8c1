"""A real SMTP server for the tests and the benchmark: aiosmtpd on 127.0.0.1, in its own process.

It records every accepted message (envelope recipient, Message-ID, the raw bytes unless
--no-bodies) in a SQLite file and commits before it answers 250, so the record is exactly what
the server acknowledged. Rules in a JSON file make chosen recipients answer 4xx (the first N
times) or 5xx:  {"temporary": {"addr": N}, "permanent": ["addr"]}; make every message wait
before its answer, as a remote server does: {"delay_ms": 20}; or answer the Nth message of each
connection with "421 closing" and close it, without keeping the message: {"close_every": N}
(as servers that limit messages per connection do).

    python -m tests.mailing.smtp_sink --db sink.sqlite3 --port-file port.txt [--rules r.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import socket
import sqlite3
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(<[^>\r\n]*>)", re.IGNORECASE | re.MULTILINE)


class Recorder:
    def __init__(self, db: Path, rules: dict, keep_bodies: bool):
        self.db = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")  # committed before 250; no fsync wait
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, recipient TEXT, "
            "message_id TEXT, raw BLOB, peer TEXT)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS refusals (id INTEGER PRIMARY KEY, recipient TEXT, "
            "code INTEGER)"
        )
        self.temporary = {k.lower(): int(v) for k, v in rules.get("temporary", {}).items()}
        self.permanent = {a.lower() for a in rules.get("permanent", [])}
        self.keep_bodies = keep_bodies
        self.delay = float(rules.get("delay_ms", 0)) / 1000
        self.close_every = int(rules.get("close_every", 0))

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        address = address.lower()
        if address in self.permanent:
            self.db.execute("INSERT INTO refusals (recipient, code) VALUES (?, 550)", (address,))
            return "550 5.1.1 No such user here"
        if self.temporary.get(address, 0) > 0:
            self.temporary[address] -= 1
            self.db.execute("INSERT INTO refusals (recipient, code) VALUES (?, 451)", (address,))
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay:
            await asyncio.sleep(self.delay)
        session.data_count = getattr(session, "data_count", 0) + 1  # per connection
        if self.close_every and session.data_count % self.close_every == 0:
            for address in envelope.rcpt_tos:
                self.db.execute(
                    "INSERT INTO refusals (recipient, code) VALUES (?, 421)", (address,)
                )
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return "421 4.7.0 Too many messages on this connection, closing"
        raw = envelope.original_content or envelope.content
        found = MESSAGE_ID.search(raw)
        message_id = found.group(1).decode() if found else ""
        peer = ":".join(str(part) for part in session.peer[:2])  # the client's connection
        self.db.executemany(
            "INSERT INTO messages (recipient, message_id, raw, peer) VALUES (?, ?, ?, ?)",
            [(r, message_id, raw if self.keep_bodies else None, peer) for r in envelope.rcpt_tos],
        )
        return f"250 2.0.0 Ok: queued as {message_id}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--port-file", required=True, type=Path)
    parser.add_argument("--rules", type=Path)
    parser.add_argument("--no-bodies", action="store_true")
    args = parser.parse_args()
    rules = json.loads(args.rules.read_text()) if args.rules else {}
    handler = Recorder(args.db, rules, keep_bodies=not args.no_bodies)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port, decode_data=False)
    controller.start()
    tmp = args.port_file.with_suffix(".tmp")
    tmp.write_text(str(port))
    tmp.rename(args.port_file)

    def _stop(*_):
        controller.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
