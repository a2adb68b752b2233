"""The rule-based follow-up rewriter (assistant.followup): standalone questions from a chat."""

from __future__ import annotations

from datetime import date

import pytest

from assistant.followup import named_entities, rewrite_conversation

AS_OF = date(2025, 3, 10)
FIRST = "What did Trump say on Feb 26?"


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # the brief's example: pronoun → the person, "after that" → the earlier date
        (
            [FIRST, "and what did he say about sanctions after that?"],
            "What did Trump say about sanctions after Feb 26?",
        ),
        # no date in the follow-up: the earlier one carries over
        ([FIRST, "what else did he say?"], "What else did Trump say on Feb 26?"),
        # only a new date: same question, that date
        ([FIRST, "and on February 12?"], "What did Trump say on February 12?"),
        # only a new name: same question, that subject
        ([FIRST, "what about Putin?"], "What did Putin say on Feb 26?"),
        # a topic: the earlier question narrowed to it
        ([FIRST, "what about sanctions?"], "What did Trump say on Feb 26, about sanctions?"),
        # "when" questions do not inherit a date
        ([FIRST, "When did he call Putin?"], "When did Trump call Putin?"),
        # possessives
        (
            ["What did Zelensky say in January?", "what was his reaction?"],
            "What was Zelensky's reaction in January?",
        ),
        # references chain through rewritten turns
        (
            [FIRST, "and what did he say about sanctions after that?", "did he mention oligarchs?"],
            "Did Trump mention oligarchs after Feb 26?",
        ),
        # the subject of the most recent turn that names someone wins
        (
            [
                "What did Macron say on Monday?",
                "What did Trump say on Feb 26?",
                "what else did he say?",
            ],
            "What else did Trump say on Feb 26?",
        ),
    ],
)
def test_follow_ups_become_standalone(turns: list[str], expected: str) -> None:
    assert rewrite_conversation(turns, AS_OF) == expected


@pytest.mark.parametrize(
    "question",
    ["Who is the president of France?", "What happened to oil prices in 2022?", FIRST],
)
def test_standalone_questions_are_unchanged(question: str) -> None:
    assert rewrite_conversation([FIRST, question], AS_OF) == question


def test_first_turn_and_no_referent_are_unchanged() -> None:
    assert rewrite_conversation(["what did he say?"], AS_OF) == "what did he say?"
    assert rewrite_conversation(["what happened to prices?", "did they rise?"], AS_OF) == (
        "did they rise?"
    )
    assert rewrite_conversation([], AS_OF) == ""


def test_named_entities() -> None:
    assert named_entities(FIRST) == ["Trump"]
    assert named_entities("When did Trump call Vladimir Putin?") == ["Trump", "Vladimir Putin"]
    assert named_entities("Did the Bank of England's governor speak?") == ["Bank of England"]
    assert named_entities("What did they say on Monday in March?") == []


def test_the_assistants_answer_is_the_referent() -> None:
    users = ["What NFL star announced his retirement on Tuesday?", "how old is he?"]
    answers = ["Rob Gronkowski — Gronkowski said he is retiring. [1]"]
    assert rewrite_conversation(users, AS_OF, answers).startswith("How old is Rob Gronkowski")
    # a statement asked for ("what did he say"): the subject stays the referent
    users = [FIRST, "what else did he say?"]
    answers = ["On February 26, Trump told reporters that sanctions could be softened [1]"]
    assert rewrite_conversation(users, AS_OF, answers) == "What else did Trump say on Feb 26?"


def test_they_keeps_the_previous_turn_beside_it() -> None:
    users = ["Which Ivy League school will eliminate student loans?", "and what will replace them?"]
    answers = ["Dartmouth College — Dartmouth will replace loans with grants. [1]"]
    assert rewrite_conversation(users, AS_OF, answers) == (
        "What will replace them (Which Ivy League school will eliminate student loans:"
        " Dartmouth College)?"
    )
