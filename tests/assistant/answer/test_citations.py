"""Tests for assistant.answer.citations: passage sentences located in their article, the best
span for a claim, citations built from a span, and validation against the stored article texts."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.answer.citations import (
    Span,
    make_citation,
    passage_sentences,
    stems,
    validate,
)
from assistant.models import Article, Citation, Passage

ARTICLE = Article(
    id="a1",
    text=(
        "Headline here\n\nOn February 26, Trump told reporters that sanctions could be softened."
        " Putin did not reply. The Kremlin said nothing."
    ),
)
START = ARTICLE.text.index("On February")
FEB26 = "On February 26, Trump told reporters that sanctions could be softened."


def passage(text: str = ARTICLE.text[START:], start: int = START, **meta: object) -> Passage:
    return Passage(
        chunk_id="c1",
        article_id="a1",
        text=text,
        start=start,
        end=start + len(text),
        **meta,  # type: ignore[arg-type]
    )


def citation(start: int, end: int, quote: str, article_id: str = "a1") -> Citation:
    return Citation(n=1, article_id=article_id, chunk_id="c1", start=start, end=end, quote=quote)


def test_passage_sentences_are_offsets_into_the_article() -> None:
    spans = passage_sentences([passage()])
    assert [(s.passage_index, s.start, s.end) for s in spans] == [
        (0, 15, 85),
        (0, 86, 106),
        (0, 107, 132),
    ]
    for s in spans:
        assert ARTICLE.text[s.start : s.end] == s.text
    assert spans[0].text == FEB26


def test_passage_sentences_number_the_passages_in_order() -> None:
    second = passage("Putin did not reply.", ARTICLE.text.index("Putin"))
    spans = passage_sentences([passage(FEB26), second])
    assert [(s.passage_index, s.text) for s in spans] == [(0, FEB26), (1, "Putin did not reply.")]
    assert passage_sentences([]) == []


def test_stems_compare_word_prefixes_without_stopwords() -> None:
    assert stems("Sanctions sanctioned, softened soften the") == {"sanct", "softe"}


def test_make_citation_copies_the_span_and_the_passage_metadata() -> None:
    p = passage(
        title="T", source="reuters.com", url="https://example.com/a", published_at=date(2025, 3, 10)
    )
    c = make_citation(2, p, Span(0, 86, 106, "Putin did not reply."))
    assert c == Citation(
        n=2,
        article_id="a1",
        chunk_id="c1",
        start=86,
        end=106,
        quote="Putin did not reply.",
        title="T",
        source="reuters.com",
        url="https://example.com/a",
        published_at=date(2025, 3, 10),
    )


def test_validate_keeps_exact_quotes_in_order() -> None:
    good = [citation(15, 85, FEB26), citation(86, 106, "Putin did not reply.")]
    assert validate(good, {"a1": ARTICLE}) == good


@pytest.mark.parametrize(
    "bad",
    [
        citation(15, 85, FEB26.replace("softened", "lifted")),  # a wrong quote
        citation(16, 86, FEB26),  # right quote, wrong offsets
        citation(120, 140, "The Kremlin said nothing."),  # end past the article
        citation(-5, 10, "Headline h"),  # negative start
        citation(20, 20, ""),  # empty span
        citation(15, 85, FEB26, article_id="missing"),  # not a stored article
    ],
)
def test_validate_drops_a_citation_that_is_not_the_stored_text(bad: Citation) -> None:
    good = citation(86, 106, "Putin did not reply.")
    assert validate([bad, good], {"a1": ARTICLE}) == [good]
