from policypulse.editions.services import get_edition
from policypulse.render.context import edition_view
from policypulse.render.documents import render_html, render_pdf, render_text


def render_edition(config, month: str | None, fmt: str, sectors: list[str] | None = None) -> bytes:
    edition = get_edition(month)
    view = edition_view(edition, config, sectors)
    if fmt == "html":
        return render_html(view).encode("utf-8")
    if fmt == "text":
        return render_text(view).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(view)
    raise ValueError(fmt)
