"""`pulse demo` end to end, in a real process: the three files and a sensible edition."""

import pypdfium2

from tests.clitools import pulse


def test_demo_writes_the_edition(tmp_path):
    out = tmp_path / "demo"
    result = pulse("demo", "--out", out, timeout=600)
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
    foreword = text[
        text.index("Draft written by PolicyPulse") : text.index("Questions or suggestions")
    ]
    foreword = " ".join(foreword.split())  # the text edition wraps lines
    assert "themes include" not in foreword and "Check before approving" not in foreword
    assert 120 <= len(foreword.split()) <= 300
    assert foreword.count("gathered around") == 3 and "Of most interest is" in foreword
    pdf = pypdfium2.PdfDocument(str(out / "edition.pdf"))
    assert len(pdf) >= 3

    listed = pulse("items", "list", "--json", workspace=out / "workspace")
    import json

    items = json.loads(listed.stdout)
    assert len(items) >= 28
    out_of_scope = [i for i in items if i["sector"] == "out"]
    assert len(out_of_scope) >= 3
