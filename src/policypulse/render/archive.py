"""The public archive as a static site: the same pages `pulse serve` serves, as files.

Layout mirrors the URLs (`editions/2026-11/index.html` for `/editions/2026-11/`), so any web
server serving DIR at the site's root gives the same permalinks, feed and sitemap."""

from __future__ import annotations

from pathlib import Path

from policypulse.errors import EditionError


def publish_static(
    config, out: Path, month: str | None = None, downloads: bool = True
) -> list[Path]:
    """Write the archive into `out`: the index, feed and sitemap of every published edition,
    and the pages of `month` (default: every published edition). Drafts are refused."""
    from policypulse.editions.models import Edition
    from policypulse.render.context import edition_view
    from policypulse.render.services import render_view
    from policypulse.web import archive

    editions = list(archive.public_editions())
    chosen = editions
    if month:
        try:
            key = Edition.parse_month(month)
        except ValueError:
            raise EditionError(f"--month must be YYYY-MM, not {month!r}") from None
        chosen = [e for e in editions if e.month == key]
        if not chosen:
            found = Edition.objects.filter(month=key).first()
            state = f"is a {found.status}" if found else "does not exist"
            raise EditionError(
                f"the {month} edition {state}; only approved or sent editions are published"
            )
    written: list[Path] = []

    def write(relative: str, data: str | bytes) -> None:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        written.append(path)

    write("index.html", archive.index_page(config, editions))
    write("feed.atom", archive.atom_feed(config, editions))
    write("sitemap.xml", archive.sitemap_xml(config, editions))
    for edition in chosen:
        view = edition_view(edition, config)
        folder = view.edition_path.strip("/")
        write(f"{folder}/index.html", archive.edition_page(config, edition))
        for entry in view.entries:
            write(view.item_path(entry).strip("/") + "/index.html",
                  archive.item_page(config, edition, entry.key))  # fmt: skip
        if downloads:
            for fmt, suffix in (("pdf", "pdf"), ("docx", "docx"), ("text", "txt")):
                write(f"{folder}/edition.{suffix}", render_view(view, fmt))
    return written
