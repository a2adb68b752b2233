"""Tests for assistant.answer.claims: an LLM reply's sentences with the passage numbers given
them, in text and JSON, whole or while streaming (settled claims never change)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from assistant.answer.claims import Claim, json_reply, read_reply, text_claims


def test_markers_belong_to_their_sentence_or_to_the_one_before() -> None:
    raw = "Trump spoke on Feb 26 [1]. He said sanctions could ease. [2][3] Putin agreed [1, 4]."
    assert text_claims(raw) == [
        Claim("Trump spoke on Feb 26.", (1,)),
        Claim("He said sanctions could ease.", (2, 3)),
        Claim("Putin agreed.", (1, 4)),
    ]


def test_text_without_content_words_is_no_claim() -> None:
    for raw in ("[2]", "[1] [2] [3] [4] [5]", "[1][2].", " [1, 2, 3] ", "", "  .  "):
        assert text_claims(raw) == [], raw
    assert text_claims("[2] Idaho.") == [Claim("Idaho.", (2,))]  # a lead marker of the first


def test_streaming_settles_a_claim_once_the_next_one_has_words() -> None:
    assert text_claims("Trump spoke on Feb 26.", final=False) == []
    assert text_claims("Trump spoke on Feb 26. [1", final=False) == []
    assert text_claims("Trump spoke on Feb 26. [1] [2]", final=False) == []
    assert text_claims("Trump spoke on Feb 26. [1] [2] He", final=False) == []  # no content yet
    assert text_claims("Trump spoke on Feb 26. [1] [2] Putin", final=False) == [
        Claim("Trump spoke on Feb 26.", (1, 2))
    ]


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="Ab cd [],129.\n", max_size=60),
    cut=st.integers(min_value=0, max_value=60),
)
def test_claims_settled_on_a_prefix_are_a_prefix_of_the_final_claims(text: str, cut: int) -> None:
    settled = text_claims(text[:cut], final=False)
    assert text_claims(text)[: len(settled)] == settled


def test_json_reply_whole_partial_and_odd() -> None:
    reply = {
        "found": True,
        "sentences": [
            {"text": "Idaho police arrested 31 men. They met in a park [3].", "passages": [1, 2]},
            {"text": "[2]", "passages": [2]},
            {"text": 7, "passages": [1]},
        ],
    }
    raw = json.dumps(reply)
    whole = json_reply(raw)
    assert whole.found is True
    assert whole.claims == [
        Claim("Idaho police arrested 31 men.", (1, 2)),
        Claim("They met in a park.", (1, 2, 3)),
    ]
    cut = raw[: raw.index('{"text": "[2]"')]
    assert json_reply(cut, final=False) == whole.__class__(whole.claims, True)
    assert json_reply('{"found": false, "sentences": []}').found is False
    assert read_reply("not json at all", structured=True).claims == []
    assert read_reply("Idaho.", structured=False).claims == [Claim("Idaho.", ())]
    assert json_reply('{"found": tr', final=False).found is None
