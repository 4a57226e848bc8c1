"""The mailing commands through a real `pulse` process on a workspace."""

from __future__ import annotations

import json

import pytest

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
    again = run(workspace, "subscribers", "import", str(csv), "--json", env=env, check=False)
    assert again.returncode == 1  # every row rejected: the import failed
    assert "suppressed" in json.loads(again.stdout)["rejected"][0]["reason"]
    missing = run(workspace, "subscribers", "export", "nobody@x.org", env=env, check=False)
    assert missing.returncode == 1 and "no subscriber" in missing.stderr


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "ws"
    pulse("init", root, check=True)
    return root, None


def import_csv(workspace, tmp_path, text: str, *args):
    root, env = workspace
    path = tmp_path / "people.csv"
    path.write_text(text, encoding="utf-8")
    return run(root, "subscribers", "import", str(path), *args, env=env, check=False)


def imported(workspace) -> list[tuple[str, list[str]]]:
    root, env = workspace
    rows = json.loads(run(root, "subscribers", "list", "--json", env=env).stdout)
    return [(row["email"], row["sectors"]) for row in rows]


def test_import_where_every_row_is_rejected_fails_with_one_line(workspace, tmp_path):
    """Finding 10: this exited 0."""
    result = import_csv(workspace, tmp_path, "email,name\nnot-an-address,A\nalso bad,B\n")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: no subscriber imported: all 2 row(s) were rejected"
    ]
    assert "not-an-address" in result.stdout and "also bad" in result.stdout
    hostile = import_csv(workspace, tmp_path, "email\n[/bold]@x\n")
    assert hostile.returncode == 1 and "Traceback" not in hostile.stderr
    assert "[/bold]@x" in hostile.stdout  # the file's text is printed as text, not markup
    assert imported(workspace) == []
    as_json = import_csv(workspace, tmp_path, "email\nnope\n", "--json")
    assert as_json.returncode == 1 and json.loads(as_json.stdout)["rejected"][0]["line"] == 2


def test_import_of_a_header_without_rows_fails(workspace, tmp_path):
    result = import_csv(workspace, tmp_path, "email,name\n")
    assert result.returncode == 1 and "no subscriber rows" in result.stderr


def test_partly_rejected_import_reports_counts_and_lines(workspace, tmp_path):
    text = "email,sectors\na@x.org,justice\nbad,\nb@x.org,nope\nA@X.org,\n"
    result = import_csv(workspace, tmp_path, text)
    assert result.returncode == 0, result.stderr
    assert "Imported 1 subscriber(s); 0 already subscribed; 3 row(s) rejected." in result.stdout
    cells = [line.split("│")[1].strip() for line in result.stdout.splitlines() if "│" in line]
    assert [cell for cell in cells if cell] == ["3", "4", "5"]  # the rejected lines, in order
    assert "duplicate of line 2" in result.stdout
    assert imported(workspace) == [("a@x.org", ["justice"])]


def test_semicolon_separated_csv_is_read(workspace, tmp_path):
    """Finding 10: a semicolon CSV (as spreadsheets save it in many locales) got
    "needs a header row" although it has one."""
    text = 'email;name;organisation;sectors\nc@x.org;C;"Org; Ltd";"justice;children"\n'
    result = import_csv(workspace, tmp_path, text)
    assert result.returncode == 0, result.stderr
    assert imported(workspace) == [("c@x.org", ["justice", "children"])]


def test_delimiter_can_be_given(workspace, tmp_path):
    text = "email\tname\nt@x.org\tT\n"
    assert import_csv(workspace, tmp_path, text, "--delimiter", "tab").returncode == 0
    assert imported(workspace) == [("t@x.org", [])]
    wrong = import_csv(workspace, tmp_path, "email,name\nu@x.org,U\n", "--delimiter", "|")
    assert wrong.returncode == 1 and "with the delimiter '|'" in wrong.stderr
    bad = import_csv(workspace, tmp_path, "email\n", "--delimiter", ";;")
    assert bad.returncode == 2 and "one character" in bad.stderr
