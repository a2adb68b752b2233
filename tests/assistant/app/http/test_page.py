"""The web chat page in headless Chromium (Debian `chromium` + Python `playwright`).

Asks the Feb 26 question, clicks [1], checks the highlighted span; and checks that an article
full of markup is shown as text and never runs (no innerHTML anywhere on the page).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.api import FEB26, KEY, Server
from tests.support.browser import BROWSER_MARKS, CHROMIUM, launch

pytestmark = BROWSER_MARKS

if CHROMIUM.exists():
    from playwright.sync_api import Browser, Page, expect, sync_playwright

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
HOSTILE = {
    "id": "api-test-hostile",
    "title": f"{IMG}Harbor festival report",
    "source": "zorblat.example",
    "text": (
        "The Zorblat harbor festival drew record crowds of 40,000 visitors this spring.\n\n"
        f"The festival organizers said the banner read {SCRIPT} in large letters.\n\n"
        f"Volunteers also painted {IMG} on the harbor wall, the organizers said."
    ),
}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], errors


def _ask(page: Page, url: str, question: str, as_of: str | None = None) -> None:
    page.goto(url + "/")
    page.fill("#question", question)
    if as_of:
        page.fill("#as-of", as_of)
    page.click("#ask-button")
    page.wait_for_selector(".turn.answered, .turn.failed", timeout=30_000)


def test_page_is_served_with_a_strict_csp(server: Server) -> None:
    r = httpx.get(server.url + "/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe" not in csp
    assert "<script>" not in r.text and "http" not in r.text.replace("http-equiv", "")
    scripts = ("/static/page.js", "/static/app.js", "/static/views.js")
    for asset in (*scripts, "/static/style.css", "/static/views.css"):
        a = httpx.get(server.url + asset)
        assert a.status_code == 200 and a.headers["content-security-policy"] == csp
    for script in scripts:
        assert "innerHTML" not in httpx.get(server.url + script).text


def test_ask_and_open_the_cited_span(server: Server, page: Page) -> None:
    _ask(page, server.url, "What did Trump say on Feb 26?", as_of="2025-03-10")
    answer = page.locator(".turn.answered .answer-text")
    expect(answer).to_contain_text(FEB26)
    quote = page.locator(".sources .source-quote").first.text_content() or ""
    assert quote.startswith(FEB26)
    page.locator(".answer-text .cite", has_text="[1]").first.click()
    mark = page.locator("#panel-text mark")
    expect(mark).to_be_visible()
    assert mark.text_content() == quote
    # the panel holds the whole article, with the quote at its cited place
    panel_text = page.locator("#panel-text").text_content() or ""
    assert panel_text.index(quote) > 0 and "Sources note that the White House" in panel_text
    expect(page.locator("#panel-title")).to_contain_text("The White House wants to lift")


def test_refusal_is_shown_as_not_found(server: Server, page: Page) -> None:
    _ask(page, server.url, "How do I bake sourdough bread?")
    expect(page.locator(".turn.refused .not-found")).to_have_text("Not found in the articles")
    assert page.locator(".turn.refused .cite").count() == 0


def test_markup_in_articles_is_text_and_never_runs(server: Server, page: Page) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    assert httpx.post(server.url + "/v1/articles", json=HOSTILE, headers=headers).status_code == 200
    try:
        _ask(
            page,
            server.url,
            "What did the Zorblat harbor festival organizers say about the banner?",
        )
        turn = page.locator(".turn.answered")
        expect(turn).to_be_visible()
        page.locator(".passages summary").click()
        passages = page.locator(".passages").text_content() or ""
        assert SCRIPT in passages and IMG in passages
        page.locator(".answer-text .cite").first.click()
        expect(page.locator("#panel-text mark")).to_be_visible()
        panel = page.locator("#panel").text_content() or ""
        assert SCRIPT in panel and IMG in panel  # title and text, shown literally
        # nothing was parsed as markup: no injected elements, no script ran
        assert (
            page.locator("#transcript img, #panel img, #transcript script, #panel script").count()
            == 0
        )
        assert page.evaluate("window.__pwned") is None
    finally:
        httpx.delete(f"{server.url}/v1/articles/{HOSTILE['id']}", headers=headers)


def test_follow_up_keeps_the_conversation(server: Server, page: Page) -> None:
    _ask(page, server.url, "When did Trump call Putin?", as_of="2025-03-10")
    expect(page.locator(".turn.answered .answer-text").first).to_contain_text("February 12")
    page.fill("#question", "and what did he say on february 26?")
    page.click("#ask-button")
    page.wait_for_selector(".turn:nth-child(2).answered, .turn:nth-child(2).failed")
    second = page.locator(".turn").nth(1)
    expect(second.locator(".answer-text")).to_contain_text(FEB26)
    assert second.locator(".sources .source-quote").count() >= 1
