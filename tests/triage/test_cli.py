"""The triage commands as a user runs them: a real `pulse` process."""

import json

from tests.clitools import pulse, run_python

GOLD = [
    {"id": "a", "title": "Delayed discharge from hospital to care homes", "publisher": "Care Trust",
     "text": "Older patients waited for home care packages.", "sector": "adult-care",
     "type": "report"},
    {"id": "b", "title": "Youth offending teams: an evaluation", "publisher": "Justice Centre",
     "text": "Reoffending by children supervised by youth justice services.", "sector": "justice",
     "type": "report"},
    {"id": "c", "title": "Freight train punctuality statistics", "publisher": "Rail Data Office",
     "text": "Official statistics on freight trains.", "sector": "out", "type": "briefing"},
]  # fmt: skip


def _gold_file(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in GOLD))
    return path


def test_eval_classify_without_a_workspace(tmp_path):
    gold = _gold_file(tmp_path)
    result = pulse("eval", "classify", "--gold", str(gold), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 3
    assert set(report) == {"n", "sector", "type", "relevance", "errors"}
    assert "out" in report["sector"]["per_class"]
    assert report["sector"]["accuracy"] == 1.0, report["errors"]
    table = pulse("eval", "classify", "--gold", str(gold), cwd=tmp_path)
    assert table.returncode == 0 and "macro-F1" in table.stdout and "adult-care" in table.stdout
    corrections = tmp_path / "corrections.jsonl"
    corrections.write_text(json.dumps(GOLD[2]) + "\n")
    taught = pulse("eval", "classify", "--gold", str(gold), "--train", str(corrections),
                   "--json", cwd=tmp_path)  # fmt: skip
    assert taught.returncode == 0, taught.stderr
    assert json.loads(taught.stdout)["n"] == 2 and json.loads(taught.stdout)["corrections"] == 1
    curve = pulse("eval", "classify", "--gold", str(gold), "--curve", "--json", cwd=tmp_path)
    assert curve.returncode == 0 and [r["k"] for r in json.loads(curve.stdout)] == [0]
    by_publisher = pulse("eval", "classify", "--gold", str(gold), "--curve", "--folds", "2",
                         "--json", cwd=tmp_path)  # fmt: skip
    assert by_publisher.returncode == 0, by_publisher.stderr
    assert [(r["k"], r["folds"], r["scored"]) for r in json.loads(by_publisher.stdout)] == [
        (0, 2, 3)
    ]
    missing = pulse("eval", "classify", "--gold", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert missing.returncode != 0 and "Traceback" not in missing.stderr


def test_triage_train_and_explain_in_a_workspace(tmp_path):
    workspace = tmp_path / "ws"
    assert pulse("init", str(workspace)).returncode == 0
    setup = (
        "import sys; from pathlib import Path; from policypulse import runtime;"
        "runtime.start(Path(sys.argv[1]));"
        "from policypulse.catalogue.models import Publication as P;"
        "from policypulse.triage.services import record_editor_decision as r;"
        "a = P.objects.create(url='https://e.org/1', canonical_url='https://e.org/1',"
        " title='Probation caseloads and staff shortages', text='Probation officers.');"
        "b = P.objects.create(url='https://e.org/2', canonical_url='https://e.org/2',"
        " title='Bus fares in rural counties', text='Bus operators.');"
        "r(b, actor='cli:test', decision='rejected'); print(a.pk)"
    )
    created = run_python(["-c", setup, str(workspace)])
    pk = created.stdout.strip()
    assert pulse("-w", str(workspace), "triage").returncode == 0
    trained = pulse("-w", str(workspace), "triage", "train")
    assert trained.returncode == 0, trained.stderr
    assert "1 editor decisions" in trained.stdout
    explained = pulse("-w", str(workspace), "triage", "explain", pk, "--json")
    assert explained.returncode == 0, explained.stderr
    why = json.loads(explained.stdout)
    assert why["model"]["sector"] == "justice"
    assert why["stored"]["decided_by"] == "model"
    assert "probation" in why["hints"]["justice"]["include"]
    assert len(why["neighbours"]) == 5
    assert all(n["origin"] != "note" for n in why["neighbours"])
    assert len(why["notes"]) == 3 and all(n["origin"] == "note" for n in why["notes"])
    assert why["settings"]["justice"] == ["probation"]
    readable = pulse("-w", str(workspace), "triage", "explain", pk)
    assert "Nearest labelled examples" in readable.stdout
    assert "Scope note (" in readable.stdout and "Setting (justice): probation" in readable.stdout
    report = pulse("-w", str(workspace), "eval", "classify", "--gold", str(_gold_file(tmp_path)),
                   "--json")  # fmt: skip
    assert report.returncode == 0 and json.loads(report.stdout)["n"] == 3
    unknown = pulse("-w", str(workspace), "triage", "explain", "9999")
    assert unknown.returncode == 1 and "no publication with id 9999" in unknown.stderr
