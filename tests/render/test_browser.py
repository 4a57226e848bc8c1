"""The email in a real headless Chromium at 600 and 375 px: no horizontal overflow, every item
visible, every link resolves (anchors to an element, web links to a 200 from a real server)."""

import httpx
import pytest
from playwright.sync_api import sync_playwright

from policypulse.render.email import prepare
from policypulse.render.view import edition_view
from tests.render.conftest import make_edition
from tests.render.htmlcheck import check_html

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip

MEASURE = """() => {
  const doc = document.documentElement;
  const wide = [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(el => el.tagName + '.' + el.className);
  return {scroll: doc.scrollWidth, client: doc.clientWidth, wide: wide.slice(0, 5),
          text: document.body.innerText};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_email_in_chromium_at_600_and_375_px(config, live_server, http_server):
    config.site.base_url = live_server.url
    edition = make_edition(n_items=20, month="2026-07", hostile=True, url_base=http_server.base)
    for item in edition.items.all():
        http_server.routes[item.url.removeprefix(http_server.base)] = (200, {}, b"ok")
    http_server.routes["/notes"] = (200, {}, b"ok")
    http_server.routes["/unsubscribe/t"] = (200, {}, b"ok")
    http_server.routes["/preferences/t"] = (200, {}, b"ok")
    _, html, _ = prepare(edition, config).personalise(
        None, http_server.url("/unsubscribe/t"), http_server.url("/preferences/t")
    )
    headings = [entry.heading for entry in edition_view(edition, config).entries]
    parsed = check_html(html)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=CHROMIUM_ARGS)  # fmt: skip
        try:
            for width in (600, 375):
                page = browser.new_page(viewport={"width": width, "height": 800})
                page.set_content(html)
                measured = page.evaluate(MEASURE)
                assert measured["scroll"] <= measured["client"] == width, measured
                assert not measured["wide"], measured["wide"]
                for heading in headings:
                    assert heading in measured["text"], (width, heading)
                page.close()
            dark = browser.new_page(viewport={"width": 600, "height": 800}, color_scheme="dark")
            dark.set_content(html)
            colour = dark.evaluate(
                "getComputedStyle(document.querySelector('.card')).backgroundColor"
            )
            assert colour == "rgb(27, 32, 38)"  # the dark-mode override applies
        finally:
            browser.close()

    external = sorted({h for h in parsed.hrefs if h.startswith("http")})
    anchors = [h for h in parsed.hrefs if h.startswith("#")]
    assert anchors and all(h[1:] in parsed.ids for h in anchors)
    assert f"{live_server.url}/editions/2026-07/" in external  # view in browser
    with httpx.Client(timeout=10) as client:
        for url in external:
            assert client.get(url).status_code == 200, url
