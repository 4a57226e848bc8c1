"""Editors' gold files for `pulse eval`: JSON Lines, one labelled item a line."""

from __future__ import annotations

import json
from pathlib import Path

from policypulse.errors import GoldFileError


def read_gold_lines(path: Path | str, required: tuple[str, ...]) -> list[dict]:
    """The file's objects; an unreadable file, a bad line or a missing field is one clear error
    naming the line, and an empty file is an error too (an evaluation of nothing says nothing)."""
    path = Path(path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise GoldFileError(f"cannot read gold file {path}: {exc}") from None
    rows = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}, line {number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise GoldFileError(f"{path}, line {number}: not a JSON object")
        missing = [key for key in required if not row.get(key)]
        if missing:
            raise GoldFileError(f"{path}, line {number}: missing {', '.join(missing)}")
        rows.append(row)
    if not rows:
        raise GoldFileError(f"{path}: no items")
    return rows
