"""pulse eval summarize: the report's schema, the baseline beside it, and a pinned floor."""

from __future__ import annotations

import json

import pytest

from policypulse.summaries.backends import Draft, Options
from policypulse.summaries.evaluate import GoldFileError, evaluate, read_gold
from policypulse.summaries.registry import get_backend
from tests.clitools import pulse

KEYS = {"n", "backend", "rouge1", "rouge2", "rougeLsum", "words", "within_bounds",
        "numbers_grounded", "items"}  # fmt: skip


def test_report_schema_and_baseline_side_by_side(dev_gold):
    report = evaluate(dev_gold[:3], get_backend("extractive"), Options(), baseline="lead")
    assert set(report) == KEYS | {"baseline"}
    assert set(report["baseline"]) == KEYS and report["baseline"]["backend"] == "lead"
    assert report["n"] == 3 and report["backend"] == "extractive"
    assert set(report["words"]) == {"mean", "min", "max"}
    assert set(report["items"][0]) == {"id", "summary", "rouge1", "ungrounded"}
    assert 0 < report["rouge2"] < report["rouge1"] <= 100


def test_an_invented_figure_is_reported_as_ungrounded(dev_gold):
    class Inventor:
        name = "inventor"
        concurrency = 1

        def summarize(self, request, options):
            return Draft("This report found that 97.3% of everything rose in 1066.", self.name)

    report = evaluate(dev_gold[:2], Inventor(), Options())
    assert report["numbers_grounded"] == 0
    assert report["items"][0]["ungrounded"] == ["97.3%", "1066"]
    assert report["within_bounds"] == 0


def test_floor_extractive_beats_lead_on_the_dev_gold(dev_gold):
    """Pinned floor on the development pairs (reference summaries written for development,
    not by the digest's editors): extractive must stay ahead of the lead baseline."""
    report = evaluate(dev_gold, get_backend("extractive"), Options(), baseline="lead")
    lead = report["baseline"]
    assert report["rouge1"] >= 66 and report["rouge1"] > lead["rouge1"] + 5
    assert report["rouge2"] >= 44 and report["rouge2"] > lead["rouge2"] + 5
    assert report["numbers_grounded"] == 1.0 and report["within_bounds"] == 1.0


def test_cli_prints_the_json_report_and_errors_in_one_line(dev_gold, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(item) + "\n" for item in dev_gold[:4]))
    # no workspace in tmp_path: the default configuration applies
    result = pulse("eval", "summarize", "--gold", str(gold), "--json", "--baseline", "lead",
                   cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["n"] == 4 and report["backend"] == "extractive"
    assert report["baseline"]["n"] == 4
    missing = pulse("eval", "summarize", "--gold", str(tmp_path / "none.jsonl"), cwd=tmp_path)
    assert missing.returncode == 1 and missing.stderr.startswith("Error: cannot read")


def test_gold_file_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "x", "summary": "y"}\n{"id": "b", "text": "x"}\n')
    with pytest.raises(GoldFileError, match="line 2: missing summary"):
        read_gold(bad)
