"""The demo corpus as a small web: landing pages, RSS and Atom feeds, PDF reports.

Everything is built in memory from corpus.json (fictional publishers and publications written
for this project) and served from 127.0.0.1 by `serve_site`."""

from __future__ import annotations

import datetime
import html
import json
import threading
from email.utils import format_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources


@cache
def load_corpus() -> dict:
    return json.loads(
        resources.files("policypulse.demo").joinpath("corpus.json").read_text("utf-8")
    )


def _publisher(corpus: dict, key: str) -> dict:
    return next(p for p in corpus["publishers"] if p["key"] == key)


def page_path(corpus: dict, publication: dict) -> str:
    return f"/{_publisher(corpus, publication['publisher'])['site']}/publications/{publication['slug']}"


def _sections_html(sections: list[dict]) -> str:
    out = []
    for section in sections:
        if section.get("heading"):
            out.append(f"<h2>{html.escape(section['heading'])}</h2>")
        out += [f"<p>{html.escape(p)}</p>" for p in section.get("paragraphs", [])]
        if section.get("bullets"):
            out.append(
                "<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in section["bullets"]) + "</ul>"
            )
    return "\n".join(out)


def landing_page(corpus: dict, publication: dict, base: str) -> bytes:
    publisher = _publisher(corpus, publication["publisher"])
    title = html.escape(publication["title"])
    name = html.escape(publisher["name"])
    pdf_link = ""
    if publication.get("pdf"):
        pdf_link = (
            f'<p class="download"><a href="{page_path(corpus, publication)}/report.pdf">'
            f"Download the full report (PDF)</a></p>"
        )
    authors = "".join(
        f'<meta name="citation_author" content="{html.escape(a)}">'
        for a in publication.get("authors", [])
    )
    body = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {name}</title>
<meta property="og:site_name" content="{name}">
<meta property="og:title" content="{title}">
<meta name="citation_publication_date" content="{publication["date"]}">
<meta name="description" content="{html.escape(publication["description"])}">
{authors}
</head><body>
<header><a href="#main">Skip to main content</a><nav><a href="/{publisher["site"]}/">Home</a> |
<a href="/{publisher["site"]}/publications">Publications</a> | <a href="/{publisher["site"]}/about">About us</a>
| <a href="/{publisher["site"]}/contact">Contact</a></nav>
<p class="cookies">We use cookies to make this site work. Accept all cookies | Reject cookies</p></header>
<main id="main"><article>
<p class="breadcrumb">Home &gt; Publications &gt; {html.escape(publication["type"].title())}s</p>
<h1>{title}</h1>
<p class="meta">Published {datetime.date.fromisoformat(publication["date"]).strftime("%-d %B %Y")} by {name}</p>
{_sections_html(publication["sections"])}
{pdf_link}
</article></main>
<footer><p>&copy; {name}. All content is available under an open licence, except where otherwise stated.</p>
<p><a href="/{publisher["site"]}/privacy">Privacy</a> | <a href="/{publisher["site"]}/accessibility">Accessibility statement</a></p></footer>
</body></html>"""
    return body.encode("utf-8")


def _feed_items(corpus: dict, publisher_key: str) -> list[dict]:
    return [
        p for p in corpus["publications"]
        if p["publisher"] == publisher_key or publisher_key in p.get("also_in", [])
    ]  # fmt: skip


def rss_feed(corpus: dict, publisher: dict, base: str) -> bytes:
    items = []
    for p in _feed_items(corpus, publisher["key"]):
        when = datetime.datetime.fromisoformat(p["date"]).replace(hour=9, tzinfo=datetime.UTC)
        link = base + page_path(corpus, p)
        if p["publisher"] != publisher["key"]:
            link += "?utm_source=partner&utm_medium=rss"
        items.append(
            f"<item><title>{html.escape(p['title'])}</title><link>{html.escape(link)}</link>"
            f'<guid isPermaLink="false">{publisher["key"]}-{p["slug"]}</guid>'
            f"<pubDate>{format_datetime(when)}</pubDate>"
            f"<description>{html.escape(p['description'])}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>{html.escape(publisher['name'])}: publications</title>"
        f"<link>{base}/{publisher['site']}/</link><description>New publications</description>"
        + "".join(items)
        + "</channel></rss>"
    ).encode("utf-8")


def atom_feed(corpus: dict, publisher: dict, base: str) -> bytes:
    entries = []
    for p in _feed_items(corpus, publisher["key"]):
        link = base + page_path(corpus, p)
        entries.append(
            f"<entry><title>{html.escape(p['title'])}</title>"
            f'<link rel="alternate" type="text/html" href="{html.escape(link)}"/>'
            f"<id>tag:{publisher['site']}.example,2026:{p['slug']}</id>"
            f"<updated>{p['date']}T09:00:00Z</updated><published>{p['date']}T09:00:00Z</published>"
            f"<summary>{html.escape(p['description'])}</summary></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{html.escape(publisher['name'])}</title><id>tag:{publisher['site']}.example,2026:feed</id>"
        f"<updated>2026-11-27T09:00:00Z</updated>" + "".join(entries) + "</feed>"
    ).encode("utf-8")


def report_pdf(publication: dict, publisher: dict) -> bytes:
    from weasyprint import HTML

    pages = "".join(
        f'<section style="break-after: page"><p>{"</p><p>".join(html.escape(part) for part in page.split(chr(10)) if part.strip())}</p></section>'
        for page in publication["pdf_pages"]
    )
    document = (
        f"<html><head><meta charset='utf-8'><title>{html.escape(publication['title'])}</title>"
        f"<meta name='author' content='{html.escape(publisher['name'])}'></head>"
        f"<body style='font-family: DejaVu Sans, sans-serif; font-size: 11pt'>{pages}</body></html>"
    )
    return HTML(string=document).write_pdf()


def feed_path(publisher: dict) -> str:
    return f"/{publisher['site']}/feed.{'xml' if publisher['feed'] == 'rss' else 'atom'}"


def build_routes(base: str) -> dict[str, tuple[str, bytes]]:
    corpus = load_corpus()
    routes: dict[str, tuple[str, bytes]] = {}
    for publisher in corpus["publishers"]:
        maker = rss_feed if publisher["feed"] == "rss" else atom_feed
        kind = "application/rss+xml" if publisher["feed"] == "rss" else "application/atom+xml"
        routes[feed_path(publisher)] = (kind, maker(corpus, publisher, base))
    for publication in corpus["publications"]:
        path = page_path(corpus, publication)
        routes[path] = ("text/html; charset=utf-8", landing_page(corpus, publication, base))
        if publication.get("pdf"):
            publisher = _publisher(corpus, publication["publisher"])
            routes[path + "/report.pdf"] = ("application/pdf", report_pdf(publication, publisher))
    return routes


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = self.path.split("?")[0]
        if path == "/robots.txt":
            found = ("text/plain", b"User-agent: *\nAllow: /\n")
        else:
            found = self.routes.get(path)
        if not found:
            self.send_error(404)
            return
        content_type, body = found
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


class DemoServer:
    """The demo site on 127.0.0.1, on a free port, in a background thread."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (_Handler,), {}))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.httpd.RequestHandlerClass.routes = build_routes(self.base)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> DemoServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def feeds(self) -> list[dict]:
        """The demo's sources: one feed per publisher."""
        return [
            {"name": p["site"], "url": self.base + feed_path(p), "publisher": p["name"]}
            for p in load_corpus()["publishers"]
        ]
