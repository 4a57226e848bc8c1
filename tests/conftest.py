"""Shared fixtures: a loopback HTTP server for recorded pages, the recorded corpus, workspaces."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"


def data_path(*parts: str) -> Path:
    """A file under tests/data (recorded real pages; licences in tests/data/corpus/NOTICE.md)."""
    path = DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing from the repository's test data")
    return path


@pytest.fixture(scope="session")
def corpus_pages() -> list[dict]:
    with data_path("corpus", "pages.jsonl").open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


class Routes(dict):
    """path -> (status, headers, body) or a callable(handler) for special behaviour."""


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up mid-response (the fetcher cutting an endless body, a slow
    drip or a bomb, as the tests ask it to) is what the test wants, not a server error:
    socketserver would print its traceback from the handler's thread, outside any test."""

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class LoopbackServer:
    def __init__(self):
        self.routes = Routes()
        self.hits: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                server.hits.append(self.path)
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0])
                if route is None:
                    body = b"not found"
                    self.send_response(404)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if callable(route):
                    route(self)
                    return
                status, headers, body = route
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = QuietServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server():
    server = LoopbackServer()
    yield server
    server.close()


@pytest.fixture
def config():
    from policypulse.workspace import default_config

    loaded = default_config()
    loaded.harvest.allow_private_networks = True
    loaded.harvest.requests_per_second_per_host = 1000.0
    loaded.harvest.timeout_seconds = 5.0
    return loaded


# -- The live server for browser tests: one request at a time -------------------------------
# The test database is SQLite in memory, and Django shares that one connection with the live
# server's thread. A threaded server lets htmx's overlapping requests use the connection at
# once ("bad parameter or other API misuse" under load); a plain WSGIServer serves them in
# turn (and closes each connection, so the browser never waits on a kept-alive one).
from django.core.servers.basehttp import WSGIServer  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402


class SerialWSGIServer(WSGIServer):
    """Requests served in the live server's own thread, which already uses the shared
    connections (`LiveServerThread.run`), so `connections_override` needs no handling here."""

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)


LiveServerThread.server_class = SerialWSGIServer


# -- Hypothesis profiles: short in CI (the default), long with --hypothesis-profile=fuzz ------

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "ci",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile("ci")
