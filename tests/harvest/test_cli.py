"""`pulse sources add --kind`, `pulse harvest`, `pulse items add|list|export` as a user runs
them: a real `pulse` process against a real server on 127.0.0.1."""

import json

from tests.clitools import pulse as run_pulse

from .conftest import rss
from .pdfs import plain_pdf

PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<meta name="citation_publication_date" content="2026-11-04"></head><body><main><h1>{title}</h1>
<p>This evaluation of 9 family hubs found that 64% of parents used at least two services.</p>
<p>It recommends that hubs keep shared records and publish quarterly outcomes.</p></main></body></html>"""


def pulse(workspace, *args):
    return run_pulse(*args, workspace=workspace)


def test_the_harvest_commands(http_server, tmp_path):
    routes = http_server.routes
    routes["/p/hubs"] = (
        200,
        {"Content-Type": "text/html"},
        PAGE.format(title="Family hubs").encode(),
    )
    routes["/feed.xml"] = (200, {}, rss(http_server.base, [{"title": "", "path": "/p/hubs"}]))
    routes["/p/down"] = (503, {"Retry-After": "0"}, b"")
    routes["/brief.pdf"] = (200, {"Content-Type": "application/pdf"}, plain_pdf("A two line brief"))
    workspace = tmp_path / "ws"
    assert pulse(workspace.parent, "init", str(workspace)).returncode == 0
    toml = workspace / "pulse.toml"
    toml.write_text(
        toml.read_text()
        .replace("allow_private_networks = false", "allow_private_networks = true")
        .replace("requests_per_second_per_host = 1.0", "requests_per_second_per_host = 100.0")
    )
    added = pulse(workspace, "sources", "add", http_server.url("/feed.xml"), "--name", "hubs")
    assert added.returncode == 0, added.stderr
    listing = pulse(workspace, "sources", "add", http_server.url("/list"), "--kind", "page",
                    "--name", "listing", "--selector", "main a")  # fmt: skip
    assert listing.returncode == 0, listing.stderr
    bad = pulse(workspace, "sources", "add", http_server.url("/x"), "--kind", "page",
                "--name", "bad", "--selector", "a[[")  # fmt: skip
    assert bad.returncode == 1 and "invalid CSS selector" in bad.stderr

    run = pulse(workspace, "harvest")
    assert run.returncode == 0, run.stderr
    assert "hubs" in run.stdout and "listing" in run.stdout and "HTTP 404" in run.stdout

    health = json.loads(pulse(workspace, "sources", "list", "--json").stdout)
    by_name = {s["name"]: s for s in health}
    assert by_name["hubs"]["health"] == "ok"
    assert (
        by_name["listing"]["health"] == "failing"
        and by_name["listing"]["consecutive_failures"] == 1
    )

    item = pulse(workspace, "items", "add", http_server.url("/brief.pdf"))
    assert item.returncode == 0 and "Added" in item.stdout
    down = pulse(workspace, "items", "add", http_server.url("/p/down"))
    assert down.returncode == 1 and "HTTP 503" in down.stderr and "Traceback" not in down.stderr

    rows = [json.loads(line) for line in pulse(workspace, "items", "export").stdout.splitlines()]
    assert {r["title"] for r in rows} == {"Family hubs", "brief"}
    hubs = next(r for r in rows if r["title"] == "Family hubs")
    assert hubs["published"] == "2026-11-04" and hubs["source"] == "hubs" and hubs["kind"] == "html"
    assert "64% of parents" in hubs["text"]
    for key in ("id", "url", "canonical_url", "publisher", "attachments", "first_seen"):
        assert key in hubs
