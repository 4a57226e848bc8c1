"""The Fetcher against a real HTTP server on 127.0.0.1, with a fake clock and sleep."""

import gzip
import zlib

import brotli
import pytest

from policypulse.errors import FetchError
from policypulse.harvest.fetch import retry_after_seconds
from policypulse.pacing import Clock, Pacer, backoff

from .conftest import endless, failing_then, gzip_bomb, redirect, slow_drip

PAGE = b"<html><body><p>Hello</p></body></html>"


def test_retries_500s_with_backoff_then_succeeds(http_server, make_fetcher, fake_time):
    http_server.routes["/flaky"] = failing_then(500, 2, PAGE)
    response = make_fetcher().get(http_server.url("/flaky"))
    assert response.body == PAGE
    assert fake_time.sleeps == [1.0, 2.0]
    assert http_server.hits.count("/flaky") == 3


def test_429_honours_retry_after(http_server, make_fetcher, fake_time):
    http_server.routes["/busy"] = failing_then(429, 1, PAGE, {"Retry-After": "7"})
    assert make_fetcher().get(http_server.url("/busy")).body == PAGE
    assert fake_time.sleeps == [7.0]


def test_gives_up_after_the_retries_and_says_so(http_server, make_fetcher, fake_time):
    http_server.routes["/down"] = failing_then(503, 99, PAGE)
    with pytest.raises(FetchError, match=r"HTTP 503 .*after 3 attempts") as caught:
        make_fetcher(retries=2).get(http_server.url("/down"))
    assert caught.value.reason == "http-503"
    assert fake_time.sleeps == [1.0, 2.0]


def test_a_retry_after_too_far_away_is_not_waited_for(http_server, make_fetcher, fake_time):
    http_server.routes["/later"] = failing_then(429, 1, PAGE, {"Retry-After": "86400"})
    with pytest.raises(FetchError, match="asked to retry after 86400s"):
        make_fetcher().get(http_server.url("/later"))
    assert fake_time.sleeps == []


def test_retry_after_and_backoff_values():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert [backoff(n) for n in range(8)] == [1, 2, 4, 8, 16, 32, 60, 60]


def test_slow_drip_stops_at_the_total_deadline(http_server, make_fetcher, fake_time):
    http_server.routes["/slow"] = slow_drip
    fake_time.step = 1.0  # every reading of the clock is a second later
    with pytest.raises(FetchError, match="over 30s in total") as caught:
        make_fetcher(total_seconds=30).get(http_server.url("/slow"))
    assert caught.value.reason == "timeout"


def test_redirects_are_followed_and_loops_refused(http_server, make_fetcher):
    http_server.routes["/old"] = redirect("/new")
    http_server.routes["/new"] = (200, {"Content-Type": "text/html"}, PAGE)
    response = make_fetcher().get(http_server.url("/old"))
    assert response.url == http_server.url("/new")
    assert response.redirects == [http_server.url("/old")]

    http_server.routes["/a"] = redirect("/b")
    http_server.routes["/b"] = redirect("/a")
    with pytest.raises(FetchError, match="redirect loop"):
        make_fetcher().get(http_server.url("/a"))


def test_redirect_limit(http_server, make_fetcher, config):
    for n in range(10):
        http_server.routes[f"/r{n}"] = redirect(f"/r{n + 1}")
    config.harvest.max_redirects = 3
    with pytest.raises(FetchError, match="too many redirects"):
        make_fetcher().get(http_server.url("/r0"))
    assert "/r5" not in http_server.hits


def test_endless_body_is_cut_at_the_limit(http_server, make_fetcher, config):
    http_server.routes["/endless"] = endless
    config.harvest.max_body_megabytes = 1
    with pytest.raises(FetchError, match="larger than the 1048576 byte limit") as caught:
        make_fetcher().get(http_server.url("/endless"))
    assert caught.value.reason == "too-large"


def test_gzip_bomb_is_cut_on_decoded_bytes(http_server, make_fetcher, config):
    bomb = gzip_bomb(64)
    http_server.routes["/bomb"] = bomb
    config.harvest.max_body_megabytes = 2
    assert bomb.compressed_size < 2 * 1024 * 1024  # the wire size alone would pass the cap
    with pytest.raises(FetchError, match="larger than") as caught:
        make_fetcher().get(http_server.url("/bomb"))
    assert caught.value.reason == "too-large"


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send
        ("br", brotli.compress),
    ],
)
def test_content_encodings_are_decoded(http_server, make_fetcher, encoding, encode):
    body = PAGE * 1000
    http_server.routes["/z"] = (200, {"Content-Encoding": encoding}, encode(body))
    assert make_fetcher().get(http_server.url("/z")).body == body


def test_robots_txt_disallow_is_respected(http_server, make_fetcher):
    http_server.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /private/\n\nUser-agent: PolicyPulse\nDisallow: /no-pulse/\n",
    )
    http_server.routes["/private/x"] = (200, {}, PAGE)
    http_server.routes["/no-pulse/x"] = (200, {}, PAGE)
    http_server.routes["/public"] = (200, {}, PAGE)
    fetcher = make_fetcher()
    assert fetcher.get(http_server.url("/public")).body == PAGE
    for path in ("/no-pulse/x",):
        with pytest.raises(FetchError, match="robots.txt .* disallows") as caught:
            fetcher.get(http_server.url(path))
        assert caught.value.reason == "robots"
    assert "/no-pulse/x" not in http_server.hits
    assert http_server.hits.count("/robots.txt") == 1  # read once per host


def test_robots_txt_crawl_delay_slows_the_host(http_server, make_fetcher, fake_time):
    http_server.routes["/robots.txt"] = (200, {}, b"User-agent: *\nCrawl-delay: 5\n")
    http_server.routes["/p"] = (200, {}, PAGE)
    fetcher = make_fetcher()
    fetcher.get(http_server.url("/p"))
    fetcher.get(http_server.url("/p"))
    assert fake_time.waits and fake_time.waits[-1] == pytest.approx(5.0)


def test_robots_txt_server_error_disallows_the_host(http_server, make_fetcher):
    http_server.routes["/robots.txt"] = (500, {}, b"")
    http_server.routes["/p"] = (200, {}, PAGE)
    with pytest.raises(FetchError, match="robots.txt .* unavailable"):
        make_fetcher().get(http_server.url("/p"))
    assert "/p" not in http_server.hits


def test_conditional_get_returns_304(http_server, make_fetcher):
    def route(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Length", str(len(PAGE)))
        handler.end_headers()
        handler.wfile.write(PAGE)

    http_server.routes["/c"] = route
    fetcher = make_fetcher()
    first = fetcher.get(http_server.url("/c"))
    assert first.etag == '"v1"' and not first.not_modified
    assert fetcher.get(http_server.url("/c"), etag=first.etag).not_modified


def test_private_addresses_refused(http_server, make_fetcher, config):
    http_server.routes["/p"] = (200, {}, PAGE)
    config.harvest.allow_private_networks = False
    with pytest.raises(FetchError, match="private address") as caught:
        make_fetcher().get(http_server.url("/p"))
    assert caught.value.reason == "private-address"
    assert http_server.hits == []


def test_non_http_urls_are_refused(make_fetcher):
    with pytest.raises(FetchError, match="non-HTTP") as caught:
        make_fetcher().get("file:///etc/passwd")
    assert caught.value.reason == "scheme"


def test_rate_limit_per_host_with_an_injected_clock():
    class Stepped(Clock):
        now = 0.0
        slept: list[float] = []

        def monotonic(self):
            return self.now

        def sleep(self, seconds):
            if seconds > 0:
                self.slept.append(seconds)
                self.now += seconds

    clock = Stepped()
    pacer = Pacer(2.0, clock)
    for _ in range(3):
        pacer.wait("a.example")
    pacer.wait("b.example")  # another host does not wait
    assert clock.slept == [0.5, 0.5]
