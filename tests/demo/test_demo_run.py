"""`pulse demo` end to end, in a real process: the three files and a sensible edition."""

import os
import subprocess
import sys

import pypdfium2


def test_demo_writes_the_edition(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_WORKSPACE", "DATABASE_URL")}
    out = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, "-m", "policypulse", "demo", "--out", str(out)],
        capture_output=True, text=True, env=env, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    for name in ("edition.html", "edition.txt", "edition.pdf"):
        assert (out / name).stat().st_size > 1000, name
    assert (out / "workspace" / "pulse.toml").is_file()
    assert "Time per stage" in result.stdout

    html = (out / "edition.html").read_text()
    text = (out / "edition.txt").read_text()
    for label in ("Adult Social Care and Health", "Children and Young People", "Criminal Justice"):
        assert label in html
        assert label.upper() in text
    assert (
        html.index("Adult Social Care")
        < html.index("Children and Young")
        < html.index("Criminal Justice")
    )
    pdf = pypdfium2.PdfDocument(str(out / "edition.pdf"))
    assert len(pdf) >= 3

    listed = subprocess.run(
        [sys.executable, "-m", "policypulse", "--workspace", str(out / "workspace"), "items", "list", "--json"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    import json

    items = json.loads(listed.stdout)
    assert len(items) >= 28
    out_of_scope = [i for i in items if i["sector"] == "out"]
    assert len(out_of_scope) >= 3
