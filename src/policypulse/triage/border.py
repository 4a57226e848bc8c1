"""The borderline set as bundled training examples: real publications an editor placed at
the borders of the sectors (tests/data/triage/borderline.jsonl), shipped so that the default
triage knows the house's border decisions before anyone has corrected it.

Only what may be redistributed is shipped: the page's opening for items under an open
licence (Open Government, Open Parliament, Creative Commons), the title and publisher alone
for pages quoted under no open licence. Types stay with the type rules (`type` is left out).
Regenerate after the borderline set changes:

    python -m policypulse.triage.border tests/data/triage/borderline.jsonl \
        src/policypulse/triage/border_examples.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

FILE = "border_examples.jsonl"
OPEN_LICENCES = ("Open Government Licence", "Open Parliament Licence", "Creative Commons")


def shippable(row: dict) -> dict:
    """One borderline record as a bundled example: its text only under an open licence."""
    text = row["text"] if str(row.get("licence", "")).startswith(OPEN_LICENCES) else ""
    return {"id": row["id"], "title": row["title"], "publisher": row.get("publisher", ""),
            "text": text, "sector": row["sector"]}  # fmt: skip


def main(source: Path, target: Path) -> None:
    rows = [json.loads(line) for line in source.read_text("utf-8").splitlines() if line.strip()]
    lines = [json.dumps(shippable(row), ensure_ascii=False) for row in rows]
    target.write_text("\n".join(lines) + "\n", "utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
