"""Keys and limits: keyed writes (401/403/200), disabled writes without keys, read keys, 429."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from assistant.runtime import Runtime
from tests.support.api import FEB26_QUESTION, KEY, OTHER_KEY, Server, server_for

ARTICLE = {
    "id": "api-test-lighthouse",
    "url": "https://example.org/lighthouse",
    "title": "Lighthouse keeper retires",
    "source": "example.org",
    "published_at": "2024-05-02",
    "authors": ["A. Writer"],
    "text": (
        "The last lighthouse keeper of Skerry Point retired on Thursday after 41 years.\n\n"
        "Margit Olsen said the lamp had never once failed during a storm in her time."
    ),
}


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def test_writes_need_a_valid_key(client: httpx.Client) -> None:
    missing = client.post("/v1/articles", json=ARTICLE)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == "Bearer"
    assert "API key" in missing.json()["error"]["message"]
    wrong = client.post("/v1/articles", json=ARTICLE, headers=_bearer("not-the-key"))
    assert wrong.status_code == 403
    not_bearer = client.post(
        "/v1/articles", json=ARTICLE, headers={"Authorization": f"Basic {KEY}"}
    )
    assert not_bearer.status_code == 401
    assert client.delete("/v1/articles/anything").status_code == 401
    assert client.delete("/v1/articles/anything", headers=_bearer("nope")).status_code == 403
    # nothing was written
    assert client.get(f"/v1/articles/{ARTICLE['id']}").status_code == 404


def test_post_get_delete_article_with_key(client: httpx.Client) -> None:
    r = client.post("/v1/articles", json=ARTICLE, headers=_bearer(KEY))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["articles_added"] == 1 and body["chunks_written"] >= 1
    assert body["items"] == [{"index": 0, "id": ARTICLE["id"], "error": None}]
    # re-posting the same article is a no-op (content hash), with the other key
    again = client.post("/v1/articles", json=[ARTICLE], headers=_bearer(OTHER_KEY)).json()
    assert again["articles_unchanged"] == 1 and again["chunks_written"] == 0

    got = client.get(f"/v1/articles/{ARTICLE['id']}").json()
    assert got["text"] == ARTICLE["text"] and got["published_at"] == "2024-05-02"
    assert got["authors"] == ["A. Writer"] and got["title"] == ARTICLE["title"]
    ans = client.post(
        "/v1/ask", json={"question": "How long did the Skerry Point lighthouse keeper serve?"}
    ).json()
    assert any(c["article_id"] == ARTICLE["id"] for c in ans["citations"])

    deleted = client.delete(f"/v1/articles/{ARTICLE['id']}", headers=_bearer(KEY))
    assert deleted.status_code == 200 and deleted.json() == {"id": ARTICLE["id"], "deleted": True}
    assert client.get(f"/v1/articles/{ARTICLE['id']}").status_code == 404
    gone = client.delete(f"/v1/articles/{ARTICLE['id']}", headers=_bearer(KEY))
    assert gone.status_code == 404


def test_partial_batch_reports_each_item(client: httpx.Client) -> None:
    items = [
        {**ARTICLE, "id": "api-test-partial", "text": "Ferries resumed service to the islands."},
        {"title": "no text at all"},
        "not an object",
    ]
    r = client.post("/v1/articles", json=items, headers=_bearer(KEY))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["articles_added"] == 1
    assert [i["index"] for i in body["items"]] == [0, 1, 2]
    assert body["items"][0]["id"] == "api-test-partial"
    assert "text" in body["items"][1]["error"] and "object" in body["items"][2]["error"]
    assert len(body["failed"]) == 2
    assert client.delete("/v1/articles/api-test-partial", headers=_bearer(KEY)).status_code == 200


def test_without_configured_keys_writes_are_disabled(api_runtime: Runtime) -> None:
    with server_for(api_runtime, api_keys=[]) as s, httpx.Client(base_url=s.url) as c:
        for headers in ({}, _bearer("anything")):
            r = c.post("/v1/articles", json=ARTICLE, headers=headers)
            assert r.status_code == 403
            assert r.json()["error"]["message"] == (
                "writes are disabled: configure NEWSDESK_API_KEYS"
            )
        assert c.delete("/v1/articles/x", headers=_bearer("anything")).status_code == 403
        # reads stay open
        assert c.post("/v1/search", json=FEB26_QUESTION).status_code == 200


def test_read_keys_and_rate_limit(api_runtime: Runtime) -> None:
    strict = server_for(api_runtime, read_requires_key=True, rate_limit_per_minute=4)
    with strict as s, httpx.Client(base_url=s.url, timeout=60) as c:
        assert c.post("/v1/search", json=FEB26_QUESTION).status_code == 401
        assert c.get("/v1/models", headers=_bearer("wrong")).status_code == 403
        ok = c.post("/v1/search", json=FEB26_QUESTION, headers=_bearer(KEY))
        assert ok.status_code == 200
        # health and metrics need no key and are not rate-limited
        assert c.get("/healthz").status_code == 200
        statuses = [c.get("/v1/models", headers=_bearer(KEY)).status_code for _ in range(5)]
        assert statuses[:3] == [200, 200, 200] and statuses[-1] == 429
        limited = c.get("/v1/models", headers=_bearer(KEY))
        assert limited.status_code == 429
        assert int(limited.headers["retry-after"]) >= 1
        assert "too many requests" in limited.json()["error"]["message"]
        # another client (the other key) has its own budget
        assert c.get("/v1/models", headers=_bearer(OTHER_KEY)).status_code == 200
