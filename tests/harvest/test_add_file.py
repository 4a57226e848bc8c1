"""`pulse items add FILE`: publications that arrive by hand (an embargoed PDF, a Word document,
a saved HTML page), then `pulse items reextract` over their stored bytes. A real `pulse`."""

import io
import json
import sqlite3

import docx

from tests.clitools import pulse as run_pulse

from .pdfs import plain_pdf


def pulse(workspace, *args):
    return run_pulse(*args, workspace=workspace)


def word_document() -> bytes:
    document = docx.Document()
    document.core_properties.title = "Kinship care briefing"
    document.core_properties.author = "A. Researcher; B. Analyst"
    document.add_paragraph("Kinship carers looked after 141,000 children in England in 2025.")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Local authorities paying allowances"
    table.rows[0].cells[1].text = "61%"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


HTML = b"""<!DOCTYPE html><html><head><title>Youth custody review</title></head><body><main>
<h1>Youth custody review</h1><p>The review of 5 secure training centres found staffing gaps in 4.</p>
</main></body></html>"""


def test_adding_local_files_and_reextracting_them(tmp_path):
    workspace = tmp_path / "ws"
    assert pulse(tmp_path, "init", str(workspace)).returncode == 0
    (tmp_path / "report.pdf").write_bytes(plain_pdf("Embargoed findings on adoption"))
    (tmp_path / "brief.docx").write_bytes(word_document())
    (tmp_path / "review.html").write_bytes(HTML)
    (tmp_path / "notes.txt").write_text("just some notes")

    pdf = pulse(workspace, "items", "add", tmp_path / "report.pdf", "--publisher",
                "Example Trust", "--title", "Adoption: the embargoed report", "--date", "2026-11-20")  # fmt: skip
    assert pdf.returncode == 0, pdf.stderr
    assert "Added" in pdf.stdout and "is not an http(s) URL" not in pdf.stderr
    word = pulse(workspace, "items", "add", tmp_path / "brief.docx",
                 "--url", "https://example.org/kinship-brief")  # fmt: skip
    assert word.returncode == 0, word.stderr
    page = pulse(workspace, "items", "add", tmp_path / "review.html")
    assert page.returncode == 0, page.stderr
    again = pulse(workspace, "items", "add", tmp_path / "report.pdf")
    assert again.returncode == 0 and "Already known" in again.stdout
    text = pulse(workspace, "items", "add", tmp_path / "notes.txt")
    assert (
        text.returncode == 1
        and "is not a PDF, a Word document (.docx) or an HTML page" in text.stderr
    )
    missing = pulse(workspace, "items", "add", tmp_path / "gone.pdf")
    assert missing.returncode == 1 and "neither an http(s) URL nor a file" in missing.stderr
    both = pulse(workspace, "items", "add", "https://example.org/x", "--url", "https://e.org/y")
    assert both.returncode == 1 and "--url is for a local file" in both.stderr

    rows = {
        r["kind"]: r
        for r in map(json.loads, pulse(workspace, "items", "export").stdout.splitlines())
    }
    assert set(rows) == {"pdf", "docx", "html"}
    assert rows["pdf"]["title"] == "Adoption: the embargoed report"
    assert rows["pdf"]["publisher"] == "Example Trust" and rows["pdf"]["published"] == "2026-11-20"
    assert rows["pdf"]["url"] == "" and rows["pdf"]["canonical_url"].startswith("upload:sha256:")
    assert "Embargoed findings on adoption" in rows["pdf"]["text"]
    assert rows["docx"]["url"] == "https://example.org/kinship-brief"
    assert rows["docx"]["title"] == "Kinship care briefing"
    assert rows["docx"]["authors"] == ["A. Researcher", "B. Analyst"]
    assert "141,000 children" in rows["docx"]["text"] and "61%" in rows["docx"]["text"]
    assert (
        "staffing gaps in 4" in rows["html"]["text"]
        and rows["html"]["title"] == "Youth custody review"
    )

    database = sqlite3.connect(workspace / "pulse.sqlite3")
    with database:
        actions = database.execute(
            "select actor, action from web_auditentry where action = 'add-publication'"
        ).fetchall()
        assert len(actions) == 4 and all(actor.startswith("cli:") for actor, _ in actions)
        # The stored text came from an older extractor that lost the table.
        database.execute("update catalogue_publication set text = 'old' where id = ?",
                         (rows["docx"]["id"],))  # fmt: skip
    database.close()
    redo = pulse(workspace, "items", "reextract")
    assert redo.returncode == 0, redo.stderr
    assert "Re-extracted 3 publications: 1 changed" in redo.stdout
    after = {
        r["kind"]: r
        for r in map(json.loads, pulse(workspace, "items", "export").stdout.splitlines())
    }
    assert "61%" in after["docx"]["text"] and after["pdf"]["text"] == rows["pdf"]["text"]
    assert after["pdf"]["title"] == "Adoption: the embargoed report"  # overrides kept
