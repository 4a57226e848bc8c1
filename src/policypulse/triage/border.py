"""The real labelled sets as bundled training examples, shipped so that the default triage
knows the house's decisions before anyone has corrected it:

* the borderline set (tests/data/triage/borderline.jsonl): real publications an editor placed
  at the borders of the sectors, with their type, as `border_examples.jsonl` (origin
  "border": they teach the sector and the type models);
* the type set (tests/data/triage/types.jsonl): real publications labelled report or
  briefing, as `type_examples.jsonl` (origin "types": they teach the type model only). A page
  that is in both sets (same URL) is shipped once, with the borderline set, and names its
  twin's id in `also`, so an evaluation holding out either id holds out both.

Only what may be redistributed is shipped: the page's opening for items under an open
licence (Open Government, Open Parliament, Creative Commons), the title, publisher and
document type alone for pages quoted under no open licence. Regenerate after a set changes:

    python -m policypulse.triage.border tests/data/triage/borderline.jsonl \
        tests/data/triage/types.jsonl src/policypulse/triage
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FILE = "border_examples.jsonl"
TYPES_FILE = "type_examples.jsonl"
OPEN_LICENCES = ("Open Government Licence", "Open Parliament Licence", "Creative Commons")


def shippable(row: dict, also: list[str] | None = None) -> dict:
    """One borderline record as a bundled example: its text only under an open licence."""
    example = {"id": row["id"], "title": row["title"], "publisher": row.get("publisher", ""),
               "text": _open_text(row), "sector": row["sector"], "type": row["type"]}  # fmt: skip
    if also:
        example["also"] = also
    return example


def shippable_type(row: dict) -> dict:
    """One type-set record as a bundled type example (no sector: it teaches the type only)."""
    return {"id": row["id"], "title": row["title"], "publisher": row.get("publisher", ""),
            "document_type": row.get("document_type", ""), "text": _open_text(row),
            "type": row["type"]}  # fmt: skip


def _open_text(row: dict) -> str:
    return row["text"] if str(row.get("licence", "")).startswith(OPEN_LICENCES) else ""


def bundles(border_rows: list[dict], type_rows: list[dict]) -> tuple[list[dict], list[dict]]:
    """The border and type examples; a type-set page already in the borderline set (same URL)
    becomes an alias of the borderline one."""
    by_url = {row.get("url"): row["id"] for row in border_rows if row.get("url")}
    also: dict[str, list[str]] = {}
    types = []
    for row in type_rows:
        twin = by_url.get(row.get("url"))
        if twin:
            also.setdefault(twin, []).append(row["id"])
        else:
            types.append(shippable_type(row))
    return [shippable(row, also.get(row["id"])) for row in border_rows], types


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def main(borderline: Path, types: Path, target: Path) -> None:
    border_examples, type_examples = bundles(_rows(borderline), _rows(types))
    for name, examples in ((FILE, border_examples), (TYPES_FILE, type_examples)):
        lines = [json.dumps(example, ensure_ascii=False) for example in examples]
        (target / name).write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
