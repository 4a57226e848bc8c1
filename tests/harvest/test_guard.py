"""The SSRF guard end to end: real HTTP servers on 127.0.0.1 behind a fake DNS.

The system resolver and socket connect are replaced for named test hosts only: a name answers
what the test says (a changing answer is DNS rebinding), and a connection to the stand-in
public address goes to a loopback server instead. Nothing leaves 127.0.0.1: a connection to
any other address is refused and recorded, so a test can assert none was attempted.
"""

from __future__ import annotations

import ipaddress
import socket

import pytest

from policypulse.errors import FetchError
from tests.conftest import LoopbackServer

PUBLIC = "93.184.216.34"  # stands for a public host; the fake network sends it to loopback


class FakeNetwork:
    def __init__(self, monkeypatch):
        self.answers: dict[str, list[list[str]]] = {}  # name -> one answer per lookup
        self.lookups: list[str] = []
        self.stand_ins: dict[str, int] = {}  # address -> port of the loopback server behind it
        self.refused: list[str] = []  # connections attempted anywhere else
        self._getaddrinfo = socket.getaddrinfo
        self._connect = socket.create_connection
        monkeypatch.setattr(socket, "getaddrinfo", self.getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", self.create_connection)

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002
        if host not in self.answers:
            try:
                ipaddress.ip_address(host)
            except ValueError:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
            return self._getaddrinfo(host, port, family, type, proto, flags)
        self.lookups.append(host)
        queue = self.answers[host]
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        return [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", (ip, port or 0, 0, 0))
            if ":" in ip
            else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port or 0))
            for ip in answer
        ]

    def create_connection(self, address, timeout=None, source_address=None, **kwargs):
        host, port = address[0], address[1]
        last: OSError | None = None
        for info in self.getaddrinfo(host, port):
            ip = info[4][0]
            try:
                if ip in self.stand_ins:
                    return self._connect(("127.0.0.1", self.stand_ins[ip]), timeout)
                if ip == "127.0.0.1":
                    return self._connect((ip, port), timeout)
                self.refused.append(ip)
                raise ConnectionRefusedError(f"the test network does not reach {ip}")
            except OSError as exc:
                last = exc
        raise last or OSError("no address")


@pytest.fixture
def network(monkeypatch):
    return FakeNetwork(monkeypatch)


@pytest.fixture
def public_server(network):
    """A loopback server that the fake network presents as PUBLIC."""
    server = LoopbackServer()
    network.stand_ins[PUBLIC] = int(server.base.rsplit(":", 1)[1])
    yield server
    server.close()


@pytest.fixture
def strict(config):
    config.harvest.allow_private_networks = False
    return config


def port_of(server) -> int:
    return int(server.base.rsplit(":", 1)[1])


def test_dns_rebinding_never_reaches_loopback(
    http_server, public_server, network, strict, make_fetcher
):
    """The name answers a public address to the check, then 127.0.0.1 to whoever asks next:
    the connection must go to the address that was checked, never to the loopback server."""
    hosts = []

    def public_page(handler):
        hosts.append(handler.headers["Host"])
        body = b"public page"
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    public_server.routes["/secret"] = public_page
    http_server.routes["/secret"] = (200, {}, b"internal secret")
    network.answers["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    url = f"http://rebind.example:{port_of(http_server)}/secret"

    response = make_fetcher(respect_robots=False).get(url)

    assert http_server.hits == []  # the internal server was never reached
    assert response.body == b"public page"
    assert hosts == [f"rebind.example:{port_of(http_server)}"]  # the name, not the address
    assert network.lookups == ["rebind.example"]  # resolved once, for check and connection
    assert network.refused == []


def test_rebinding_between_requests_is_refused_not_followed(
    http_server, public_server, network, strict, make_fetcher
):
    """With robots.txt first, the page is a second connection: its own lookup now answers
    127.0.0.1, so it is refused; the internal server still sees nothing."""
    http_server.routes["/secret"] = (200, {}, b"internal secret")
    network.answers["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    with pytest.raises(FetchError, match="private address") as caught:
        make_fetcher().get(f"http://rebind.example:{port_of(http_server)}/secret")
    assert caught.value.reason == "private-address"
    assert public_server.hits == ["/robots.txt"]
    assert http_server.hits == []


def test_an_answer_with_any_private_address_is_refused_whole(
    http_server, public_server, network, strict, make_fetcher
):
    network.answers["mixed.example"] = [[PUBLIC, "127.0.0.1"]]
    with pytest.raises(FetchError, match="private address") as caught:
        make_fetcher().get(f"http://mixed.example:{port_of(http_server)}/")
    assert caught.value.reason == "private-address"
    assert http_server.hits == [] and public_server.hits == []


@pytest.mark.parametrize(
    "target",
    [
        "http://internal.example:{port}/secret",  # a name that resolves to loopback
        "http://127.0.0.1:{port}/secret",
        "http://100.100.100.200/latest/meta-data/",  # cloud metadata in shared space
        "http://169.254.169.254/latest/meta-data/",
        "http://[2002:7f00:1::]:{port}/secret",  # 6to4 embedding 127.0.0.1
        "http://[::ffff:127.0.0.1]:{port}/secret",  # IPv4-mapped loopback
        "http://[64:ff9b::a00:1]/",  # NAT64 embedding 10.0.0.1
        "http://10.1.2.3/",
    ],
)
def test_a_redirect_to_a_private_address_is_refused_end_to_end(
    http_server, public_server, network, strict, make_fetcher, target
):
    """A public page redirects to an internal address: refused before any connection."""
    network.answers["publisher.example"] = [[PUBLIC]]
    network.answers["internal.example"] = [["127.0.0.1"]]
    location = target.format(port=port_of(http_server))
    http_server.routes["/secret"] = (200, {}, b"internal secret")
    public_server.routes["/report"] = (302, {"Location": location}, b"")

    with pytest.raises(FetchError, match="private address") as caught:
        make_fetcher().get(f"http://publisher.example:{port_of(public_server)}/report")

    assert caught.value.reason == "private-address"
    assert "/report" in public_server.hits  # the first hop was fetched
    assert http_server.hits == []
    assert network.refused == []  # no connection was even attempted


def test_allow_private_networks_still_reaches_loopback(http_server, config, make_fetcher):
    config.harvest.allow_private_networks = True
    http_server.routes["/p"] = (200, {}, b"local")
    assert make_fetcher().get(http_server.url("/p")).body == b"local"


def test_an_unresolvable_name_says_so(network, strict, make_fetcher):
    with pytest.raises(FetchError, match="cannot resolve nowhere.example") as caught:
        make_fetcher().get("http://nowhere.example/")
    assert caught.value.reason == "dns"
