"""Inputs that used to get a 500 or sink a batch, against a real server over a real store: each
gets a clear 4xx (or is reported per item) and loses nothing else.

as_of at the ends of the calendar, filter lists past SQLite's variable cap, lone surrogates in
posted articles and questions, ids with "/" and ":", huge earlier chat turns, OpenAI parameters
we do not support, GET /v1/models/{id}, the offline /docs, and the paged article listing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import openai
import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.runtime import Runtime
from tests.support import sample_store
from tests.support.api import KEY, Server, server_for
from tests.support.reliability import FEB26

AUTH = {"Authorization": f"Bearer {KEY}"}
JSON_AUTH = {**AUTH, "Content-Type": "application/json"}
DATED = {
    "id": "bad-inputs/dated:1",  # "/" and ":" in an id: stored, read, deleted like any other
    "title": "Harbor bridge opens",
    "source": "Harbor.Example",
    "published_at": "2025-02-20",
    "text": "The mayor of Oslo opened the new harbor bridge on February 19, 2025, after four"
    " years of building work, the city said.",
}
ASK = {"question": "What did Trump say on Feb 26?", "as_of": "2025-03-10"}


@pytest.fixture(scope="module")
def srv(tmp_path_factory: pytest.TempPathFactory, embedder: MiniLMEmbedder) -> Iterator[Server]:
    rt: Runtime = sample_store(tmp_path_factory.mktemp("bad-inputs"), embedder)
    with server_for(rt, max_body_bytes=5_000_000) as s:
        r = httpx.post(s.url + "/v1/articles", json=DATED, headers=AUTH, timeout=60)
        assert r.status_code == 200, r.text
        yield s


@pytest.fixture(scope="module")
def client(srv: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.url, timeout=120) as c:
        yield c


def _error(r: httpx.Response, status: int) -> str:
    assert r.status_code == status, (r.status_code, r.text[:500])
    message = r.json()["error"]["message"]
    assert isinstance(message, str) and message
    return message


@pytest.mark.parametrize("as_of", ["9999-12-31", "0001-01-01"])
def test_as_of_at_the_ends_of_the_calendar_answers(client: httpx.Client, as_of: str) -> None:
    for question in (
        "When did the harbor bridge open?",
        "What happened on December 31, 9999?",
        "What happened last week?",
        "What happened on January 1, 0001?",
    ):
        body = {"question": question, "as_of": as_of}
        assert client.post("/v1/ask", json=body).status_code == 200, question
        assert client.post("/v1/search", json=body).status_code == 200, question
        chat = {"model": "newsdesk", "messages": [{"role": "user", "content": question}]}
        r = client.post("/v1/chat/completions", json={**chat, "as_of": as_of})
        assert r.status_code == 200, (question, r.text[:300])


def test_a_question_naming_the_last_day_of_the_calendar_answers(client: httpx.Client) -> None:
    body = {"question": "What did the mayor say on Dec 31?", "as_of": "9999-12-31"}
    r = client.post("/v1/ask", json=body)
    assert r.status_code == 200 and r.json()["date_window"]["end"] == "9999-12-31"


@pytest.mark.parametrize("field", ["sources", "article_ids"])
def test_filter_lists_are_bounded_with_a_clear_422(client: httpx.Client, field: str) -> None:
    many = [f"value-{i}" for i in range(40_000)]  # past SQLite's 32,766 variables
    message = _error(client.post("/v1/search", json={**ASK, "filters": {field: many}}), 422)
    assert message == f"filters.{field}: 40000 values, more than the limit of 1000"
    chat = {"model": "newsdesk", "messages": [{"role": "user", "content": ASK["question"]}]}
    r = client.post("/v1/chat/completions", json={**chat, "filters": {field: many}})
    assert "more than the limit of 1000" in _error(r, 422)
    # at the limit, the query runs
    r = client.post("/v1/search", json={**ASK, "filters": {field: many[:1000]}})
    assert r.status_code == 200


def test_sources_match_case_insensitively_and_unknown_ones_are_named(
    client: httpx.Client,
) -> None:
    body = {"question": "When did the harbor bridge open?", "as_of": "2025-03-10"}
    r = client.post("/v1/ask", json={**body, "filters": {"sources": ["harbor.EXAMPLE"]}})
    assert r.status_code == 200 and not r.json()["refused"]
    assert {c["source"] for c in r.json()["citations"]} == {"Harbor.Example"}
    r = client.post("/v1/ask", json={**body, "filters": {"sources": ["CNN.com"]}})
    notes = " ".join(r.json()["notes"])
    assert r.json()["refused"] and "'CNN.com'" in notes and "Harbor.Example" in notes


def test_lone_surrogates_are_reported_per_item_and_the_rest_go_in(
    client: httpx.Client, srv: Server
) -> None:
    good = {"id": "surrogate-good", "title": "Ferry", "text": "The Quillon ferry restarts soon."}
    bad = [
        {"id": "surrogate-text", "title": "A", "text": "Broken \ud800 text of an article."},
        {"id": "surrogate-title", "title": "B \udfff", "text": "Text of a second article."},
        {"id": "surrogate-author", "authors": ["C \ud800"], "text": "Text of a third article."},
    ]
    body = json.dumps([bad[0], good, *bad[1:]])  # ensure_ascii: "\ud800" travels as an escape
    r = client.post(
        "/v1/articles", content=body, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["error"] is None for i in items] == [False, True, False, False]
    assert all("lone surrogate" in i["error"] for i in items if i["error"])
    assert r.json()["articles_added"] == 1
    assert client.get("/v1/articles/surrogate-good").status_code == 200
    only_bad = client.post(
        "/v1/articles",
        content=json.dumps(bad),
        headers={**AUTH, "Content-Type": "application/json"},
    )
    assert only_bad.status_code == 422 and "lone surrogate" in only_bad.json()["error"]["message"]
    q = client.post(
        "/v1/ask",
        content=json.dumps({"question": "Why \ud800?"}),
        headers={"Content-Type": "application/json"},
    )
    assert "unicode" in _error(q, 422)
    assert srv.runtime.store.check().ok


def test_ids_with_slashes_and_colons_are_read_and_deleted(
    client: httpx.Client, srv: Server
) -> None:
    article_id = "slash/and:colon/id"
    rec = {"id": article_id, "title": "Slashed", "text": "An article whose id has slashes."}
    assert client.post("/v1/articles", json=rec, headers=AUTH).status_code == 200
    for path in (f"/v1/articles/{article_id}", "/v1/articles/slash%2Fand:colon%2Fid"):
        r = client.get(path, params={"highlight": "3:10"})
        assert r.status_code == 200 and r.json()["id"] == article_id, (path, r.text)
    assert client.get(f"/v1/articles/{DATED['id']}").json()["title"] == "Harbor bridge opens"
    assert srv.runtime.store.check().ok  # chunks of an id with ":" still belong to it
    assert client.delete(f"/v1/articles/{article_id}", headers=AUTH).json()["deleted"] is True
    assert client.get(f"/v1/articles/{article_id}").status_code == 404


def test_huge_earlier_chat_turns_are_bounded(client: httpx.Client) -> None:
    # 3 MB of earlier turn, with the name a follow-up would pick up far past what rewriting
    # reads of it (max_question_chars): the request answers, the far name is never used.
    earlier = "x " * 1_500_000 + "What did Putin say on March 3?"
    messages = [
        {"role": "user", "content": earlier},
        {"role": "assistant", "content": "y " * 500_000},
        {"role": "user", "content": "and what did he say after that?"},
    ]
    r = client.post("/v1/chat/completions", json={"model": "newsdesk", "messages": messages})
    assert r.status_code == 200, r.text[:300]
    assert "Putin" not in r.json()["newsdesk"]["question"]


@pytest.fixture(scope="module")
def oa(srv: Server) -> openai.OpenAI:
    return openai.OpenAI(base_url=srv.url + "/v1", api_key="unused", max_retries=0)


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"n": 2}, "n=2"),
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]}, "tools"),
        ({"response_format": {"type": "json_object"}}, "response_format 'json_object'"),
        ({"logprobs": True}, "logprobs"),
    ],
)
def test_unsupported_openai_parameters_get_a_400(
    oa: openai.OpenAI, extra: dict[str, object], named: str
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        oa.chat.completions.create(
            model="newsdesk",
            messages=[{"role": "user", "content": ASK["question"]}],
            **extra,  # type: ignore[arg-type]
        )
    assert named in str(caught.value) and "unsupported parameters" in str(caught.value)


def test_supported_values_of_those_parameters_still_answer(oa: openai.OpenAI) -> None:
    done = oa.chat.completions.create(
        model="newsdesk",
        messages=[{"role": "user", "content": ASK["question"]}],
        n=1,
        response_format={"type": "text"},
        logprobs=False,
        extra_body={"as_of": ASK["as_of"]},
    )
    assert FEB26 in (done.choices[0].message.content or "")


def test_models_can_be_retrieved_one_by_one(oa: openai.OpenAI) -> None:
    listed = [m.id for m in oa.models.list()]
    assert [oa.models.retrieve(m).id for m in listed] == listed
    with pytest.raises(openai.NotFoundError):
        oa.models.retrieve("gpt-4o")


def test_docs_are_served_offline(client: httpx.Client) -> None:
    for path in ("/docs", "/redoc"):
        r = client.get(path)
        assert r.status_code == 200 and "/openapi.json" in r.text
        assert "://" not in r.text and "<script" not in r.text  # nothing to load from elsewhere
    assert client.get("/openapi.json").json()["info"]["title"] == "Newsdesk"


def test_articles_are_listed_in_pages_with_a_summary(client: httpx.Client) -> None:
    first = client.get("/v1/articles", params={"limit": 1}).json()
    assert first["total"] >= 2 and len(first["articles"]) == 1 and first["limit"] == 1
    everything = client.get("/v1/articles", params={"limit": 200}).json()
    ids = [a["id"] for a in everything["articles"]]
    assert ids[0] == first["articles"][0]["id"] and DATED["id"] in ids
    second = client.get("/v1/articles", params={"offset": 1, "limit": 1}).json()
    assert second["articles"][0]["id"] == ids[1]
    assert everything["sources"]["Harbor.Example"] == 1
    assert everything["earliest"] <= "2025-02-20" <= everything["latest"]
    for bad in ({"limit": 0}, {"limit": 201}, {"offset": -1}):
        assert client.get("/v1/articles", params=bad).status_code == 422


def test_bidi_controls_in_titles_do_not_reach_the_chat_sources(client: httpx.Client) -> None:
    rlo = "\u202e"
    rec = {
        "id": "bidi-title",
        "title": f"Lighthouse {rlo}gnp.exe",
        "source": f"{rlo}moc.live",
        "text": "The Brannock lighthouse keeper retired after forty years, the harbour office"
        " said.",
    }
    assert client.post("/v1/articles", json=rec, headers=AUTH).status_code == 200
    question = "Who retired from the Brannock lighthouse?"
    chat = {"model": "newsdesk", "messages": [{"role": "user", "content": question}]}
    content = client.post("/v1/chat/completions", json=chat).json()["choices"][0]["message"]
    assert "Lighthouse gnp.exe — moc.live" in content["content"]
    assert rlo not in content["content"]
