"""The citation panel in headless Chromium: on a phone, with Escape, with a safe link, and with
article metadata that tries to reorder itself with Unicode bidi controls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.support.api import KEY, Server
from tests.support.browser import BROWSER_MARKS, CHROMIUM, launch

pytestmark = BROWSER_MARKS

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect, sync_playwright

FACT = "The Quillon ferry service will restart on March 3, transport minister Elsa Varnum said."
FILLER = "\n\n".join(
    f"Item {n} of the harbour council minutes covered routine budget matters and staffing."
    for n in range(80)
)
RLO = "\u202e"
FERRY: dict[str, Any] = {
    "id": "panel-test/ferry",  # an id with a slash: the panel must still open it
    "title": f"Ferry news {RLO}gnp.exe",
    "source": f"{RLO}moc.live",
    "url": "https://news.example/ferry?x=1",
    "published_at": "2025-02-20",
    "text": f"Ferry news from the Quillon river.\n\n{FILLER}\n\n{FACT}\n\n{FILLER}",
}
SCRIPTED = {
    "id": "panel-test-scripted-url",
    "title": "Lighthouse news",
    "source": "lighthouse.example",
    "url": "javascript:window.__pwned=1",
    "text": "The Brannock lighthouse keeper retired after forty years, the harbour office said.",
}
PHONE = {"width": 390, "height": 664}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture(scope="module")
def posted(server: Server) -> Iterator[Server]:
    headers = {"Authorization": f"Bearer {KEY}"}
    r = httpx.post(server.url + "/v1/articles", json=[FERRY, SCRIPTED], headers=headers)
    assert r.status_code == 200 and r.json()["articles_added"] == 2, r.text
    yield server
    for a in (FERRY, SCRIPTED):
        httpx.delete(f"{server.url}/v1/articles/{a['id']}", headers=headers)


def _page(browser: Browser, **context: Any) -> tuple[Any, Page, list[str]]:
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return ctx, page, errors


def _ask_and_open(page: Page, url: str, question: str) -> None:
    page.goto(url + "/")
    page.fill("#question", question)
    page.fill("#as-of", "2025-03-10")
    page.click("#ask-button")
    page.wait_for_selector(".turn.answered", timeout=30_000)
    page.locator(".answer-text .cite").first.click()
    expect(page.locator("#panel-text mark")).to_be_visible()


def _in_view(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    height = page.viewport_size["height"] if page.viewport_size else 0
    return bool(box["y"] >= 0 and box["y"] + box["height"] <= height)


def test_phone_panel_keeps_its_head_in_view_and_escape_closes_it(
    browser: Browser, posted: Server
) -> None:
    ctx, page, errors = _page(browser, viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        _ask_and_open(page, posted.url, "When will the Quillon ferry service restart?")
        assert FACT in (page.locator("#panel-text mark").text_content() or "")
        # the cited span is deep in a long article: the panel scrolled to it, not the page, and
        # the title and the close button are on screen together with it
        for selector in ("#panel-title", "#panel-close", "#panel-text mark"):
            assert _in_view(page, selector), selector
        panel = page.locator("#panel").bounding_box()
        assert panel is not None and panel["y"] == 0 and panel["width"] == PHONE["width"]
        expect(page.locator("#panel-close")).to_be_focused()
        page.keyboard.press("Escape")
        expect(page.locator("#panel")).to_be_hidden()
        expect(page.locator(".answer-text .cite").first).to_be_focused()
    finally:
        ctx.close()
    assert errors == [], errors


def test_panel_links_only_http_urls_and_neutralizes_bidi(browser: Browser, posted: Server) -> None:
    ctx, page, errors = _page(browser)
    try:
        _ask_and_open(page, posted.url, "When will the Quillon ferry service restart?")
        link = page.locator("#panel-meta a")
        expect(link).to_have_attribute("href", FERRY["url"])
        rel = link.get_attribute("rel") or ""
        assert {"noopener", "noreferrer"} <= set(rel.split())
        expect(link).to_have_attribute("target", "_blank")
        # no bidi control reaches the page: titles and sources read as they are stored, minus
        # the controls, each isolated so it cannot reorder its neighbours
        shown = page.evaluate(
            "() => [document.querySelector('#panel-title').textContent,"
            " document.querySelector('#panel-meta').textContent,"
            " document.querySelector('.sources').textContent]"
        )
        assert all(RLO not in s for s in shown), shown
        assert "Ferry news gnp.exe" in shown[0] and "moc.live, 2025-02-20" in shown[1]
        assert page.locator("#panel-meta bdi").count() >= 1
        assert page.locator(".sources .source-title bdi").count() >= 1
        page.click("#panel-close")
        expect(page.locator("#panel")).to_be_hidden()

        question = "What did the harbour office say about the lighthouse keeper?"
        _ask_and_open(page, posted.url, question)
        meta = page.locator("#panel-meta")
        expect(meta).to_contain_text("javascript:window.__pwned=1")  # shown as text
        assert meta.locator("a").count() == 0
        assert page.evaluate("window.__pwned") is None
    finally:
        ctx.close()
    assert errors == [], errors
