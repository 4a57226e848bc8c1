"""Text from outside reaches the terminal literally: no markup, no crash, nothing dropped.

Finding 2 of issue 11: a harvested page titled `Prisons report [/bold] review` crashed `pulse
items add` and then every `pulse items list`, and error messages lost words such as
"[harvest]". Everything the CLI prints now goes through `cli/output.py`."""

import ast
import io
from pathlib import Path
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from policypulse.cli import output
from tests.clitools import pulse

HOSTILE = "Prisons report [/bold] review"
PAGE = """<!DOCTYPE html><html><head><title>{title}</title>
<meta name="citation_publication_date" content="2026-11-04"></head><body><main><h1>{title}</h1>
<p>This inspection of 12 prisons found that 41% of prisoners spent under two hours a day out of
their cells, and it recommends that governors publish their regimes each quarter.</p>
</main></body></html>"""
CLI = Path(output.__file__).parent


def _loopback_workspace(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    toml = workspace / "pulse.toml"
    toml.write_text(
        toml.read_text().replace("allow_private_networks = false", "allow_private_networks = true")
    )
    return workspace


def test_a_title_with_markup_is_added_and_listed_literally(http_server, tmp_path):
    http_server.routes["/report"] = (
        200,
        {"Content-Type": "text/html; charset=utf-8"},
        PAGE.format(title=HOSTILE).encode(),
    )
    workspace = _loopback_workspace(tmp_path)
    added = pulse("items", "add", http_server.url("/report"), workspace=workspace)
    assert added.returncode == 0, added.stderr
    assert "Traceback" not in added.stderr
    assert HOSTILE in added.stdout
    listed = pulse("items", "list", workspace=workspace, env={"COLUMNS": "200"})
    assert listed.returncode == 0, listed.stderr
    assert HOSTILE in listed.stdout


def test_error_messages_keep_words_in_square_brackets(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    refused = pulse("sources", "add", "ftp://example.org/[harvest]", workspace=workspace)
    assert refused.returncode == 1
    assert "'ftp://example.org/[harvest]' is not an http(s) URL" in refused.stderr
    scan = pulse("bounces", "scan", workspace=workspace)
    assert scan.returncode == 1
    assert "set [mail] bounce_maildir in pulse.toml" in scan.stderr


def _rich_uses(path: Path) -> list[str]:
    """Where a module imports rich, or calls a print-like method, anything but print()."""
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names]
            if any(name == "rich" or name.startswith("rich.") for name in names):
                found.append(f"line {node.lineno}: imports rich")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id == "print":
                found.append(f"line {node.lineno}: print()")
            if isinstance(func, ast.Attribute) and func.attr in ("print", "print_json", "log"):
                found.append(f"line {node.lineno}: .{func.attr}()")
        elif isinstance(node, ast.Name) and node.id in ("console", "err_console"):
            found.append(f"line {node.lineno}: uses {node.id}")
    return found


def test_only_the_output_module_prints_through_rich():
    modules = sorted(path for path in CLI.glob("*.py") if path.name != "output.py")
    assert len(modules) >= 10
    offenders = {path.name: uses for path in modules if (uses := _rich_uses(path))}
    assert offenders == {}


def test_the_check_catches_a_direct_print(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text(
        "from rich.table import Table\nfrom policypulse.cli import console\n"
        "def f(title):\n    console.print(f'[bold]{title}[/]')\n"
    )
    assert len(_rich_uses(sneaky)) == 3


PRINTABLE = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=80)


def _printed(template: str, *values) -> str:
    buffer = io.StringIO()
    recording = Console(file=buffer, width=10_000, color_system=None, emoji=False)
    with mock.patch.object(output, "console", recording):
        output.say(template, *values)
    return buffer.getvalue()


@given(PRINTABLE)
def test_any_text_is_printed_exactly_as_given(text):
    assert _printed("{}", text) == text + "\n"
    assert _printed("[bold]{}[/]: {}", text, text) == f"{text}: {text}\n"


@given(st.lists(st.lists(PRINTABLE, min_size=2, max_size=2), min_size=1, max_size=4))
def test_table_cells_are_literal(rows):
    buffer = io.StringIO()
    recording = Console(file=buffer, width=10_000, color_system=None, emoji=False)
    recording.print(output.table(("a", "b"), rows, title="[x] " + rows[0][0]))
    printed = buffer.getvalue()
    for a, b in rows:
        assert a.strip() in printed and b.strip() in printed


def test_templates_keep_format_specs_and_styles():
    text = output.markup("[bold]{}[/] {:.2f} {name!r}", "C:\\", 1.234, name="[x]")
    assert text.plain == "C:\\ 1.23 '[x]'"
    assert [(span.start, span.end, str(span.style)) for span in text.spans] == [(0, 3, "bold")]
