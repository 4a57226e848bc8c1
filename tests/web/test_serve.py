"""`pulse serve` as a user runs it: a real server process on 127.0.0.1 serving the editor app
and its own static files (htmx is vendored, never fetched from a CDN)."""

import socket
import subprocess
import threading

import httpx

from tests.clitools import pulse, start_pulse


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_pulse_serve_serves_the_editor_and_its_static_files(tmp_path):
    workspace = tmp_path / "ws"
    pulse("init", workspace, check=True)
    port = free_port()
    server = start_pulse(
        "serve", "--dev", "--port", port, workspace=workspace,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    started = threading.Event()
    output: list[str] = []

    def read():
        for line in server.stdout:
            output.append(line)
            if "Quit the server with" in line or "Starting development server" in line:
                started.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert started.wait(60), "".join(output)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=10) as client:
            dashboard = client.get("/editor/")
            assert dashboard.status_code == 302
            assert dashboard.headers["location"].startswith("/editor/login/")
            login = client.get("/editor/login/")
            assert login.status_code == 200 and "csrfmiddlewaretoken" in login.text
            assert "/static/web/htmx-2.0.11.min.js" in login.text
            htmx = client.get("/static/web/htmx-2.0.11.min.js")
            assert htmx.status_code == 200 and "htmx" in htmx.text[:200]
            assert client.get("/static/web/editor.css").status_code == 200
        assert any(f"http://127.0.0.1:{port}/editor/" in line for line in output)
    finally:
        server.terminate()
        server.wait(timeout=30)
