"""The mailing commands through a real `pulse` process on a workspace."""

from __future__ import annotations

import json

from tests.clitools import pulse, run_python


def run(workspace, *args, env=None, check=True):
    return pulse(*args, workspace=workspace, env=env, check=check)


def test_subscriber_and_send_commands(tmp_path, sink):
    env = {"PULSE_SMTP_URL": sink.url}
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    run_python(["-m", "tests.mailing.helpers", str(workspace), "0", "--draft"])
    csv = tmp_path / "people.csv"
    csv.write_text("email,name,organisation,sectors\nA@x.org,A,,justice\nbad,,,\nb@x.org,B,,nope\n")
    imported = run(workspace, "subscribers", "import", str(csv), "--json", env=env)
    report = json.loads(imported.stdout)
    assert report["created"] == 1 and [r["line"] for r in report["rejected"]] == [3, 4]
    listed = json.loads(run(workspace, "subscribers", "list", "--json", env=env).stdout)
    assert [(s["email"], s["status"], s["sectors"]) for s in listed] == [
        ("a@x.org", "active", ["justice"])
    ]
    refused = run(workspace, "send", env=env, check=False)
    assert refused.returncode == 1 and "approve it first" in refused.stderr
    assert "Approved" in run(workspace, "editions", "approve", "--month", "2026-10", env=env).stdout
    assert "1 would be sent" in run(workspace, "send", "--dry-run", env=env).stdout
    sent = json.loads(run(workspace, "send", "--month", "2026-10", "--json", env=env).stdout)
    assert sent["sent"] == 1 and sent["complete"] is True
    assert sink.recipients() == ["a@x.org"]
    listing = json.loads(run(workspace, "deliveries", "--status", "sent", "--json", env=env).stdout)
    assert listing["counts"] == {"sent": 1} and listing["rows"][0]["email"] == "a@x.org"
    exported = json.loads(run(workspace, "subscribers", "export", "a@x.org", env=env).stdout)
    assert exported["deliveries"][0]["status"] == "sent"
    run(workspace, "subscribers", "erase", "a@x.org", "--yes", env=env)
    assert json.loads(run(workspace, "subscribers", "list", "--json", env=env).stdout) == []
    again = json.loads(run(workspace, "subscribers", "import", str(csv), "--json", env=env).stdout)
    assert again["created"] == 0 and "suppressed" in again["rejected"][0]["reason"]
    missing = run(workspace, "subscribers", "export", "nobody@x.org", env=env, check=False)
    assert missing.returncode == 1 and "no subscriber" in missing.stderr
