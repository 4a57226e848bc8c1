"""pulse demo."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.table import Table

from policypulse.cli import cli, console


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("pulse-demo"),
              show_default=True, help="Where to write the edition and keep the demo workspace.")  # fmt: skip
def demo(out: Path) -> None:
    """Harvest a bundled month of fictional publications from a local server and build its
    edition: edition.html, edition.txt and edition.pdf in OUT."""
    from policypulse.demo.run import run_demo

    started = time.perf_counter()
    with console.status("Starting") as status:
        result = run_demo(out, on_stage=lambda name: status.update(f"[bold]{name}[/]…"))
    wall = time.perf_counter() - started

    items = Table(title="The demo edition")
    items.add_column("sector")
    items.add_column("reports", justify="right")
    items.add_column("briefings", justify="right")
    items.add_column("total", justify="right")
    for key, label in result.sector_labels.items():
        reports = result.counts.get((key, "report"), 0)
        briefings = result.counts.get((key, "briefing"), 0)
        items.add_row(label, str(reports), str(briefings), str(reports + briefings))
    items.add_row("[dim]out of scope (left out)[/]", "", "", str(result.out_of_scope))
    console.print(items)

    stages = Table(title="Time per stage")
    stages.add_column("stage")
    stages.add_column("seconds", justify="right")
    for name, seconds in result.timings.items():
        stages.add_row(name, f"{seconds:.2f}")
    stages.add_row("[bold]total (wall)[/]", f"{wall:.2f}")
    console.print(stages)
    for name, path in result.files.items():
        console.print(f"{name:>5}: {path.resolve()}")
    console.print(f"Explore it: pulse --workspace {result.workspace} items list")
