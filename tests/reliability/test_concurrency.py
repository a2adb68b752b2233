"""Queries during writes, all through the API: every query gets a 200, and no answer cites an
article (or a chunk of one) whose DELETE had already returned when the query was sent.

The store starts with the sample article and the 15 shortest dev articles; while three client
threads ask questions made from those articles' titles, a writer posts the next 15 shortest dev
articles (three batches) and deletes 8 of the first 15. Every request's send time and every
delete's return time is kept, so each answer is checked against exactly the deletions that were
complete before it was asked. At the end, every article that was not deleted is there once.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.app.http.app import create_app
from assistant.embed.onnx_minilm import MiniLMEmbedder
from tests.support import DEV_CORPUS, ingest_into, make_settings, sample_store
from tests.support.reliability import AUTH, FEB26_QUESTION, KEY, figure, tally
from tests.support.servers import serving

READERS = 3
AFTER_ROUNDS = 2  # question rounds each reader asks after the writer is done


def _shortest_dev_records(n: int) -> list[dict[str, Any]]:
    with DEV_CORPUS.open() as f:
        records = [json.loads(line) for line in f if line.strip()]
    records.sort(key=lambda r: (len(r["text"]), r["id"]))
    return records[:n]


@dataclass
class Asked:
    sent: float
    question: str
    status: int
    cited_articles: set[str] = field(default_factory=set)
    cited_chunks: set[str] = field(default_factory=set)
    passage_articles: set[str] = field(default_factory=set)
    passage_chunks: set[str] = field(default_factory=set)


def _ask(c: httpx.Client, question: str) -> Asked:
    sent = time.monotonic()
    r = c.post("/v1/ask", json={"question": question, "k": 8})
    asked = Asked(sent=sent, question=question, status=r.status_code)
    if r.status_code == 200:
        body = r.json()
        asked.cited_articles = {x["article_id"] for x in body["citations"]}
        asked.cited_chunks = {x["chunk_id"] for x in body["citations"]}
        asked.passage_articles = {p["article_id"] for p in body["passages"]}
        asked.passage_chunks = {p["chunk_id"] for p in body["passages"]}
    return asked


def test_queries_during_ingest_and_deletes(tmp_path: Path, embedder: MiniLMEmbedder) -> None:
    records = _shortest_dev_records(30)
    first, second = records[:15], records[15:]
    doomed = [r["id"] for r in first[::2]][:8]
    initial = tmp_path / "initial.jsonl"
    initial.write_text("".join(json.dumps(r) + "\n" for r in first))
    rt = sample_store(tmp_path / "data", embedder)
    assert ingest_into(rt, [initial]).articles_added == len(first)
    doomed_chunks = {
        aid: {h.chunk_id for h in rt.store.iter_chunks() if h.article_id == aid} for aid in doomed
    }
    assert all(doomed_chunks.values())
    questions = [FEB26_QUESTION["question"]] + [f"{r['title']}?" for r in records if r.get("title")]

    cfg = make_settings(rt.settings.data_dir, api_keys=[KEY], rate_limit_per_minute=0)
    deleted_at: dict[str, float] = {}
    asked: list[Asked] = []
    lock = threading.Lock()
    writer_done = threading.Event()
    writer_errors: list[str] = []

    with serving(create_app(cfg, runtime=rt)) as url:
        # Baseline: every doomed article is found by its own title before it is deleted.
        with httpx.Client(base_url=url, timeout=120) as c:
            baseline = {q: _ask(c, q) for q in questions}
        for aid in doomed:
            title = next(r["title"] for r in first if r["id"] == aid)
            assert aid in baseline[f"{title}?"].passage_articles, title

        def writer() -> None:
            try:
                with httpx.Client(base_url=url, timeout=300, headers=AUTH) as c:
                    batches = [second[i : i + 5] for i in range(0, len(second), 5)]
                    deletes = [doomed[i : i + 3] for i in range(0, len(doomed), 3)]
                    for n in range(max(len(batches), len(deletes))):
                        if n < len(batches):
                            r = c.post("/v1/articles", json=batches[n])
                            if r.status_code != 200:
                                writer_errors.append(f"POST {r.status_code} {r.text[:200]}")
                        for aid in deletes[n] if n < len(deletes) else []:
                            r = c.delete(f"/v1/articles/{aid}")
                            if r.status_code != 200:
                                writer_errors.append(f"DELETE {aid} {r.status_code}")
                            deleted_at[aid] = time.monotonic()
            finally:
                writer_done.set()

        def reader(offset: int) -> None:
            with httpx.Client(base_url=url, timeout=300) as c:
                n = offset
                rounds_after = 0
                while rounds_after < AFTER_ROUNDS * len(questions):
                    got = _ask(c, questions[n % len(questions)])
                    with lock:
                        asked.append(got)
                    n += 1
                    if writer_done.is_set():
                        rounds_after += 1

        threads = [threading.Thread(target=writer)] + [
            threading.Thread(target=reader, args=(i * 7,)) for i in range(READERS)
        ]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=900)
        assert not any(t.is_alive() for t in threads), "the run did not finish in 15 minutes"
        elapsed = time.monotonic() - start

    assert writer_errors == []
    assert set(deleted_at) == set(doomed)
    statuses = [a.status for a in asked]
    assert statuses and all(s == 200 for s in statuses), sorted(set(statuses))
    last_write = max(deleted_at.values())
    during = [a for a in asked if a.sent < last_write]
    assert len(during) >= READERS, "no query ran while the writes were going on"

    stale = []
    for a in asked:
        gone = {aid for aid, t in deleted_at.items() if t <= a.sent}
        gone_chunks = set().union(*(doomed_chunks[aid] for aid in gone)) if gone else set()
        if (a.cited_articles | a.passage_articles) & gone or (
            a.cited_chunks | a.passage_chunks
        ) & gone_chunks:
            stale.append((a.question, sorted(gone & (a.cited_articles | a.passage_articles))))
    assert stale == []

    # Everything that was not deleted is there, exactly once; the new articles are findable.
    expected = {r["id"] for r in records} - set(doomed)
    stored = {s.id for s in rt.store.list_articles(limit=1000)}
    assert expected <= stored and not (set(doomed) & stored)
    assert rt.store.check().ok
    new_found = {aid for a in asked if a.sent > last_write for aid in a.passage_articles}
    assert {r["id"] for r in second} & new_found
    figure("concurrency: queries during writes", len(during))
    figure("concurrency: queries total / seconds", f"{len(asked)} / {elapsed:.1f}")
    tally("errors seen (concurrency non-200)", sum(s != 200 for s in statuses))
    tally("articles lost", len(expected - stored))
