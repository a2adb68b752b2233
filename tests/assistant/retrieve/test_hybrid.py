"""Hybrid retrieval over the real sample store: both retrievers, fusion, filters, dense-only."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from assistant.errors import LexicalUnavailableError
from assistant.models import Article, Filters, Query
from assistant.retrieve.hybrid import DENSE_ONLY_NOTE, RRF_K, HybridRetriever
from assistant.runtime import Runtime
from assistant.store import ArticleWrite, ChunkHit, NewsStore
from assistant.store.chroma import ChromaAdapter
from ingest.chunking import Chunker

FEB26 = "On February 26, Trump told reporters"
AS_OF = date(2025, 3, 10)


def test_fusion_scores_every_candidate(sample_runtime: Runtime) -> None:
    r = sample_runtime.desk.retrieve(Query(question="What did Trump say on Feb 26?", as_of=AS_OF))
    assert r.passages and FEB26 in r.passages[0].text
    top = r.passages[0]
    assert set(top.found_by) == {"dense", "lexical"}
    # both ranks contribute to RRF: at most 2 / (RRF_K + 1)
    assert 0 < top.scores["rrf"] <= 2 / (RRF_K + 1) + 1e-9
    assert all(-1.0 <= p.scores["dense"] <= 1.0 for p in r.passages)
    assert set(r.timings_ms) >= {"plan", "embed", "dense", "lexical", "fusion", "rerank"}
    assert r.query_vector is not None and r.notes == []


def test_filters_reach_both_retrievers(sample_runtime: Runtime) -> None:
    q = Query(question="sanctions", as_of=AS_OF, filters=Filters(sources=["nobody.example"]))
    assert sample_runtime.desk.retrieve(q).passages == []
    q = Query(question="sanctions", as_of=AS_OF, filters=Filters(sources=["REUTERS"]))
    assert sample_runtime.desk.retrieve(q).passages  # case-insensitive source match


class _LexicalFails(NewsStore):
    """The real store whose BM25 raises `error`, remembering the threads it ran on."""

    def __init__(self, rt: Runtime, error: Exception) -> None:
        super().__init__(rt.settings, rt.embedder)
        self.error = error
        self.threads: list[str] = []

    def lexical(
        self,
        text: str,
        n: int,
        filters: Filters | None = None,
        texts: bool = True,
        check: bool = True,
    ) -> list[ChunkHit]:
        self.threads.append(threading.current_thread().name)
        raise self.error


def test_dense_only_while_the_lexical_index_is_rebuilt(sample_runtime: Runtime) -> None:
    rt = sample_runtime
    store = _LexicalFails(rt, LexicalUnavailableError("rebuilding"))
    r = HybridRetriever(store, rt.embedder, rt.settings).retrieve(
        Query(question="What did Trump say on Feb 26?", as_of=AS_OF)
    )
    assert r.notes == [DENSE_ONLY_NOTE]
    assert r.passages and all(p.found_by == ["dense"] for p in r.passages)


def test_bm25_runs_beside_a_lone_questions_embedding_and_its_faults_reach_the_caller(
    sample_runtime: Runtime,
) -> None:
    rt = sample_runtime
    r = rt.desk.search(Query(question="What did Trump say on Feb 26?", as_of=AS_OF))
    # BM25's own time (lexical) overlaps the embedding and the dense query; this thread then
    # waited lexical_wait for what was left of it
    assert r.timings_ms["lexical"] > 0 and "lexical_wait" in r.timings_ms
    laps = ("plan", "embed", "dense", "lexical_wait", "fusion", "rerank", "select", "passages")
    assert r.timings_ms["total"] >= sum(r.timings_ms[k] for k in laps) - 0.05  # wall time
    store = _LexicalFails(rt, RuntimeError("disk read error"))
    retriever = HybridRetriever(store, rt.embedder, rt.settings)
    with pytest.raises(RuntimeError, match="disk read error"):
        retriever.retrieve(Query(question="What did Trump say on Feb 26?", as_of=AS_OF))
    assert store.threads and store.threads[0].startswith("bm25")
    # beside another question in flight the cores are busy: BM25 runs on the asking thread
    with retriever._running(), pytest.raises(RuntimeError, match="disk read error"):
        retriever.retrieve(Query(question="What did Trump say on Feb 26?", as_of=AS_OF))
    assert store.threads[-1] == threading.current_thread().name
    retriever.close()
    store.close()


@pytest.mark.parametrize("k", [1, 3])
def test_k_passages_at_most(sample_runtime: Runtime, k: int) -> None:
    r = sample_runtime.desk.retrieve(Query(question="sanctions on Russia", as_of=AS_OF, k=k))
    assert len(r.passages) == k


def test_a_crashed_ingests_chunks_are_never_chosen(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Candidates are checked for commit once chosen: the chunks of an ingest that died at its
    commit marker (in Chroma and the lexical index, no record), the best match for the
    question, are dropped and the choice made again."""
    question = "Zebras escaped from the city zoo on Sunday night"
    chunker = Chunker(200, 20)

    def write(article: Article) -> None:
        chunks = chunker.split(article)
        vectors = runtime.embedder.embed([c.text for c in chunks])
        runtime.store.write([ArticleWrite(article, chunks, vectors, article.content_hash)])

    write(Article(id="zoo1", text="Keepers caught two zebras that left the city zoo on Sunday."))

    def crash(*_: object) -> None:
        raise KeyboardInterrupt("killed before the commit marker")

    monkeypatch.setattr(ChromaAdapter, "put_articles", crash)
    with pytest.raises(KeyboardInterrupt):
        write(Article(id="zoo2", text=question + ". " + question + "."))
    monkeypatch.undo()
    qvec = runtime.embedder.embed([question])[0]
    assert runtime.store.dense(qvec, 5, check=False)[0].article_id == "zoo2"  # the best match
    assert runtime.store.lexical(question, 5, check=False)[0].article_id == "zoo2"
    for k in (1, 3):
        r = runtime.desk.retrieve(Query(question=question, as_of=AS_OF, k=k))
        assert [p.article_id for p in r.passages] == ["zoo1"]
