"""`pulse demo`: a whole month, offline, from harvest to a rendered edition."""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from policypulse.workspace import default_toml


@dataclass
class DemoResult:
    out: Path
    workspace: Path
    files: dict[str, Path] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    sector_labels: dict[str, str] = field(default_factory=dict)
    harvest_reports: list = field(default_factory=list)
    out_of_scope: int = 0


def demo_toml(feeds: list[dict]) -> str:
    text = default_toml()
    text = text.replace(
        'name = "Example Research Partnership"', 'name = "Northfield Research Partnership"'
    )
    text = text.replace(
        "allow_private_networks = false",
        "allow_private_networks = true  # the demo site is on 127.0.0.1",
    )
    text = text.replace(
        "requests_per_second_per_host = 1.0",
        "requests_per_second_per_host = 200.0  # our own loopback server",
    )
    sources = "\n".join(
        f'[[sources]]\nname = "{f["name"]}"\nurl = "{f["url"]}"\nkind = "feed"\npublisher = "{f["publisher"]}"\n'
        for f in feeds
    )
    return text + "\n# The demo's sources: feeds served from 127.0.0.1 by `pulse demo`.\n" + sources


def run_demo(out: Path, on_stage=None) -> DemoResult:
    from policypulse import runtime
    from policypulse.demo.site import DemoServer
    from policypulse.workspace import create_workspace

    out.mkdir(parents=True, exist_ok=True)
    workspace_dir = out / "workspace"
    if workspace_dir.exists():
        shutil.rmtree(workspace_dir)
    result = DemoResult(out=out, workspace=workspace_dir)

    def stage(name: str):
        if on_stage:
            on_stage(name)
        return _Timer(result.timings, name)

    with DemoServer() as server:
        with stage("set up"):
            workspace = create_workspace(workspace_dir, toml_text=demo_toml(server.feeds()))
            runtime.start(workspace.root.resolve())
            config = workspace.config
        from policypulse.harvest.services import harvest

        with stage("harvest"):
            result.harvest_reports = harvest(config)
    from policypulse.audit.services import cli_actor
    from policypulse.editions.services import build_edition, latest_month
    from policypulse.render.documents import render_html, render_pdf, render_text
    from policypulse.render.view import edition_view
    from policypulse.summaries.services import summarize
    from policypulse.triage.services import triage

    with stage("triage"):
        triage(config)
    with stage("summarise"):
        summarize(config)
    with stage("compose"):
        edition = build_edition(config, latest_month(), actor=cli_actor())
    with stage("render"):
        view = edition_view(edition, config)
        files = {
            "html": (out / "edition.html", render_html(view).encode("utf-8")),
            "text": (out / "edition.txt", render_text(view).encode("utf-8")),
            "pdf": (out / "edition.pdf", render_pdf(view)),
        }
        for name, (path, data) in files.items():
            path.write_bytes(data)
            result.files[name] = path
    for item in edition.items.all():
        result.counts[(item.sector, item.type)] = result.counts.get((item.sector, item.type), 0) + 1
    from policypulse.triage.models import TriageLabel

    result.out_of_scope = TriageLabel.objects.filter(relevant=False).count()
    result.sector_labels = {s.key: s.label for s in config.sectors}
    return result


class _Timer:
    def __init__(self, timings: dict, name: str):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.timings[self.name] = time.perf_counter() - self.started
