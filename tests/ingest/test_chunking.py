from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.models import Article
from ingest.chunking import Chunker
from tests.support import DEV_CORPUS, SAMPLE_ARTICLE


def _article(text: str, published: date | None = None) -> Article:
    return Article(id="a1", text=text, published_at=published)


def test_offsets_exact_on_sample_and_dates_resolved() -> None:
    text = SAMPLE_ARTICLE.read_text()
    chunks = Chunker(800, 100).split(_article(text, date(2025, 3, 10)))
    assert len(chunks) > 2
    for c in chunks:
        assert text[c.start : c.end] == c.text
    feb26 = [c for c in chunks if "On February 26, Trump told reporters" in c.text]
    assert feb26 and "2025-02-26" in feb26[0].dates


def test_chunk_ids_stable_and_content_derived() -> None:
    text = SAMPLE_ARTICLE.read_text()
    a = Chunker(800, 100).split(_article(text))
    b = Chunker(800, 100).split(_article(text))
    assert [c.id for c in a] == [c.id for c in b]
    changed = Chunker(800, 100).split(_article(text.replace("Politics", "Policy", 1)))
    assert changed[0].id != a[0].id
    assert changed[-1].id == a[-1].id  # untouched tail keeps its id


def test_overlap_must_be_below_size() -> None:
    with pytest.raises(ValueError, match="overlap"):
        Chunker(200, 200)


@given(st.text(min_size=1, max_size=3000))
@settings(max_examples=200, deadline=None)
def test_offsets_property_any_text(text: str) -> None:
    for c in Chunker(120, 30).split(_article(text)):
        assert text[c.start : c.end] == c.text
        assert c.text.strip() == c.text and c.text


def test_offsets_property_whole_dev_corpus() -> None:
    chunker = Chunker(800, 100)
    n = 0
    with DEV_CORPUS.open() as f:
        for line in f:
            obj = json.loads(line)
            art = Article(id=obj["id"], text=obj["text"])
            for c in chunker.split(art):
                assert art.text[c.start : c.end] == c.text
                assert len(c.text) <= 800
                n += 1
    assert n > 10_000


def test_chunk_dates_are_the_mentions_inside_each_chunk() -> None:
    """Each chunk's dates are exactly the mentions lying within its span (found by bisecting the
    sorted mentions: chunking stays linear in the article's length, 10 MB took 53 s before)."""
    from assistant.dates import extract_date_mentions

    with DEV_CORPUS.open() as f:
        texts = [json.loads(line)["text"] for line, _ in zip(f, range(60), strict=False)]
    text = "\n\n".join(texts)  # ~0.5 MB with thousands of date mentions
    published = date(2022, 7, 1)
    mentions = extract_date_mentions(text, published)
    assert len(mentions) > 500
    chunks = Chunker(800, 100).split(Article(id="big", text=text, published_at=published))
    for c in chunks:
        inside = sorted({m.value for m in mentions if m.start >= c.start and m.end <= c.end})
        assert c.dates == inside
    assert sum(bool(c.dates) for c in chunks) > 100
