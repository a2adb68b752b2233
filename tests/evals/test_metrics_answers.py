"""Answer metrics on hand-made records: normalization, containment, EM, F1, multiple choice."""

from __future__ import annotations

import pytest

from evals.metrics.answers import (
    answer_containment,
    contains,
    exact_match,
    gold_choice,
    multiple_choice_accuracy,
    normalize,
    token_f1,
    token_f1_score,
)
from evals.records import ChoiceRecord
from tests.support.fakes import question, record


def test_normalize_quotes_articles_markers_punctuation() -> None:
    assert normalize("“Squid Game”") == normalize('"squid game"') == "squid game"
    assert normalize("The Ban on military-style weapons [1][2].") == "ban on military style weapons"
    assert normalize("Putin’s") == normalize("Putin's") == "putins"
    assert normalize("") == ""


def test_contains_is_word_bounded() -> None:
    assert contains("He said “at some point.” [1]", "at some point")
    assert not contains("Idahoans voted", "Idaho")
    assert not contains("anything", "")


def test_containment_counts_refusals_and_misses_as_wrong() -> None:
    rs = [
        record(question("1", answers=["Idaho"]), answer="It was in Coeur d'Alene, Idaho. [1]"),
        record(
            question("2", answers=["Idaho"]), answer="The articles do not contain it.", refused=True
        ),
        record(question("3", answers=["Idaho"]), answer="It was in Texas."),
        record(question("u", answers=()), answer="whatever"),  # unanswerable: not scored here
    ]
    res = answer_containment(rs)
    assert res.n == 3 and res.value == pytest.approx(1 / 3)
    assert res.detail["answered"] == 2 and res.detail["containment_when_answered"] == 0.5


def test_all_answers_needs_every_gold() -> None:
    q = question(answers=["February 12", "at some point"], all_answers=True)
    assert answer_containment([record(q, answer="On February 12 he called.")]).value == 0.0
    both = record(q, answer="On February 12 he called. He said “at some point”.")
    assert answer_containment([both]).value == 1.0


def test_empty_answer_scores_zero_everywhere() -> None:
    r = record(question(answers=["Alice"]), answer="")
    assert answer_containment([r]).value == 0.0
    assert exact_match([r]).value == 0.0
    assert token_f1([r]).value == 0.0


def test_exact_match_after_normalization() -> None:
    assert (
        exact_match([record(question(answers=["Squid Game"]), answer="“Squid Game” [1]")]).value
        == 1.0
    )
    assert (
        exact_match([record(question(answers=["Squid Game"]), answer="Squid Game season 2")]).value
        == 0.0
    )
    refused = record(question(answers=["Squid Game"]), answer="Squid Game", refused=True)
    assert exact_match([refused]).value == 0.0


def test_token_f1_squad_style() -> None:
    assert token_f1_score("the cat sat", "cat sat") == 1.0
    # pred: {barack, obama, did, it}, gold {barack, obama}: p=2/4, r=1 → f1=2/3
    assert token_f1_score("Barack Obama did it", "Barack Obama") == pytest.approx(2 / 3)
    assert token_f1_score("", "x") == 0.0
    q = question(answers=["Barack Obama", "Obama"])
    assert token_f1([record(q, answer="Obama")]).value == 1.0  # best over golds


def test_gold_choice_matches_normalized_or_contained() -> None:
    assert gold_choice(["“Friends”", "“Squid Game”"], ["Squid Game"]) == 1
    assert gold_choice(["Texas", "Idaho state"], ["Idaho"]) == 1
    assert gold_choice(["A", "B"], []) is None
    assert (
        gold_choice(
            ["Ban on military-style assault weapons"], ["Ban on military-style assault weapons"]
        )
        == 0
    )


def test_multiple_choice_accuracy_skips_questions_without_gold_choice() -> None:
    rs = [
        record(question("1"), choice=ChoiceRecord(picked=1, scores=[0.1, 0.9], gold=1)),
        record(question("2"), choice=ChoiceRecord(picked=0, scores=[0.9, 0.1], gold=1)),
        record(question("3"), choice=ChoiceRecord(picked=None, scores=[], gold=0)),
        record(question("u", answers=()), choice=ChoiceRecord(picked=0, scores=[1.0], gold=None)),
        record(question("4")),  # no choices pass
    ]
    res = multiple_choice_accuracy(rs)
    assert res.n == 3 and res.value == pytest.approx(1 / 3)
    assert res.detail["without_gold_choice"] == 1
    assert multiple_choice_accuracy([]).value is None


def test_short_answer_metrics() -> None:
    from evals.metrics.answers import short_answer_containment, short_answer_exact_match

    def q(i: str):  # type: ignore[no-untyped-def]
        return question(qid=i, answers=["Yellowstone"])

    exact = record(q("a"), answer="Yellowstone — Floods hit the park. [1]")
    exact.short_answer = "Yellowstone"
    longer = record(q("b"), answer="Yellowstone National Park — Floods. [1]")
    longer.short_answer = "Yellowstone National Park"
    none = record(q("c"), answer="Floods hit Yellowstone. [1]")  # quotes only: no short answer
    assert short_answer_containment([exact, longer, none]).value == 2 / 3
    assert short_answer_exact_match([exact, longer, none]).value == 1 / 3
