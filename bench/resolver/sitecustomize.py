"""For bench/service_bench.py's workers only (on their PYTHONPATH): names under .bench.invalid
resolve to 127.0.0.1, where one server plays every publisher host. The harvester's SSRF guard
still resolves each name and connects to the address it checked (the bench allows private
networks, as the tests' loopback sites do)."""

import socket

_system_getaddrinfo = socket.getaddrinfo


def _getaddrinfo(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".bench.invalid"):
        host = "127.0.0.1"
    return _system_getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _getaddrinfo
