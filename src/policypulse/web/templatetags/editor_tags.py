"""Small template helpers for the editor app."""

from html import escape

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

from policypulse.web import accounts

register = template.Library()


@register.filter
def is_admin(user) -> bool:
    return accounts.is_admin(user)


@register.filter
def segments(parts) -> str:
    """Highlighted text: each Segment escaped, figures wrapped in <mark>."""
    return mark_safe(
        "".join(
            format_html_join("", '<mark class="{}">{}</mark>', [(p.mark, p.text)])
            if p.mark
            else str(conditional_escape(p.text))
            for p in parts
        )
    )


@register.filter
def audit_value(value) -> str:
    """An audit before/after value as short readable text (escaped by the template)."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    import json

    return json.dumps(value, ensure_ascii=False)


def _row_html(row, item_base: str, month_key: str, *, oob: bool = False,
              selected: bool = False) -> str:  # fmt: skip
    e = escape
    published = f"{row.published.day} {row.published:%b}" if row.published else "undated"
    flag = (
        f' <span class="badge {e(row.summary_state)}">summary {e(row.summary_state)}</span>'
        if row.summary_state != "ok"
        else ""
    )
    if row.runner_up:
        flag += (f' <span class="badge close" title="close to {e(row.runner_up)}">'
                 f"close call: {e(row.runner_up)}?</span>")  # fmt: skip
    return (
        f'<li id="row-{row.pk}" class="queue-row status-{e(row.decision)}'
        f'{" selected" if selected else ""}" data-item="{row.pk}"'
        f"{' hx-swap-oob="true"' if oob else ''}>"
        f'<a class="row-link" href="?month={e(month_key)}&amp;item={row.pk}" '
        f'hx-get="{e(item_base)}{row.pk}/" hx-target="#detail">{e(row.title)}</a> '
        f'<span class="row-meta">{e(row.publisher)} · {published} · {row.relevance:.2f} · '
        f"{e(row.sector)} · {e(row.type)}</span> "
        f'<span class="badge {e(row.decision)}">{e(row.decision)}</span>{flag}</li>'
    )


@register.simple_tag
def queue_rows(rows, item_base: str, month_key: str) -> str:
    """The queue's rows, built in Python: with 2,000 candidates a template loop costs most of
    the page's time. Every value is escaped here."""
    return mark_safe("\n".join(_row_html(row, item_base, month_key) for row in rows))


@register.simple_tag
def queue_row(row, item_base: str, month_key: str, oob: bool = False) -> str:
    """One row, re-sent after a change (htmx out-of-band swap) and marked selected."""
    return mark_safe(_row_html(row, item_base, month_key, oob=oob, selected=True))


@register.filter
def markdown(text: str) -> str:
    """The editor's Markdown as readers see it, sanitised by the renderer's own function."""
    from policypulse.render.sanitise import markdown_to_safe_html

    return mark_safe(markdown_to_safe_html(text or ""))
