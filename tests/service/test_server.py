"""`pulse serve` as an operator runs it: the real gunicorn in a subprocess on 127.0.0.1, static
files through WhiteNoise, and /healthz."""

import socket
import subprocess
import threading

import httpx
import pytest

from tests.clitools import pulse, start_pulse


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def workspace(tmp_path):
    root = tmp_path / "ws"
    pulse("init", root, check=True)
    return root


def start(workspace, *args) -> tuple[subprocess.Popen, str, list[str]]:
    port = free_port()
    server = start_pulse(
        "serve", "--port", port, "--workers", "2", *args, workspace=workspace,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    started = threading.Event()
    output: list[str] = []

    def read():
        for line in server.stdout:
            output.append(line)
            if "Booting worker" in line:
                started.set()

    threading.Thread(target=read, daemon=True).start()
    if not started.wait(90):
        server.kill()
        pytest.fail("gunicorn did not start:\n" + "".join(output))
    return server, f"http://127.0.0.1:{port}", output


def test_pulse_serve_runs_gunicorn_with_whitenoise_and_healthz(workspace):
    # Nothing scheduled: a healthy service needs no scheduler.
    text = (workspace / "pulse.toml").read_text()
    (workspace / "pulse.toml").write_text(
        text.replace('harvest = "0 6 * * *"', 'harvest = ""').replace(
            "reminder = 3", "reminder = 0"
        )
    )
    server, base, output = start(workspace)
    try:
        with httpx.Client(base_url=base, timeout=20) as client:
            login = client.get("/editor/login/")
            assert login.status_code == 200 and "csrfmiddlewaretoken" in login.text
            assert "script-src 'self'" in login.headers["content-security-policy"]
            htmx = client.get("/static/web/htmx-2.0.11.min.js")
            assert htmx.status_code == 200 and "htmx" in htmx.text[:200]
            # WhiteNoise, not Django's static view: it answers HEAD and sets caching headers.
            assert "max-age" in htmx.headers.get("cache-control", "")
            health = client.get("/healthz")
            assert health.status_code == 200, health.text
            body = health.json()
            assert body["database"] == "ok" and body["queue_depth"] == 0
            assert body["status"] == "ok" and body["schedules"] == {}
        assert any("gunicorn" in line.lower() for line in output), "".join(output)
        assert not any("development server" in line for line in output)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0


def test_healthz_is_503_when_jobs_are_scheduled_and_no_scheduler_runs(workspace):
    server, base, _ = start(workspace, "--workers", "1")
    try:
        health = httpx.get(base + "/healthz", timeout=20)
        assert health.status_code == 503
        body = health.json()
        assert body["problems"] == ["scheduler"] and body["scheduler_seen"] is None
        assert body["schedules"]["harvest"]["cron"] == "0 6 * * *"
        assert body["schedules"]["harvest"]["next_run"].endswith(("+00:00", "+01:00"))
    finally:
        server.terminate()
        server.wait(timeout=30)
