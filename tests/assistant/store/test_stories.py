"""Stories in the real store (embedded Chroma in a tmp dir): grouping at ingest, incremental
across processes' stores, idempotent re-ingest, clean delete, crash safety, diversified retrieval
and citations that say where else a story ran."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.errors import LexicalUnavailableError
from assistant.models import Article
from assistant.runtime import Runtime
from assistant.service import make_query
from assistant.settings import Settings
from assistant.store import NewsStore
from assistant.store.chroma import ChromaAdapter
from ingest.loaders import load_paths
from tests.support import assert_consistent, ingest_into, open_runtime
from tests.support.stories import WIRE_URLS, records, write_corpus


def _stories(store: NewsStore) -> dict[str, str | None]:
    """url → story id of every committed article."""
    return {s.url or s.id: s.story for s in store.list_articles(limit=100)}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path / "corpus.jsonl")


def test_copies_share_a_story_and_nothing_else_does(runtime: Runtime, corpus: Path) -> None:
    ingest_into(runtime, [corpus])
    stories = _stories(runtime.store)
    wire = {stories[u] for u in WIRE_URLS}
    assert len(wire) == 1 and None not in wire
    others = {u: s for u, s in stories.items() if u not in WIRE_URLS}
    assert len(others) == 4 and wire.isdisjoint(others.values())
    assert len(set(others.values())) == 4  # the late re-post, the independent report, ...
    (story,) = wire
    members = runtime.store.story(story)
    assert {m.url for m in members} == WIRE_URLS
    assert [m.published for m in members] == sorted(m.published for m in members)  # type: ignore[type-var]
    # chunks carry the story too (retrieval diversifies by it), in Chroma and the lexical index
    by_id = {s.id: s.story for s in runtime.store.list_articles(limit=100)}
    for hit in runtime.store.iter_chunks():
        assert hit.story == by_id[hit.article_id]
    lexical = runtime.store.lexical("Aster River Millbrook flood", 50)
    assert lexical and all(h.story == by_id[h.article_id] for h in lexical)
    assert_consistent(runtime.store)


def test_reingest_is_idempotent_and_a_later_copy_joins(
    runtime: Runtime, settings: Settings, embedder: MiniLMEmbedder, corpus: Path, tmp_path: Path
) -> None:
    rows = records()
    write_corpus(corpus, [r for r in rows if r["url"] != "https://herald.example/flood"])
    ingest_into(runtime, [corpus])
    before = _stories(runtime.store)
    assert ingest_into(runtime, [corpus]).articles_unchanged == len(rows) - 1
    assert _stories(runtime.store) == before
    # another process (a store opened afresh) adds one more copy: it joins the existing story
    other = open_runtime(settings, embedder)
    late = write_corpus(
        tmp_path / "late.jsonl", [r for r in rows if r["url"] == "https://herald.example/flood"]
    )
    assert ingest_into(other, [late]).articles_added == 1
    after = _stories(other.store)
    assert after["https://herald.example/flood"] == before["https://wire.example/flood"]
    assert {u: s for u, s in after.items() if u in before} == before
    other.close()


def test_delete_takes_an_article_out_of_its_story(runtime: Runtime, corpus: Path) -> None:
    ingest_into(runtime, [corpus])
    stories = _stories(runtime.store)
    story = stories["https://wire.example/flood"]
    assert story is not None
    ids = {s.url: s.id for s in runtime.store.list_articles(limit=100)}
    runtime.store.delete([ids["https://wire.example/flood"]])
    left = {m.url for m in runtime.store.story(story)}
    assert left == WIRE_URLS - {"https://wire.example/flood"}
    # the wire text, re-ingested, joins what is left of the story
    ingest_into(runtime, [corpus])
    assert _stories(runtime.store)["https://wire.example/flood"] == story
    for url in WIRE_URLS:
        runtime.store.delete([ids[url]])
    assert runtime.store.story(story) == []
    assert_consistent(runtime.store)


def test_a_failed_write_leaves_no_story_behind(
    runtime: Runtime, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write fails after stories were assigned (before the records commit): nothing of it is
    visible, and the retried ingest groups exactly as a clean one."""
    items = list(load_paths([corpus]))
    boom = RuntimeError("disk gone")

    def fail(self: ChromaAdapter, records: object) -> None:
        raise boom

    with monkeypatch.context() as m:
        m.setattr(ChromaAdapter, "put_articles", fail)
        with pytest.raises(RuntimeError):
            runtime.ingestor.run(items)
    assert runtime.store.list_articles() == []
    runtime.ingestor.run(items)
    stories = _stories(runtime.store)
    assert len({stories[u] for u in WIRE_URLS}) == 1
    assert len(set(stories.values())) == 5
    assert_consistent(runtime.store)


def test_retrieval_takes_one_copy_and_citations_name_the_others(
    runtime: Runtime, corpus: Path
) -> None:
    ingest_into(runtime, [corpus])
    q = make_query("How high did the Aster River crest in Millbrook?", runtime.settings, k=3)
    r = runtime.desk.search(q)
    stories = [p.story_id for p in r.passages]
    # three copies of the wire story carry the answer; the top 3 holds one of them and two
    # other sources (the independent report, the re-post), not three copies of one story
    assert len(set(stories)) == 3, [(p.url, p.story_id) for p in r.passages]
    # asked in June, so the August re-post is in the future and a wire copy is cited
    asked = date(2022, 6, 20)
    ans = runtime.desk.ask(
        make_query("How high did the Aster River crest?", runtime.settings, as_of=asked)
    )
    assert not ans.refused and ans.citations
    wire_cites = [c for c in ans.citations if c.url in WIRE_URLS]
    assert wire_cites, ans.citations
    for c in wire_cites:
        outlets = {"wire.example", "daily.example", "herald.example"} - {c.source}
        assert c.story_id is not None and outlets <= set(c.also_in)
        assert c.source not in c.also_in


def test_articles_written_directly_get_stories_too(runtime: Runtime) -> None:
    """Any write through the store (not only the ingest pipeline) is placed in a story."""
    text = records()[0]["text"]
    assert isinstance(text, str)
    for i in range(2):
        a = Article(id=f"direct{i}", text=text, source=f"s{i}.example")
        runtime.ingestor.run([a])
    by_id = {s.id: s.story for s in runtime.store.list_articles()}
    assert by_id["direct0"] is not None and by_id["direct0"] == by_id["direct1"]


def test_a_storys_members_are_its_committed_copies_with_or_without_the_lexical_index(
    runtime: Runtime, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Members are read from the lexical index's story column: the copy of an ingest that died
    before its commit marker (its rows are already there) is no member, and the summaries are
    the records' own — the same as Chroma gives while the index is being rebuilt."""
    ingest_into(runtime, [corpus])
    store = runtime.store
    story = _stories(store)["https://wire.example/flood"]
    assert story is not None
    late = dict(records()[0], url="https://late.example/flood", source="late.example")
    items = list(load_paths([write_corpus(tmp_path / "late.jsonl", [late])]))

    def fail(self: ChromaAdapter, records: object) -> None:
        raise RuntimeError("died before the commit marker")

    with monkeypatch.context() as m:
        m.setattr(ChromaAdapter, "put_articles", fail)
        with pytest.raises(RuntimeError):
            runtime.ingestor.run(items)
    written = store.lexical("Aster River Millbrook", 50, check=False)
    assert any(h.url == late["url"] for h in written)  # its rows are in the index
    from_records = [s for s in store.list_articles(limit=100) if s.story == story]
    members = store.story(story)
    assert {m.url for m in members} == WIRE_URLS
    assert sorted(members, key=lambda s: s.id) == sorted(from_records, key=lambda s: s.id)
    monkeypatch.setattr(store, "_rebuilding", object())  # reads as "being rebuilt"
    with pytest.raises(LexicalUnavailableError):
        store.lexical("Aster River", 5)
    assert store.story(story) == members
