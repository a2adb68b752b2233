"""Stories, timelines and outlets over HTTP (real uvicorn server, stories corpus), the chat
endpoint answering a timeline question (official `openai` client), and the page's view."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from openai import OpenAI

from assistant.runtime import Runtime
from tests.support.api import Server, server_for
from tests.support.browser import BROWSER_MARKS, CHROMIUM, launch
from tests.support.stories import AS_OF, OUTLETS_QUESTION, TIMELINE_QUESTION, WIRE_URLS

if CHROMIUM.exists():
    from playwright.sync_api import expect, sync_playwright


@pytest.fixture(scope="module")
def views_server(stories_runtime: Runtime) -> Iterator[Server]:
    with server_for(stories_runtime) as s:
        yield s


def _wire_story(server: Server) -> str:
    stories = {s.url: s.story for s in server.runtime.store.list_articles(limit=50)}
    story = stories["https://wire.example/flood"]
    assert story is not None
    return story


def test_get_a_story(views_server: Server) -> None:
    story = _wire_story(views_server)
    r = httpx.get(f"{views_server.url}/v1/stories/{story}")
    assert r.status_code == 200
    body = r.json()
    assert {a["url"] for a in body["articles"]} == WIRE_URLS
    assert body["outlets"] == ["daily.example", "herald.example", "wire.example"]
    assert (body["first_published"], body["last_published"]) == ("2022-06-14", "2022-06-16")
    missing = httpx.get(f"{views_server.url}/v1/stories/s-no-such-story")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"


def _check_timeline(body: dict, store_text: dict[str, str]) -> None:  # type: ignore[type-arg]
    events = body["events"]
    assert not body["refused"] and len(events) >= 3
    days = [e["date"] for e in events]
    assert days == sorted(days)
    assert {"2022-06-13", "2022-06-14"} <= set(days)  # "on Monday", "on Tuesday" of the texts
    assert all(d <= "2022-06-16" for d in days)  # nothing after the articles were written
    for e in events:
        c = e["citation"]
        assert c["quote"] == e["text"] == store_text[c["article_id"]][c["start"] : c["end"]]
    # copies of the wire story give one event per day, not one per outlet
    per_day_story = {(e["date"], e["citation"]["story_id"]) for e in events}
    assert len(per_day_story) == len(events)


def _texts(rt: Runtime) -> dict[str, str]:
    ids = [s.id for s in rt.store.list_articles(limit=50)]
    return {i: a.text for i, a in rt.store.articles(ids).items()}


def test_timeline(views_server: Server) -> None:
    r = httpx.post(
        f"{views_server.url}/v1/timeline",
        json={"question": TIMELINE_QUESTION, "as_of": AS_OF},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    _check_timeline(r.json(), _texts(views_server.runtime))
    bounded = httpx.post(
        f"{views_server.url}/v1/timeline",
        json={"question": TIMELINE_QUESTION, "as_of": AS_OF,
              "filters": {"since": "2022-06-14", "until": "2022-06-14"}},
        timeout=60,
    ).json()  # fmt: skip
    assert bounded["events"] and {e["date"] for e in bounded["events"]} == {"2022-06-14"}
    for bad in ({"question": " "}, {"question": "x", "limit": 0}, {"question": "x", "k": 3}):
        assert httpx.post(f"{views_server.url}/v1/timeline", json=bad).status_code == 422
    nothing = httpx.post(
        f"{views_server.url}/v1/timeline",
        json={"question": "Timeline of the sourdough baking contest", "as_of": AS_OF},
        timeout=60,
    ).json()
    assert nothing["refused"] and nothing["events"] == [] and nothing["message"]


def test_outlets_side_by_side(views_server: Server) -> None:
    r = httpx.post(
        f"{views_server.url}/v1/outlets",
        json={"question": OUTLETS_QUESTION, "as_of": AS_OF},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    outlets = {o["source"] for o in body["outlets"]}
    assert "gazette.example" in outlets and outlets & {"wire.example", "daily.example"}
    texts = _texts(views_server.runtime)
    for c in body["citations"]:
        assert c["quote"] == texts[c["article_id"]][c["start"] : c["end"]]
    by_n = {c["n"]: c for c in body["citations"]}
    died = [d for d in body["differences"] if d["kind"] == "number" and d["subject"] == "peopl"]
    assert died, body["differences"]
    assert {x["value"].split()[0] for x in died[0]["claims"]} == {"12", "14"}
    assert all(by_n[x["citation"]]["source"] == x["source"] for x in died[0]["claims"])
    # one story: only its copies are compared
    story = _wire_story(views_server)
    one = httpx.post(
        f"{views_server.url}/v1/outlets",
        json={"question": OUTLETS_QUESTION, "story_id": story},
        timeout=60,
    ).json()
    assert one["story_id"] == story
    assert {o["source"] for o in one["outlets"]} <= {
        "wire.example",
        "daily.example",
        "herald.example",
    }
    unknown = httpx.post(
        f"{views_server.url}/v1/outlets", json={"question": "x", "story_id": "s-nope"}
    )
    assert unknown.status_code == 404


def test_chat_answers_a_timeline_question_with_a_timeline(views_server: Server) -> None:
    client = OpenAI(base_url=f"{views_server.url}/v1", api_key="unused", timeout=60)
    messages = [{"role": "user", "content": TIMELINE_QUESTION}]
    reply = client.chat.completions.create(
        model="newsdesk",
        messages=messages,
        extra_body={"as_of": AS_OF},  # type: ignore[arg-type]
    )
    text = reply.choices[0].message.content or ""
    lines = [line for line in text.split("\n\nSources:")[0].splitlines() if line.strip()]
    assert len(lines) >= 3 and all(line[:10].count("-") == 2 for line in lines)
    days = [date.fromisoformat(line[:10]) for line in lines]
    assert days == sorted(days) and all("[" in line for line in lines)
    citations = reply.model_dump()["citations"]
    assert len(citations) == len(lines)
    stream = client.chat.completions.create(
        model="newsdesk",
        messages=messages,
        stream=True,
        extra_body={"as_of": AS_OF},  # type: ignore[arg-type]
    )
    streamed = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert streamed == text


@pytest.mark.parametrize("kind", ["timeline", "outlets"])
@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_the_page_shows_the_view_and_opens_its_sources(views_server: Server, kind: str) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(views_server.url + "/")
        page.fill("#view-topic", "the Millbrook flood")
        page.select_option("#view-kind", kind)
        page.fill("#view-as-of", AS_OF)
        page.click("#view-button")
        item = ".event" if kind == "timeline" else ".outlet"
        page.wait_for_selector(item, timeout=60_000)
        if kind == "timeline":
            dates = page.locator(".event-date").all_text_contents()
            assert len(dates) >= 3 and [d[:10] for d in dates] == sorted(d[:10] for d in dates)
        else:
            expect(page.locator(".outlet h3", has_text="gazette.example")).to_be_visible()
            expect(page.locator(".findings .difference").first).to_be_visible()
        button = page.locator("#view-result .cite").first
        quote = (
            page.locator(".event-text").first.text_content()
            if kind == "timeline"
            else page.locator(".outlet q").first.text_content()
        )
        button.click()
        mark = page.locator("#panel-text mark")
        expect(mark).to_be_visible()
        assert mark.text_content() == quote
        # the same panel as the chat's: Escape closes it and focus returns to the [n] pressed
        page.keyboard.press("Escape")
        expect(page.locator("#panel")).to_be_hidden()
        assert page.evaluate("document.activeElement.classList.contains('cite')")
        # outlet names come from articles: isolated, like every source name on the page
        names = ".event-outlets bdi" if kind == "timeline" else ".outlet h3 bdi"
        assert page.locator(names).count() >= 1
        browser.close()
        assert errors == []


def test_chat_sources_say_where_else_a_story_ran(views_server: Server) -> None:
    client = OpenAI(base_url=f"{views_server.url}/v1", api_key="unused", timeout=60)
    reply = client.chat.completions.create(
        model="newsdesk",
        messages=[{"role": "user", "content": "How high did the Aster River crest?"}],
        extra_body={"as_of": AS_OF},  # type: ignore[arg-type]
    )
    text = reply.choices[0].message.content or ""
    cited = reply.model_dump()["citations"]
    wire = [c for c in cited if c["url"] in WIRE_URLS]
    assert wire and all(len(c["also_in"]) >= 2 for c in wire)
    assert f"also in {len(wire[0]['also_in'])} outlets" in text.split("Sources:")[1]


@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_the_page_chat_answers_a_timeline_question_with_one(views_server: Server) -> None:
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(views_server.url + "/")
        page.fill("#question", TIMELINE_QUESTION)
        page.fill("#as-of", AS_OF)
        page.click("#ask-button")
        page.wait_for_selector(".turn.answered, .turn.failed", timeout=60_000)
        text = page.locator(".turn.answered .answer-text").first.text_content() or ""
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) >= 3 and [line[:10] for line in lines] == sorted(
            line[:10] for line in lines
        )
        first = page.locator(".turn.answered .answer-text .cite").first
        first.click()
        expect(page.locator("#panel-text mark")).to_be_visible()
        assert (page.locator("#panel-text mark").text_content() or "") in lines[0]
        browser.close()
        assert errors == []
