"""Everything `pulse` prints goes through here, so text from outside can never act as markup.

Titles, publishers, URLs, error messages and anything else from the web or the database may
contain `[bold]` or `[/]`; rich would read those as markup (and crash on an unbalanced close
tag, or silently drop words such as "[harvest]"). So markup is allowed only in our own literal
templates, every value placed into one is plain `Text`, and so is every table cell.
`tests/cli/test_output.py` holds that no other module under `cli/` imports rich.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

console = Console(emoji=False)
err_console = Console(stderr=True, emoji=False)


_FIELD = "\ue000"  # a private-use character marks where a value goes; no template holds one


def markup(template: str, *args: Any, **kwargs: Any) -> Text:
    """`template` is ours (rich markup, `str.format` fields); the values filling the fields
    become plain text with the style around them, never parsed as markup.

    Escaping values into a markup string is not enough: rich's `escape` doubles a trailing
    backslash, so a value ending in one would print two."""
    formatter = string.Formatter()
    marked, values, auto = [], [], 0
    for literal, name, spec, conversion in formatter.parse(template):
        marked.append(literal)
        if name is None:
            continue
        if name == "":
            name, auto = str(auto), auto + 1
        value = args[int(name)] if name.isdigit() else kwargs[name]
        value = formatter.convert_field(value, conversion)
        values.append(format(value, formatter.vformat(spec or "", args, kwargs)))
        marked.append(_FIELD)
    rendered = Text.from_markup("".join(marked), emoji=False)
    result, start = Text(style=rendered.style), 0
    for value in values:
        at = rendered.plain.index(_FIELD, start)
        result.append_text(rendered[start:at])
        piece = Text(value)
        for span in rendered.spans:
            if span.start <= at < span.end:
                piece.stylize(span.style)
        result.append_text(piece)
        start = at + 1
    result.append_text(rendered[start:])
    return result


def say(template: str, *args: Any, **kwargs: Any) -> None:
    """Print one of our templates to standard output, its values as plain text."""
    console.print(markup(template, *args, **kwargs), highlight=False, soft_wrap=True)


def warn(template: str, *args: Any, **kwargs: Any) -> None:
    """Print a template to standard error, its values as plain text."""
    err_console.print(markup(template, *args, **kwargs), highlight=False, soft_wrap=True)


def error(message: Any) -> None:
    """The one-line `Error: ...` for a PulseError; the message is never markup."""
    warn("[bold red]Error:[/] {}", message)


def styled(value: Any, style: str = "") -> Text:
    """A table cell or fragment in one of our styles; its text is shown literally."""
    return Text(str(value), style=style)


def _cell(value: Any) -> Text:
    if isinstance(value, Text):
        return value
    return Text("" if value is None else str(value))


def table(
    columns: Iterable[str | tuple[str, str]],
    rows: Iterable[Iterable[Any]],
    title: str | None = None,
) -> Table:
    """A table whose title, headers and cells are plain text (`styled` for our colours).

    A column is a name, or (name, justify)."""
    built = Table(title=None if title is None else Text(title))
    for column in columns:
        name, justify = (column, "left") if isinstance(column, str) else column
        built.add_column(Text(name), justify=justify)
    for row in rows:
        built.add_row(*(_cell(value) for value in row))
    return built


def show(renderable: Table | Text) -> None:
    """Print a table (or Text) built here."""
    console.print(renderable)


def show_json(data: Any) -> None:
    """Pretty, coloured JSON on a terminal; JSON is never read as markup."""
    console.print_json(json.dumps(data, default=str))


def progress() -> Progress:
    """A progress bar whose `current` field (a URL, a title) is shown literally."""
    return Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[current]}", markup=False),
        console=console,
        transient=True,
    )


def status(message: str):
    """A spinner with a plain-text message; `.update(text)` keeps it plain."""
    return _PlainStatus(console.status(Text(message)))


class _PlainStatus:
    def __init__(self, inner):
        self._inner = inner

    def __enter__(self) -> _PlainStatus:
        self._inner.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._inner.__exit__(*exc)

    def update(self, message: str) -> None:
        self._inner.update(Text(message, style="bold"))
