"""The chat page with hostile articles, in headless Chromium: what
tests/assistant/app/http/test_page.py does not cover.

An article whose URL is `javascript:`, whose text holds a `javascript:` link and event handlers,
and whose cited sentence comes after right-to-left marks, zero-width joiners and characters
outside the Basic Multilingual Plane (two UTF-16 units each in the browser). Holds: nothing on
the page is a link to `javascript:`, clicking around runs nothing, and the highlighted span in the
article panel is exactly the cited quote (code-point offsets agree between server and page).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from assistant.app.http.app import create_app
from assistant.runtime import Runtime
from tests.support import make_settings
from tests.support.browser import BROWSER_MARKS, CHROMIUM, launch
from tests.support.reliability import AUTH, KEY
from tests.support.servers import serving

pytestmark = BROWSER_MARKS

if CHROMIUM.exists():
    from playwright.sync_api import Page, expect, sync_playwright

ARTICLE = {
    "id": "hostile-page-probe",
    "title": '<a href="javascript:window.__pwned=1">Glimmerfjord ferry</a>',
    "url": "javascript:window.__pwned=1",
    "source": "\u202eelpmaxe.rekcatta",
    "text": (
        "\u05d7\u05d3\u05e9\u05d5\u05ea \u200f \U0001f468\u200d\U0001f469\u200d\U0001f467"
        " \U0001f1eb\U0001f1f7 \U0001d54f\U0001d560\U0001d56b \u2066\u0645\u0631\u062d\u0628\u0627"
        '\u2069 <a href="javascript:window.__pwned=1" onclick="window.__pwned=1">tap</a>'
        ' <img src=x onerror="window.__pwned=1">\n\n'
        "The Glimmerfjord ferry carried 8,412 passengers in its first week of service.\n\n"
        "Residents said the \U0001f6a2 timetable was posted at the pier."
    ),
}
QUESTION = "How many passengers did the Glimmerfjord ferry carry in its first week?"


@pytest.fixture()
def page_url(own_sample: Runtime) -> Iterator[str]:
    cfg = make_settings(own_sample.settings.data_dir, api_keys=[KEY], rate_limit_per_minute=0)
    with serving(create_app(cfg, runtime=own_sample)) as url:
        assert httpx.post(url + "/v1/articles", json=ARTICLE, headers=AUTH).status_code == 200
        yield url


@pytest.fixture()
def page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = launch(p)
        context = browser.new_context()
        pg = context.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        yield pg
        context.close()
        browser.close()
        assert errors == [], errors


def test_no_javascript_links_and_exact_highlight_after_astral_text(
    page_url: str, page: Page
) -> None:
    page.goto(page_url + "/")
    page.fill("#question", QUESTION)
    page.click("#ask-button")
    page.wait_for_selector(".turn.answered, .turn.failed", timeout=30_000)
    quote = page.locator(".sources .source-quote").first.text_content() or ""
    assert "8,412 passengers" in quote
    page.locator(".passages summary").click()
    page.locator(".answer-text .cite").first.click()
    mark = page.locator("#panel-text mark")
    expect(mark).to_be_visible()
    assert mark.text_content() == quote  # offsets agree across astral and bidi characters
    panel_text = page.locator("#panel-text").text_content() or ""
    assert panel_text == ARTICLE["text"]
    assert "javascript:window.__pwned=1" in (page.locator("#panel-meta").text_content() or "")
    hrefs = page.evaluate("Array.from(document.querySelectorAll('[href]'), a => a.href)")
    assert not [h for h in hrefs if h.lower().startswith("javascript:")], hrefs
    handlers = page.evaluate(
        "Array.from(document.querySelectorAll('*')).flatMap(e => e.getAttributeNames()"
        ".filter(n => n.startsWith('on')))"
    )
    assert handlers == []
    for selector in ("#panel-meta", "#panel-title", "#panel-text", ".passages"):
        page.locator(selector).first.click()
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#transcript a, #panel a, #transcript img, #panel img").count() == 0
