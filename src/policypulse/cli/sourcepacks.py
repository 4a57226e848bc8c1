"""pulse sources packs, add-pack, resume, check: ready-made sources and source health."""

from __future__ import annotations

import sys

import click

from policypulse.cli import output
from policypulse.cli.app import pass_state
from policypulse.cli.pipeline import sources


@sources.command("packs")
@pass_state
def sources_packs(state) -> None:
    """List the source packs that come with PolicyPulse.

    \b
    Examples:
      pulse sources packs
      pulse sources add-pack uk-social-policy
    """
    from policypulse.sources.packs import load_pack, pack_names

    packs = [load_pack(name) for name in pack_names()]
    output.show(output.table(
        ("pack", "sources", "about"),
        ([p.name, len(p.entries), p.description] for p in packs),
        title="Source packs",
    ))  # fmt: skip


@sources.command("add-pack")
@click.argument("name")
@pass_state
def sources_add_pack(state, name: str) -> None:
    """Add every source of a pack; adding it again adds nothing new.

    \b
    Examples:
      pulse sources add-pack uk-social-policy
      pulse sources packs
    """
    from policypulse.sources.services import add_pack

    result = add_pack(name)
    output.say("Added {} source(s) from {}; {} already there.", len(result.added), name,
               len(result.already))  # fmt: skip


@sources.command("resume")
@click.argument("name")
@pass_state
def sources_resume(state, name: str) -> None:
    """Resume a source paused after repeated failures.

    \b
    Examples:
      pulse sources resume example-feed
      pulse sources list
    """
    from policypulse.sources.services import resume

    source = resume(name)
    output.say("Resumed [bold]{}[/]: the next harvest fetches it.", source.name)


@sources.command("check")
@click.option("--json", "as_json", is_flag=True)
@pass_state
def sources_check(state, as_json: bool) -> None:
    """Fetch each source's address once: what answers, what moved, what is gone.
    Nothing is harvested and no source's state changes.

    \b
    Examples:
      pulse sources check
      pulse sources check --json
    """
    from policypulse.harvest.check import check_sources

    results = check_sources(state.config)
    if as_json:
        output.show_json([r.__dict__ for r in results])
    else:
        colours = {"ok": "green", "moved": "yellow", "gone": "red", "failing": "red"}
        output.show(output.table(
            ("source", "status", "url", "detail"),
            ([r.source, output.styled(r.status, colours[r.status]), r.url, r.detail[:80]]
             for r in results),
            title="Source check",
        ))  # fmt: skip
    if results and all(r.status in ("gone", "failing") for r in results):
        sys.exit(1)
