"""Imported by the extraction pool's forkserver, and only there.

Reading one small page at import loads what trafilatura loads on first use (justext's stop
lists for the fallback, htmldate's and the extractor's own tables) once, in the forkserver:
every worker forked from it starts with them, instead of each paying about 0.4 CPU-seconds
for them on its first page (measured on the extraction benchmark's pages).
"""

from policypulse.harvest.extract import extract_html

# Too short for trafilatura's main pass, so its fallbacks (readability, justext) run too.
PAGE = b"""<!DOCTYPE html><html lang="en"><head><title>Warm-up</title>
<meta name="description" content="A page read once by the forkserver."></head><body><main>
<h1>Warm-up</h1><p>Published 1 May 2026</p><p>A short page.</p>
<a href="/report.pdf">Download the report (PDF, 40 pages)</a></main></body></html>"""

extract_html(PAGE, "https://example.org/warm-up", "text/html")
