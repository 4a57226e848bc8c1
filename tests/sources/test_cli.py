"""`pulse sources packs|add-pack|resume|check` and `pulse harvest` cadence, as a user runs them."""

import json

from tests.clitools import pulse

FEED = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>
<item><title>Family hubs evaluation</title><link>{base}/p/hubs</link></item></channel></rss>"""
PAGE = b"""<!DOCTYPE html><html><head><title>Family hubs evaluation</title></head><body><main>
<h1>Family hubs evaluation</h1><p>Sixty-four per cent of parents used a hub in its first year.</p>
</main></body></html>"""


def workspace_for(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace), cwd=tmp_path, check=True)
    toml = workspace / "pulse.toml"
    text = toml.read_text()
    for old, new in (("allow_private_networks = false", "allow_private_networks = true"),
                     ("requests_per_second_per_host = 1.0", "requests_per_second_per_host = 100.0"),
                     ("pause_after_failures = 5", "pause_after_failures = 1"),
                     ("max_retries = 3", "max_retries = 0")):  # fmt: skip
        assert old in text
        text = text.replace(old, new)
    toml.write_text(text)
    return workspace


def test_packs_are_listed_and_adding_one_twice_adds_nothing_new(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace), cwd=tmp_path, check=True)
    listed = pulse("sources", "packs", workspace=workspace, check=True)
    assert "uk-social-policy" in listed.stdout
    first = pulse("sources", "add-pack", "uk-social-policy", workspace=workspace, check=True)
    again = pulse("sources", "add-pack", "uk-social-policy", workspace=workspace, check=True)
    rows = json.loads(pulse("sources", "list", "--json", workspace=workspace, check=True).stdout)
    assert f"Added {len(rows)} source(s)" in first.stdout and "0 already" in first.stdout
    assert "Added 0 source(s)" in again.stdout and f"{len(rows)} already" in again.stdout
    ofsted = next(r for r in rows if r["name"] == "ofsted-research")
    assert ofsted["kind"] == "govuk" and ofsted["sectors"] == ["children"]
    assert ofsted["last_seen"] == "2024-12-03" and ofsted["pack"] == "uk-social-policy"
    unknown = pulse("sources", "add-pack", "nope", workspace=workspace)
    assert unknown.returncode == 1 and "no source pack named 'nope'" in unknown.stderr


def test_add_validates_rules_interval_and_sectors(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", str(workspace), cwd=tmp_path, check=True)
    url = "https://example.org/feed.xml"
    for extra, message in ((("--block", "(oops"), "invalid block pattern '(oops'"),
                           (("--keep", "[a-"), "invalid keep pattern"),
                           (("--interval", "fortnightly"), "invalid interval 'fortnightly'"),
                           (("--sector", "health"), "unknown sector(s) health"),
                           (("--main-selector", "div[["), "invalid CSS selector")):  # fmt: skip
        bad = pulse("sources", "add", url, *extra, workspace=workspace)
        assert bad.returncode == 1 and message in bad.stderr and "Traceback" not in bad.stderr
    pulse("sources", "add", url, "--name", "weekly-one", "--interval", "weekly", "--sector",
          "children", "--block", "job vacanc", workspace=workspace, check=True)  # fmt: skip
    (row,) = json.loads(pulse("sources", "list", "--json", workspace=workspace).stdout)
    assert (row["interval"], row["sectors"], row["block"]) == (
        "weekly",
        ["children"],
        ["job vacanc"],
    )


def test_harvest_skips_what_is_not_due_pauses_a_failing_source_and_resumes(tmp_path, http_server):
    http_server.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                       FEED.replace(b"{base}", http_server.base.encode()))  # fmt: skip
    http_server.routes["/p/hubs"] = (200, {"Content-Type": "text/html"}, PAGE)
    http_server.routes["/down.xml"] = (503, {}, b"down")
    workspace = workspace_for(tmp_path)
    pulse("sources", "add", http_server.url("/feed.xml"), "--name", "hubs", workspace=workspace,
          check=True)  # fmt: skip
    pulse("sources", "add", http_server.url("/down.xml"), "--name", "down", workspace=workspace,
          check=True)  # fmt: skip

    first = pulse("harvest", workspace=workspace)
    assert first.returncode == 0, first.stderr
    assert "down is paused after repeated failures" in first.stdout
    assert "pulse sources resume down" in first.stdout
    rows = {r["name"]: r for r in json.loads(pulse("sources", "list", "--json",
                                                   workspace=workspace).stdout)}  # fmt: skip
    assert rows["down"]["health"] == "paused" and "HTTP 503" in rows["down"]["last_error"]
    assert rows["hubs"]["health"] == "ok" and rows["hubs"]["next_due"]
    table = pulse("sources", "list", workspace=workspace).stdout
    assert table.index("down") < table.index("hubs") and "paused" in table

    feed_hits = http_server.hits.count("/feed.xml")
    second = pulse("harvest", workspace=workspace)
    assert "1 source(s) not due yet" in second.stdout and "--all" in second.stdout
    assert http_server.hits.count("/feed.xml") == feed_hits
    pulse("harvest", "--all", workspace=workspace, check=True)
    assert http_server.hits.count("/feed.xml") == feed_hits + 1
    assert http_server.hits.count("/down.xml") == 1  # paused: even --all leaves it alone

    resumed = pulse("sources", "resume", "down", workspace=workspace, check=True)
    assert "Resumed down" in resumed.stdout
    rows = {r["name"]: r for r in json.loads(pulse("sources", "list", "--json",
                                                   workspace=workspace).stdout)}  # fmt: skip
    assert rows["down"]["paused_at"] is None and rows["down"]["consecutive_failures"] == 0
    missing = pulse("sources", "resume", "nope", workspace=workspace)
    assert missing.returncode == 1 and "no source named 'nope'" in missing.stderr

    checked = json.loads(pulse("sources", "check", "--json", workspace=workspace).stdout)
    assert {r["source"]: r["status"] for r in checked} == {"hubs": "ok", "down": "failing"}
