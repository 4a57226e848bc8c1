"""pulse demo."""

from __future__ import annotations

import time
from pathlib import Path

import click

from policypulse.cli import output
from policypulse.cli.app import cli


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("pulse-demo"),
              show_default=True, help="Where to write the edition and keep the demo workspace.")  # fmt: skip
def demo(out: Path) -> None:
    """Harvest a bundled month of fictional publications from a local server and build its
    edition: edition.html, edition.txt and edition.pdf in OUT.

    \b
    Examples:
      pulse demo
      pulse demo --out /tmp/pulse-demo
    """
    from policypulse.demo.run import run_demo

    started = time.perf_counter()
    with output.status("Starting") as status:
        result = run_demo(out, on_stage=lambda name: status.update(f"{name}…"))
    wall = time.perf_counter() - started

    rows = []
    for key, label in result.sector_labels.items():
        reports = result.counts.get((key, "report"), 0)
        briefings = result.counts.get((key, "briefing"), 0)
        rows.append([label, reports, briefings, reports + briefings])
    rows.append([output.styled("out of scope (left out)", "dim"), "", "", result.out_of_scope])
    numbers = (("reports", "right"), ("briefings", "right"), ("total", "right"))
    output.show(output.table(("sector", *numbers), rows, title="The demo edition"))

    rows = [[name, f"{seconds:.2f}"] for name, seconds in result.timings.items()]
    rows.append([output.styled("total (wall)", "bold"), f"{wall:.2f}"])
    output.show(output.table(("stage", ("seconds", "right")), rows, title="Time per stage"))
    for name, path in result.files.items():
        output.say("{}: {}", f"{name:>5}", path.resolve())
    output.say("Explore it: pulse --workspace {} items list", result.workspace)
