"""Tests for assistant.text: word tokens, content words, and sentence spans with exact offsets."""

from __future__ import annotations

import pytest

from assistant.text import STOPWORDS, content_words, sentence_spans, words


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# --- words / content_words ---------------------------------------------------------------------


def test_words_are_lower_case_with_inner_apostrophes_kept() -> None:
    assert words("Don’t stop: it's 3.5% of U.S. café sales") == [
        "don't",
        "stop",
        "it's",
        "3",
        "5",
        "of",
        "u",
        "s",
        "café",
        "sales",
    ]


def test_words_drop_underscores_and_punctuation() -> None:
    assert words("_under_score_ — 2025!") == ["under", "score", "2025"]
    assert words("") == []
    assert words("!!! ... ---") == []


def test_words_skip_a_lone_surrogate() -> None:
    assert words("\ud800abc \ud800") == ["abc"]


def test_content_words_drop_stopwords_and_single_characters_keep_order_and_duplicates() -> None:
    text = "The U.S. said it's a new deal, a deal for Ukraine; I x"
    assert content_words(text) == ["deal", "deal", "ukraine"]
    assert content_words("Trump's plan") == ["trump's", "plan"]
    assert content_words("the and of") == []
    assert {"said", "the", "week"} <= STOPWORDS


# --- sentence_spans ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("", []),
        ("   \n\t ", []),
        ("...", [(0, 3)]),
        ("?!", [(0, 2)]),
        ("ends without a full stop", [(0, 24)]),
        ("Hello world.", [(0, 12)]),
        ("Wow! Really? Yes.", [(0, 4), (5, 12), (13, 17)]),
        ("What?! No way.", [(0, 6), (7, 14)]),
        ("  Leading space. Trailing space.  ", [(2, 16), (17, 32)]),
        ("He left.  She stayed.", [(0, 8), (10, 21)]),
        ("Hi.\tThere.", [(0, 3), (4, 10)]),
        ("Prices rose. 2025 was hard.", [(0, 12), (13, 27)]),
        ("Para one.\n\nPara two.", [(0, 9), (11, 20)]),
        ("End.\n\n\nStart.", [(0, 4), (7, 13)]),
        ("First line\nSecond line", [(0, 10), (11, 22)]),
        ("Line one\n  indented line", [(0, 24)]),
    ],
)
def test_sentence_spans_exact_offsets(text: str, spans: list[tuple[int, int]]) -> None:
    assert sentence_spans(text) == spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The U.S. Senate voted. It passed.", ["The U.S. Senate voted.", "It passed."]),
        ("The U.K. Parliament met. It rose.", ["The U.K. Parliament met.", "It rose."]),
        ("Mr. Smith went. Dr. Who came.", ["Mr. Smith went.", "Dr. Who came."]),
        ("Talks with Gov. Newsom ended. Next.", ["Talks with Gov. Newsom ended.", "Next."]),
        ("He met J. Smith. Then left.", ["He met J. Smith.", "Then left."]),
        ("It is 3.5 percent. Next one.", ["It is 3.5 percent.", "Next one."]),
        # a month abbreviation never ends a sentence, even before a capital
        ("It ended in Jan. Next year it resumes.", ["It ended in Jan. Next year it resumes."]),
        ("A. B. C.", ["A. B. C."]),
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "Stop." Then he left.', ['He said "Stop."', "Then he left."]),
        ("He said 'Go.' And left.", ["He said 'Go.'", "And left."]),
        ("He said “Stop.” Then left.", ["He said “Stop.”", "Then left."]),
        ("He said (yes.) Then", ["He said (yes.)", "Then"]),
        ('He left. "Why?" she asked.', ["He left.", '"Why?" she asked.']),
    ],
)
def test_closing_quotes_after_a_full_stop_stay_with_their_sentence(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


def test_a_lone_surrogate_is_kept_in_its_sentence() -> None:
    text = "\ud800 lone. Next."
    assert sentence_spans(text) == [(0, 7), (8, 13)]
    assert sentences(text) == ["\ud800 lone.", "Next."]


def test_very_long_text() -> None:
    text = "".join(f"Sentence number {i} is here. " for i in range(5000))
    spans = sentence_spans(text)
    assert len(spans) == 5000
    assert spans[0] == (0, 26) and spans[-1] == (len(text) - 30, len(text) - 1)
    assert all(text[s:e] == f"Sentence number {i} is here." for i, (s, e) in enumerate(spans))
    unbroken = "word " * 100_000
    assert sentence_spans(unbroken) == [(0, len(unbroken) - 1)]


def test_spans_are_ordered_trimmed_and_a_fresh_list_each_call() -> None:
    text = " One. Two!  Three?\n\nFour "
    spans = sentence_spans(text)
    assert spans == [(1, 5), (6, 10), (12, 18), (20, 24)]
    for s, e in spans:
        assert not text[s].isspace() and not text[e - 1].isspace()
    spans.clear()  # results are cached: mutating one must not change the next
    assert sentence_spans(text) == [(1, 5), (6, 10), (12, 18), (20, 24)]
