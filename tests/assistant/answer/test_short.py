"""The short answer, as pure logic: the expected kind, candidate spans, independent sources and
the scoring that picks the asked fact (never a restatement of the question)."""

from __future__ import annotations

from datetime import date

from assistant.answer.citations import passage_sentences
from assistant.answer.expected import expected
from assistant.answer.short import Sentence, find_short_answer
from assistant.answer.sources import independent_groups
from assistant.answer.spans import Vocabulary, answer_spans
from assistant.models import Passage


def passage(i: int, text: str, title: str | None = None, article: str | None = None) -> Passage:
    return Passage(
        chunk_id=f"c{i}",
        article_id=article or f"a{i}",
        text=text,
        start=0,
        end=len(text),
        title=title,
        source=f"outlet{i}.example",
        published_at=date(2022, 6, 14),
    )


def test_expected_kinds() -> None:
    assert expected("Which US national park was impacted by flooding?").kinds == ("place",)
    assert expected("What NFL star announced his retirement on Tuesday?").kinds == ("person",)
    assert "money" in expected("How much did the bidder pay?").kinds
    assert expected("What percentage of adults disapprove?").kinds == ("percent",)
    assert "org" in expected("Which airline announced a deal?").kinds
    # the question's last sentence asks: "who" in the preamble is a relative pronoun
    q = "Police arrested 31 men who planned to riot at an event. Where was the event?"
    assert expected(q).kinds[0] == "place"
    assert expected("What did Trump say on Feb 26?").reason
    assert expected("Why did cities cancel fireworks?").reason


def test_spans_find_names_numbers_and_quoted_titles() -> None:
    text = (
        "Netflix said the hit show “Squid Game” will return, and Bed Bath & Beyond paid"
        " $19 million."
    )
    vocab = Vocabulary.of([text])
    spans = {s.text: s.kinds for s in answer_spans(text, ("title", "thing", "money"), vocab)}
    assert "Squid Game" in spans and "title" in spans["Squid Game"]
    assert "org" in spans["Bed Bath & Beyond"]
    assert "money" in spans["$19 million"]
    sen = "But Sen. Liz Cheney lost in Wyoming."
    names = {s.key: s.kinds for s in answer_spans(sen, ("person", "place"), Vocabulary.of([sen]))}
    assert "person" in names["liz cheney"] and "place" in names["wyoming"] and "but" not in names


def test_syndicated_copies_are_one_source() -> None:
    story = "The park closed all five entrances after record flooding washed out roads and bridges."
    ps = [
        passage(0, story),
        passage(1, "Officials said " + story),
        passage(2, "An entirely different report about gas prices rising again this summer."),
        passage(3, "A second chunk of the first article.", article="a0"),
    ]
    assert independent_groups(ps) == [0, 0, 1, 0]


def _sentences(ps: list[Passage]) -> list[Sentence]:
    out = [Sentence(s.passage_index, s.text, 0.3, s) for s in passage_sentences(ps)]
    out += [Sentence(i, p.title, 0.1) for i, p in enumerate(ps) if p.title]
    return out


def test_the_asked_fact_is_found_in_a_title_and_never_restates_the_question() -> None:
    q = "Which US national park was impacted by severe flooding this week?"
    ps = [
        passage(
            0,
            "Severe flooding washed out roads and bridges in the park this week.",
            title="Yellowstone closes after historic flooding",
        ),
        passage(
            1,
            "Flooding forced the evacuation of visitors from the US national park.",
            title="Floods hit Yellowstone National Park",
        ),
    ]
    short = find_short_answer(q, expected(q), _sentences(ps), ps, independent_groups(ps))
    assert short is not None and short.key.startswith("yellowstone") and short.support == 2


def test_more_independent_sources_win() -> None:
    q = "Which country elected its first leftist leader?"
    ps = [
        passage(0, "Voters in Colombia elected Gustavo Petro, its first leftist leader."),
        passage(1, "Colombia picked a former guerrilla as president, officials in Bogota said."),
        passage(2, "Peru has elected leftist leaders before, analysts noted."),
    ]
    short = find_short_answer(q, expected(q), _sentences(ps), ps, independent_groups(ps))
    assert short is not None and short.text == "Colombia" and short.support == 2
