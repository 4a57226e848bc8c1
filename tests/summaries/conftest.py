"""Fixtures for the summaries tests: an OpenAI-compatible chat server on 127.0.0.1 whose
replies each test scripts, and an `llm` configuration that points a model at it."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


class ChatServer:
    """Answers POST /v1/chat/completions from a script: each entry is a reply text, or an
    (HTTP status, body) pair for failures. Every request body is kept for the test to read."""

    def __init__(self):
        self.script: list = []
        self.rules: list[tuple[str, list]] = []  # (text in the prompt, its own script)
        self.default = "This report looks at nothing."
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server.lock:
                    server.requests.append(body)
                    step = server.next_step(json.dumps(body))
                if isinstance(step, tuple):
                    status, payload = step
                    self._send(status, json.dumps({"error": {"message": payload}}).encode())
                    return
                reply = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body.get("model", "test"),
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": step},
                            "finish_reason": "stop",
                        }
                    ],
                    "usage": {"prompt_tokens": 1000, "completion_tokens": 100,
                              "total_tokens": 1100},
                }  # fmt: skip
                self._send(200, json.dumps(reply).encode())

            def _send(self, status: int, payload: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                # Tell the OpenAI client not to retry on its own (with real sleeps): retrying
                # is the backend's job, with the sleep the test injects.
                self.send_header("x-should-retry", "false")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def next_step(self, request: str):
        for needle, script in self.rules:
            if needle in request and script:
                return script.pop(0)
        return self.script.pop(0) if self.script else self.default

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def chat_server():
    server = ChatServer()
    yield server
    server.close()


@pytest.fixture
def llm_model(chat_server, tmp_path, monkeypatch) -> str:
    """The id of an `llm` model served by `chat_server`, configured the way a user would."""
    user_dir = tmp_path / "llm-config"
    user_dir.mkdir()
    (user_dir / "extra-openai-models.yaml").write_text(
        f"- model_id: house-test\n  model_name: house-test-model\n  api_base: {chat_server.base}\n"
    )
    monkeypatch.setenv("LLM_USER_PATH", str(user_dir))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return "house-test"


@pytest.fixture(scope="session")
def dev_gold(corpus_pages) -> list[dict]:
    """Corpus pages paired with dev reference summaries written for development (not by the
    digest's editors): a floor for regressions, not a measure of editorial quality."""
    pages = {page["id"]: page for page in corpus_pages}
    items = []
    for line in (FIXTURES / "dev_summaries.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        page = pages[row["id"]]
        items.append({"id": row["id"], "title": page["title"], "publisher": page["publisher"],
                      "text": page["text"], "summary": row["summary"]})  # fmt: skip
    return items
