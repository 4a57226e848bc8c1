"""`pulse editions render` and `pulse editions publish` in a real process on a real workspace."""

from tests.clitools import pulse, run_python

SEED = """
import sys
from pathlib import Path
from policypulse import runtime
runtime.start(Path(sys.argv[1]).resolve())
from tests.render.conftest import make_edition
make_edition(n_items=6, month="2026-10", status="approved", hostile=True)
make_edition(n_items=3, month="2026-11", status="draft")
"""


def test_render_every_format_and_publish_the_archive(tmp_path):
    workspace = tmp_path / "ws"
    assert pulse("init", str(workspace)).returncode == 0
    run_python(["-c", SEED, str(workspace)])
    magic = {"html": b"<!DOCTYPE html>", "text": b"RESEARCH AND POLICY", "pdf": b"%PDF",
             "docx": b"PK"}  # fmt: skip
    for fmt, start in magic.items():
        out = tmp_path / f"edition.{fmt}"
        result = pulse("-w", str(workspace), "editions", "render", "--month", "2026-10",
                       "--format", fmt, "--out", str(out))  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(start), fmt
    only = tmp_path / "justice.html"
    result = pulse("-w", str(workspace), "editions", "render", "--month", "2026-10",
                   "--format", "html", "--sector", "justice", "--out", str(only))  # fmt: skip
    html = only.read_text()
    assert "Criminal Justice" in html and "Adult Social Care" not in html

    site = tmp_path / "site"
    result = pulse("-w", str(workspace), "editions", "publish", "--static", str(site))
    assert result.returncode == 0, result.stderr
    assert (site / "editions" / "2026-10" / "index.html").is_file()
    assert (site / "editions" / "2026-10" / "edition.pdf").read_bytes().startswith(b"%PDF")
    assert not (site / "editions" / "2026-11").exists()

    refused = pulse("-w", str(workspace), "editions", "publish", "--month", "2026-11",
                    "--static", str(site))  # fmt: skip
    assert refused.returncode == 1 and "draft" in refused.stderr
    assert "Traceback" not in refused.stderr
    bad = pulse("-w", str(workspace), "editions", "render", "--format", "html", "--out",
                str(tmp_path / "x.html"), "--sector", "nope")  # fmt: skip
    assert bad.returncode == 1 and "unknown sector" in bad.stderr
