from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from assistant.embed.base import EmbedderMismatchError
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Article
from assistant.runtime import Runtime
from assistant.settings import Settings
from assistant.store import ArticleWrite, LexicalFilter, NewsStore
from ingest.chunking import Chunker


def _write(rt: Runtime, article: Article) -> list[str]:
    chunks = Chunker(200, 20).split(article)
    vectors = rt.embedder.embed([c.text for c in chunks])
    rt.store.write([ArticleWrite(article, chunks, vectors, article.content_hash)])
    return [c.id for c in chunks]


def _article(text: str, **kw: object) -> Article:
    return Article(id="art1", text=text, title="A title", source="example.com", **kw)  # type: ignore[arg-type]


TEXT = (
    "The central bank raised interest rates on Tuesday. Inflation reached 9 percent in June.\n\n"
    "Officials said more increases were likely. Markets fell sharply after the announcement.\n\n"
    "The governor will testify before parliament next week about the decision."
)


def test_write_read_update_delete(runtime: Runtime) -> None:
    ids = _write(runtime, _article(TEXT, published_at=date(2022, 6, 14)))
    store = runtime.store
    assert set(store.chroma.chunk_ids_of("art1")) == set(ids)
    assert store.lexical.chunk_ids() == set(ids)
    got = store.chroma.get_article("art1")
    assert got is not None and got.text == TEXT and got.published_at == date(2022, 6, 14)
    assert store.existing_hashes(["art1", "nope"]) == {
        "art1": _article(TEXT, published_at=date(2022, 6, 14)).content_hash
    }

    # update: new text replaces every old chunk
    new_text = TEXT.replace("9 percent", "8.6 percent") + "\n\nA new closing paragraph about bonds."
    new_ids = _write(runtime, _article(new_text))
    assert set(store.chroma.chunk_ids_of("art1")) == set(new_ids)
    assert store.lexical.chunk_ids() == set(new_ids)
    assert store.check().ok

    assert store.delete_article("art1") is True
    assert store.chroma.count_chunks() == 0 and store.lexical.count() == 0
    assert store.chroma.get_article("art1") is None
    assert store.delete_article("art1") is False


def test_dense_and_lexical_search_with_filters(runtime: Runtime) -> None:
    _write(runtime, _article(TEXT, published_at=date(2022, 6, 14)))
    other = Article(
        id="art2",
        text="A football club signed a new striker for the season.",
        source="sports.example",
        published_at=date(2021, 1, 1),
    )
    _write(runtime, other)
    q = runtime.embedder.embed(["interest rate rise by the central bank"])[0]
    hits = runtime.store.chroma.query(q, 3)
    assert hits[0][3]["article_id"] == "art1" and -1.0 <= hits[0][1] <= 1.0
    only_sports = runtime.store.chroma.query(q, 3, where={"source": "sports.example"})
    assert {h[3]["article_id"] for h in only_sports} == {"art2"}
    lex = runtime.store.lexical.search("striker football", 5)
    assert lex and lex[0][0].startswith("art2:")
    assert runtime.store.lexical.search("striker", 5, LexicalFilter(since=20220101)) == []
    # FTS syntax in a question is data, not a query operator
    assert runtime.store.lexical.search('inflation" OR NEAR(*', 5)


def test_lexical_index_rebuilt_from_chroma(
    runtime: Runtime, settings: Settings, embedder: MiniLMEmbedder
) -> None:
    ids = _write(runtime, _article(TEXT))
    runtime.store.lexical.close()
    settings.lexical_path.unlink()
    for suffix in ("-wal", "-shm"):
        settings.lexical_path.with_name(settings.lexical_path.name + suffix).unlink(missing_ok=True)
    fresh = NewsStore(settings, embedder)
    assert fresh.lexical.count() == 0
    assert fresh.sync_lexical() == (len(ids), 0)
    assert fresh.lexical.chunk_ids() == set(ids) and fresh.check().ok


class _OtherEmbedder:
    name = "some-other-model"
    dim = 384

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 384), dtype=np.float32)


def test_refuses_to_mix_embedders(runtime: Runtime, settings: Settings) -> None:
    _write(runtime, _article(TEXT))
    with pytest.raises(EmbedderMismatchError, match="all-MiniLM-L6-v2-int8"):
        NewsStore(settings, _OtherEmbedder())


def test_chunk_collection_searches_with_the_configured_ef(
    runtime: Runtime, settings: Settings
) -> None:
    hnsw = runtime.store.chroma.chunks.configuration["hnsw"]
    assert hnsw["ef_search"] == settings.hnsw_ef_search == 200
    # An existing collection is brought to a changed setting when it is opened.
    wider = settings.model_copy(update={"hnsw_ef_search": 321})
    reopened = NewsStore(wider, runtime.embedder)
    name = wider.collection
    assert reopened.chroma.client.get_collection(name).configuration["hnsw"]["ef_search"] == 321
