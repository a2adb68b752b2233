"""/v1/ask, /v1/search, articles with highlight, health and metrics — over a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.api import FEB26, FEB26_QUESTION, Server


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def test_ask_feb_26_cites_the_exact_sentence(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json=FEB26_QUESTION)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["refused"] is False
    assert "[1]" in body["answer"] and FEB26 in body["answer"]
    first = body["citations"][0]
    assert first["n"] == 1 and first["quote"].startswith(FEB26)
    assert body["passages"] and body["timings_ms"]["total"] > 0
    # The quote is exactly the article's text at [start:end].
    art = client.get(f"/v1/articles/{first['article_id']}")
    assert art.status_code == 200
    text = art.json()["text"]
    for c in body["citations"]:
        assert text[c["start"] : c["end"]] == c["quote"]


def test_ask_plain_curl_style_body_is_read_as_json(client: httpx.Client) -> None:
    # `curl -d '{...}'` sends a form content type; the API reads it as JSON anyway.
    r = client.post(
        "/v1/ask",
        content=b'{"question": "What did Trump say on Feb 26?", "as_of": "2025-03-10"}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["citations"][0]["quote"].startswith(FEB26)


def test_absent_fact_is_refused_without_citations(client: httpx.Client) -> None:
    r = client.post("/v1/ask", json={"question": "What is the capital of Australia?"})
    assert r.status_code == 200
    body = r.json()
    assert body["refused"] is True and body["citations"] == []


def test_search_returns_passages_only(client: httpx.Client) -> None:
    r = client.post("/v1/search", json={**FEB26_QUESTION, "k": 3})
    assert r.status_code == 200, r.text
    body = r.json()
    assert "answer" not in body and len(body["passages"]) == 3
    assert FEB26 in body["passages"][0]["text"]
    assert body["date_window"]["start"] == "2025-02-26"


def test_search_filters_apply(client: httpx.Client) -> None:
    r = client.post(
        "/v1/search", json={**FEB26_QUESTION, "filters": {"sources": ["nowhere.example"]}}
    )
    assert r.status_code == 200
    assert r.json()["passages"] == []


def test_article_with_highlight(client: httpx.Client, sample_article_id: str) -> None:
    full = client.get(f"/v1/articles/{sample_article_id}").json()
    start = full["text"].index(FEB26)
    end = start + len(FEB26)
    r = client.get(f"/v1/articles/{sample_article_id}", params={"highlight": f"{start}:{end}"})
    assert r.status_code == 200
    body = r.json()
    assert body["highlight"] == {"start": start, "end": end, "text": FEB26}
    assert body["title"].startswith("The White House wants to lift")
    assert body["source"] == "Reuters"


def test_health_and_readiness(client: httpx.Client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["articles"] >= 1 and body["chunks"] >= 1
    assert body["embedder"]


def test_metrics_count_requests_and_stages(client: httpx.Client) -> None:
    assert client.post("/v1/ask", json=FEB26_QUESTION).status_code == 200
    assert client.get("/v1/articles/does-not-exist").status_code == 404
    r = client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    assert 'newsdesk_http_requests_total{method="POST",route="/v1/ask",status="200"}' in text
    # Route templates, not raw paths, label the series.
    assert 'route="/v1/articles/{article_id:path}",status="404"' in text
    assert "does-not-exist" not in text
    assert 'newsdesk_http_request_duration_seconds_bucket{le="0.005",method="POST"' in text or (
        'newsdesk_http_request_duration_seconds_count{method="POST",route="/v1/ask"}' in text
    )
    for stage in ("embed", "dense", "lexical", "answer", "total"):
        assert f'newsdesk_stage_duration_seconds_count{{stage="{stage}"}}' in text
    assert 'newsdesk_answers_total{answerer="extractive",refused="false"}' in text


def test_openapi_documents_the_routes(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/search", "/v1/chat/completions", "/v1/models"} <= set(paths)
    assert "/v1/articles/{article_id}" in paths
