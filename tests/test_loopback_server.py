"""The tests' loopback server: a client hanging up is what a test asked for, not an error."""

from __future__ import annotations

import socket
import struct

from tests.conftest import LoopbackServer


def test_a_client_hanging_up_mid_body_prints_nothing(capfd):
    server = LoopbackServer()

    def endless(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(64 * 1024 * 1024))
        handler.end_headers()
        for _ in range(1024):
            handler.wfile.write(b"x" * 65536)

    server.routes["/endless"] = endless
    try:
        with socket.create_connection(("127.0.0.1", server.httpd.server_address[1])) as client:
            client.sendall(b"GET /endless HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
            # closed with a reset, mid-body, as the fetcher does when it cuts a body short
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    finally:
        server.close()  # waits for the handler's thread
    assert server.hits == ["/endless"]
    assert "Traceback" not in capfd.readouterr().err
