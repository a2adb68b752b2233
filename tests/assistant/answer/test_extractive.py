"""The extractive answerer's choices as pure logic: which candidates may lead an answer, and which
quotes follow a short answer."""

from __future__ import annotations

from assistant.answer.citations import Span
from assistant.answer.extractive import (
    SHORT_ANSWER_MIN,
    ExtractiveAnswerer,
    Scored,
    grounding_stems,
    showable,
)
from assistant.answer.short import Occurrence, Sentence, ShortAnswer
from assistant.answer.spans import AnswerSpan

SENTENCES = [
    "Miami saw the biggest rent increase of any large city.",
    "Rents in Miami rose 26% from a year ago, a report said.",
    "Rents rose fastest in Boston among cities in the Northeast.",
    "Miami and Boston both saw rents climb, the report found.",
]
RELEVANCE = [0.5, 0.4, 0.3, 0.6]


def _scored(i: int) -> Scored:
    text = SENTENCES[i]
    return Scored(Span(i, 0, len(text), text), RELEVANCE[i], 0.0, 0.0, 1.0, 1.0, 0.0)


def _candidate(name: str, share: float, at: list[int]) -> ShortAnswer:
    occurrences = []
    for i in at:
        text = SENTENCES[i]
        start = text.index(name)
        span = AnswerSpan(start, start + len(name), name, name.lower(), frozenset({"place"}))
        sentence = Sentence(i, text, RELEVANCE[i], Span(i, 0, len(text), text))
        occurrences.append(Occurrence(sentence, span, group=i, proximity=0.2, adjacent=0.1))
    return ShortAnswer(name, name.lower(), 1.0, len(at), occurrences, share=share)


def test_a_likely_runner_up_gets_the_second_quote_unless_the_first_names_it() -> None:
    answerer = ExtractiveAnswerer(embedder=None)  # type: ignore[arg-type]  # evidence embeds nothing
    scored = [_scored(i) for i in range(len(SENTENCES))]
    miami = _candidate("Miami", 0.6, [0, 1])
    texts = lambda chosen: [s.span.text for s in chosen]  # noqa: E731
    # no runner-up, or an unlikely one: a second source stating the answer
    assert texts(answerer.evidence(miami, scored)) == SENTENCES[:2]
    unlikely = _candidate("Boston", SHORT_ANSWER_MIN / 2, [2])
    assert texts(answerer.evidence(miami, scored, unlikely)) == SENTENCES[:2]
    # a likely runner-up: its own evidence beside the answer's
    boston = _candidate("Boston", 0.3, [2])
    assert texts(answerer.evidence(miami, scored, boston)) == [SENTENCES[0], SENTENCES[2]]
    # the first quote already names the runner-up: nothing to add for it
    both = _candidate("Miami", 0.6, [3, 1])
    boston = _candidate("Boston", 0.3, [3, 2])
    assert texts(answerer.evidence(both, scored, boston)) == [SENTENCES[3], SENTENCES[1]]


def test_a_candidate_failing_the_floor_gives_way_to_the_next() -> None:
    question_stems = grounding_stems("Which city saw the biggest rent increase?")
    off_topic = ShortAnswer("Orlando", "orlando", 2.0, 1, [], share=0.5)
    unlikely = _candidate("Boston", SHORT_ANSWER_MIN / 2, [2])
    miami = _candidate("Miami", 0.3, [0])
    assert showable([off_topic, unlikely, miami], question_stems) == [miami]
    assert showable([off_topic], question_stems) == []


def test_a_plural_of_the_question_word_grounds_a_candidate() -> None:
    text = "The interstate runs through the cities of Los Angeles and Long Beach."
    start = text.index("Los Angeles")
    span = AnswerSpan(start, start + 11, "Los Angeles", "los angeles", frozenset({"place"}))
    sentence = Sentence(0, text, 0.5, Span(0, 0, len(text), text))
    occurrence = Occurrence(sentence, span, group=0, proximity=0.0, adjacent=0.0)
    la = ShortAnswer("Los Angeles", "los angeles", 1.0, 1, [occurrence], share=0.4)
    question_stems = grounding_stems("Which city was forced to shut one of its main roads?")
    assert showable([la], question_stems) == [la]


def test_a_copy_in_the_same_words_is_not_a_second_quote() -> None:
    answerer = ExtractiveAnswerer(embedder=None)  # type: ignore[arg-type]  # evidence embeds nothing
    texts = [
        'He said, "At noon Eastern time today, all parts centers at GM will be on strike.',
        'He said, "At noon eastern time today all parts centers at GM will be on strike.',
        "GM's parts distribution centers joined the strike at noon, the union said.",
    ]
    scored = [
        Scored(Span(i, 0, len(t), t), 0.5 - 0.1 * i, 0.0, 0.0, 1.0, 1.0, 0.0)
        for i, t in enumerate(texts)
    ]
    occurrences = []
    for i, t in enumerate(texts):
        start = t.index("GM")
        span = AnswerSpan(start, start + 2, "GM", "gm", frozenset({"org"}))
        sentence = Sentence(i, t, 0.5, Span(i, 0, len(t), t))
        occurrences.append(Occurrence(sentence, span, group=i, proximity=0.2, adjacent=0.1))
    gm = ShortAnswer("GM", "gm", 1.0, 3, occurrences, share=0.9)
    assert [s.span.text for s in answerer.evidence(gm, scored)] == [texts[0], texts[2]]
