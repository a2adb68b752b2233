"""`NewsStore` through its own API: writes, committed reads, filters, healing, embedder identity."""

from __future__ import annotations

import contextlib
import logging
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from assistant.embed.base import Embedder
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.errors import EmbedderMismatchError, LexicalUnavailableError
from assistant.models import Article, Filters
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.store import ArticleWrite, NewsStore
from assistant.store.chroma import ChromaAdapter
from ingest.chunking import Chunker


def _write(rt: Runtime, article: Article) -> list[str]:
    return _write_with(rt.store, rt.embedder, article)


def _write_with(store: NewsStore, embedder: Embedder, article: Article) -> list[str]:
    chunks = Chunker(200, 20).split(article)
    vectors = embedder.embed([c.text for c in chunks])
    store.write([ArticleWrite(article, chunks, vectors, article.content_hash)])
    return [c.id for c in chunks]


def _article(text: str, **kw: object) -> Article:
    return Article(id="art1", text=text, title="A title", source="example.com", **kw)  # type: ignore[arg-type]


def _chunk_ids(store: NewsStore, article_id: str | None = None) -> set[str]:
    return {h.chunk_id for h in store.iter_chunks() if article_id in (None, h.article_id)}


TEXT = (
    "The central bank raised interest rates on Tuesday. Inflation reached 9 percent in June.\n\n"
    "Officials said more increases were likely. Markets fell sharply after the announcement.\n\n"
    "The governor will testify before parliament next week about the decision."
)


def test_write_read_update_delete(runtime: Runtime) -> None:
    ids = _write(runtime, _article(TEXT, published_at=date(2022, 6, 14)))
    store = runtime.store
    assert _chunk_ids(store, "art1") == set(ids)
    check = store.check()
    assert check.ok and check.lexical_chunks == len(ids)
    got = store.article("art1")
    assert got is not None and got.text == TEXT and got.published_at == date(2022, 6, 14)
    assert store.hashes(["art1", "nope"]) == {
        "art1": _article(TEXT, published_at=date(2022, 6, 14)).content_hash
    }

    # update: new text replaces every old chunk
    new_text = TEXT.replace("9 percent", "8.6 percent") + "\n\nA new closing paragraph about bonds."
    new_ids = _write(runtime, _article(new_text))
    assert _chunk_ids(store, "art1") == set(new_ids)
    check = store.check()
    assert check.ok and check.lexical_chunks == len(new_ids)

    assert store.delete(["art1"]) == ["art1"]
    assert store.stats().chunks == 0 and store.check().lexical_chunks == 0
    assert store.article("art1") is None
    assert store.delete(["art1"]) == []


def test_dense_and_lexical_search_with_filters(runtime: Runtime) -> None:
    _write(runtime, _article(TEXT, published_at=date(2022, 6, 14)))
    other = Article(
        id="art2",
        text="A football club signed a new striker for the season.",
        source="sports.example",
        published_at=date(2021, 1, 1),
    )
    _write(runtime, other)
    store = runtime.store
    q = runtime.embedder.embed(["interest rate rise by the central bank"])[0]
    hits = store.dense(q, 3)
    assert hits[0].article_id == "art1" and -1.0 <= hits[0].score <= 1.0
    assert hits[0].published == date(2022, 6, 14) and "2022-06" in " ".join(hits[0].dates)
    only_sports = store.dense(q, 3, Filters(sources=["sports.example"]))
    assert {h.article_id for h in only_sports} == {"art2"}
    # sources match whatever their case
    assert {h.article_id for h in store.dense(q, 3, Filters(sources=["SPORTS.example"]))} == {
        "art2"
    }
    lex = store.lexical("striker football", 5)
    assert lex and lex[0].chunk_id.startswith("art2:") and lex[0].vector is not None
    assert store.lexical("striker", 5, Filters(since=date(2022, 1, 1))) == []
    assert store.lexical("striker", 5, Filters(sources=["Sports.Example"]))
    # FTS syntax in a question is data, not a query operator
    assert store.lexical('inflation" OR NEAR(*', 5)
    # a lexical hit's stored vector is the chunk's own (float16: within rounding)
    exact = store.chunks([lex[0].chunk_id], with_vectors=True)[0].vector
    assert exact is not None and lex[0].vector is not None
    assert float(np.abs(exact - lex[0].vector).max()) < 1e-3


def test_huge_filter_lists_do_not_break_lexical_search(runtime: Runtime) -> None:
    _write(runtime, _article(TEXT))
    many = Filters(sources=[f"s{i}.example" for i in range(40_000)] + ["example.com"])
    assert runtime.store.lexical("inflation", 5, many)


def test_lexical_index_rebuilt_from_chroma(
    runtime: Runtime, settings: Settings, embedder: MiniLMEmbedder
) -> None:
    ids = _write(runtime, _article(TEXT))
    runtime.store.close()
    for f in settings.data_dir.glob("lexical-*"):
        f.unlink()
    fresh = NewsStore(settings, embedder)  # finds its lexical index empty: fills it from Chroma
    assert fresh.sync_lexical() == (0, 0)
    check = fresh.check()
    assert check.lexical_chunks == len(ids) and check.ok


def test_a_corrupt_lexical_index_is_reported_and_rebuilt(
    runtime: Runtime,
    settings: Settings,
    embedder: MiniLMEmbedder,
    caplog: pytest.LogCaptureFixture,
) -> None:
    ids = _write(runtime, _article(TEXT))
    runtime.store.close()
    (path,) = [p for p in settings.data_dir.glob("lexical-*.sqlite3")]
    _corrupt(path)
    with caplog.at_level(logging.WARNING, logger="assistant.store.news"):
        fresh = NewsStore(settings, embedder)
        # Reported, not crashed on. `check` may find it still broken or already healed in the
        # background (a two-chunk index rebuilds in milliseconds); the fault is logged either way.
        fresh.check()
    assert "lexical index unusable" in caplog.text and "malformed" in caplog.text
    assert fresh.rebuild_lexical() == len(ids)
    assert fresh.check().ok
    assert fresh.lexical("inflation", 5)
    assert not path.exists()  # the broken file is gone


def test_a_deleted_lexical_file_heals_while_in_use(runtime: Runtime, settings: Settings) -> None:
    _write(runtime, _article(TEXT))
    store = runtime.store
    assert store.lexical("inflation", 5)
    for f in settings.data_dir.glob("lexical-*"):
        f.unlink()
    # The deletion is noticed on the next read: dense-only meanwhile, then healed.
    with contextlib.suppress(LexicalUnavailableError):
        store.lexical("inflation", 5)
    _wait_ready(store)
    assert store.lexical("inflation", 5)
    assert store.check().ok


def test_uncommitted_chunks_are_never_read(runtime: Runtime) -> None:
    """The chunks and lexical rows of an ingest that died before its commit marker."""
    _write(runtime, _article(TEXT))
    store = runtime.store
    crashed = Article(id="art9", text="Zebras escaped from the city zoo on Sunday night.")
    chunks = Chunker(200, 20).split(crashed)
    vectors = runtime.embedder.embed([c.text for c in chunks])
    # What `write` does before step 5, with no record written.
    adapter = ChromaAdapter(runtime.settings, runtime.embedder)
    adapter.upsert_chunks([(crashed, c, crashed.content_hash, None) for c in chunks], vectors)
    store.sync_lexical()  # start-up sync must not index them either
    assert store.lexical("zebras escaped zoo", 5) == []
    assert all(h.article_id != "art9" for h in store.dense(vectors[0], 10))
    assert store.chunks([c.id for c in chunks]) == []
    check = store.check()
    assert set(check.orphan_chunks) == {c.id for c in chunks} and not check.ok


def test_a_write_by_another_store_is_seen(
    runtime: Runtime, settings: Settings, embedder: MiniLMEmbedder
) -> None:
    reader = NewsStore(settings.model_copy(update={"store_refresh_s": 0.0}), embedder)
    assert reader.lexical("inflation", 5) == []
    _write(runtime, _article(TEXT))
    q = embedder.embed(["interest rates raised by the central bank"])[0]
    assert reader.lexical("inflation", 5)
    assert reader.dense(q, 5)[0].article_id == "art1"
    runtime.store.delete(["art1"])
    assert reader.lexical("inflation", 5) == [] and reader.dense(q, 5) == []


def test_records_a_commit_check_read_are_never_served_stale(
    runtime: Runtime, settings: Settings, embedder: MiniLMEmbedder
) -> None:
    """`committed` reads a few records whole and `articles` takes them from there (validation
    reads nothing more): a rewrite in another process's store, or in this one, is read afresh."""
    reader = NewsStore(settings.model_copy(update={"store_refresh_s": 0.0}), embedder)
    other = NewsStore(settings, embedder)  # another process's store on the same data dir
    changed = TEXT.replace("9 percent", "8.6 percent")
    for text, writer in ((TEXT, runtime.store), (changed, other), (TEXT, runtime.store)):
        _write_with(writer, embedder, _article(text))
        for store in (runtime.store, reader):
            assert store.articles(["art1"])["art1"].text == text  # before any commit check
            hits = store.lexical("inflation", 5, check=False)
            assert [h.article_id for h in store.committed(hits)] == ["art1"]
            assert store.articles(["art1"])["art1"].text == text


@pytest.mark.parametrize("read", ["article_hashes", "get_articles"])
def test_a_commit_check_overtaken_by_a_write_does_not_cache_what_it_read(
    runtime: Runtime, embedder: MiniLMEmbedder, monkeypatch: pytest.MonkeyPatch, read: str
) -> None:
    """A request reads an article's hash (or whole record), a write (the server's own ingest on
    another thread) commits a new version before the request caches what it read: that must
    not stay cached, or the new version would be invisible (or its old text served) until
    another process writes."""
    _write(runtime, _article(TEXT))
    store = runtime.store
    changed = TEXT.replace("9 percent", "8.6 percent")
    original = getattr(ChromaAdapter, read)
    overtaken: list[bool] = []

    def read_then_overtaken(self: ChromaAdapter, ids: list[str]) -> object:
        found = original(self, ids)
        if not overtaken:  # once: the write below reads hashes itself
            overtaken.append(True)
            _write_with(store, embedder, _article(changed))
        return found

    monkeypatch.setattr(ChromaAdapter, read, read_then_overtaken)
    store._forget()  # nothing cached: the next check reads
    if read == "article_hashes":
        assert store.lexical("inflation", 5)  # checked with the hash read before the write
    else:
        assert store.committed(store.lexical("inflation", 5, check=False))
    assert overtaken
    new = store.lexical("8.6 percent", 5)
    assert new and all(h.article_id == "art1" for h in new)
    assert store.articles(["art1"])["art1"].text == changed


class _OtherEmbedder:
    name = "some-other-model"
    dim = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 384), dtype=np.float32)

    def warm_up(self) -> None:
        pass


def test_refuses_to_mix_embedders(runtime: Runtime, settings: Settings) -> None:
    _write(runtime, _article(TEXT))
    with pytest.raises(EmbedderMismatchError, match="all-MiniLM-L6-v2-int8"):
        NewsStore(settings, _OtherEmbedder())


def test_chunk_collection_searches_with_the_configured_ef(
    runtime: Runtime, settings: Settings
) -> None:
    adapter = ChromaAdapter(settings, runtime.embedder)
    assert adapter.hnsw_ef_search() == settings.hnsw_ef_search == 200
    # An existing collection is brought to a changed setting when it is opened.
    wider = settings.model_copy(update={"hnsw_ef_search": 321})
    assert ChromaAdapter(wider, runtime.embedder).hnsw_ef_search() == 321


def _corrupt(path: Path) -> None:
    data = bytearray(path.read_bytes())
    # Overwrite pages past the header (the schema page stays, the b-trees break).
    for off in range(4096, len(data), 4096 * 3):
        data[off : off + 512] = b"\xde\xad\xbe\xef" * 128
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _wait_ready(store: NewsStore, timeout: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while store.lexical_state != "ready":
        assert time.monotonic() < deadline, "the lexical index was not rebuilt"
        time.sleep(0.05)


def test_sentence_vectors_are_stored_in_chroma_and_the_lexical_index(
    runtime: Runtime, settings: Settings
) -> None:
    article = _article(TEXT)
    report = runtime.ingestor.run([article])
    assert report.chunks_written
    store = runtime.store
    # Chroma holds them (the lexical index is rebuilt from it) ...
    from_chroma = {h.chunk_id: h for h in store.iter_chunks()}
    assert all(h.sentences is not None and len(h.sentences) for h in from_chroma.values())
    # ... and candidates ranked without texts get texts and sentences for the chosen few.
    qvec = runtime.embedder.embed(["When will the governor testify?"])[0]
    bare = store.dense(qvec, 3, texts=False)
    assert bare and all(h.text == "" and h.sentences is None for h in bare)
    full = store.complete(bare)
    assert [h.chunk_id for h in full] == [h.chunk_id for h in bare]
    for h in full:
        assert h.text == from_chroma[h.chunk_id].text
        assert h.sentences is not None
        assert all(0 <= s < e <= len(h.text) for s, e in h.sentences.spans.tolist())
    lexical = store.lexical("governor testify parliament", 3, texts=False)
    assert lexical and lexical[0].text == "" and lexical[0].vector is not None
    # A rebuilt lexical index has them again, read from Chroma.
    store.rebuild_lexical()
    again = store.complete(bare)
    assert all(h.sentences is not None for h in again)
    assert np.allclose(again[0].sentences.vectors, full[0].sentences.vectors)  # type: ignore[union-attr]


def test_complete_reads_chroma_while_the_lexical_index_is_rebuilt(
    runtime: Runtime, settings: Settings
) -> None:
    runtime.ingestor.run([_article(TEXT)])
    store = runtime.store
    qvec = runtime.embedder.embed(["interest rates inflation"])[0]
    bare = store.dense(qvec, 2, texts=False)
    store._lexical = None  # as while the file is being rebuilt: dense-only
    hits = store.dense(qvec, 2, texts=False)
    assert [h.chunk_id for h in hits] == [h.chunk_id for h in bare]
    full = store.complete(hits)
    assert full and all(h.text and h.sentences is not None for h in full)
