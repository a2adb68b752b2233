"""Tests for assistant.answer.attribution (real MiniLM embedder, hand-made passages): which passage
supports a claim, the model's numbers checked, and the sentence quoted for it."""

from __future__ import annotations

from assistant.answer.attribution import COVERAGE, Attributor
from assistant.embed.onnx_minilm import MiniLMEmbedder
from assistant.models import Passage

DATELINE = (
    "Tokyo, Japan CNN — Paid content. If you haven't subscribed yet, sign up here. Japan's"
    " former prime minister Shinzo Abe was shot during a campaign speech in Nara on Friday."
    " Markets in Tokyo fell."
)
OTHER = "Police in Idaho arrested 31 men near a Pride event in Coeur d'Alene on Saturday."
Q = "In which country was a former prime minister shot during a campaign speech this week?"


def passages() -> list[Passage]:
    out = []
    start = 0
    for i, text in enumerate((OTHER, DATELINE)):
        out.append(
            Passage(
                chunk_id=f"c{i}", article_id=f"a{i}", text=text, start=start, end=start + len(text)
            )
        )
        start += 1000
    return out


def test_a_passage_supports_a_claim_holding_half_its_new_words(embedder: MiniLMEmbedder) -> None:
    a = Attributor(Q, passages(), embedder)
    assert a.new_words("Japan.") == {"japan"}
    s = a.support("Japan.")
    assert s.supported and [i for i, _ in s.evidence] == [1] and s.rescued
    # "Abe was shot in Nara by a sniper from Osaka": abe, nara present; sniper, osaka not → 2/4
    assert a.coverage("Abe was shot in Nara by a sniper from Osaka.", 1) == 0.5 >= COVERAGE
    assert not a.support("He was shot by a sniper from Osaka at dawn.").supported
    assert not a.support("A former prime minister was shot during a campaign.").supported  # echo


def test_short_claims_quote_the_sentence_that_answers_not_a_dateline(
    embedder: MiniLMEmbedder,
) -> None:
    ((index, span),) = Attributor(Q, passages(), embedder).support("Japan.").evidence
    assert index == 1 and span.text.startswith("Japan's former prime minister Shinzo Abe was shot")
    p = passages()[1]
    assert p.text[span.start - p.start : span.end - p.start] == span.text  # exact offsets


def test_model_numbers_are_checked_and_wrong_ones_replaced(embedder: MiniLMEmbedder) -> None:
    a = Attributor(Q, passages(), embedder)
    confirmed = a.support("Shinzo Abe was shot in Nara.", proposed=[2, 9])
    assert confirmed.model_confirmed and not confirmed.rescued
    assert [i for i, _ in confirmed.evidence] == [1]
    wrong = a.support("Shinzo Abe was shot in Nara.", proposed=[1])
    assert wrong.rescued and [i for i, _ in wrong.evidence] == [1]
    # a compound claim is cited where most of it is said: passage 2 holds 2 of its 7 new words
    both = a.support("Police arrested 31 men in Idaho; Abe was shot in Nara.", proposed=[1, 2])
    assert [i for i, _ in both.evidence] == [0] and a.coverage(both_claim(), 1) < COVERAGE


def both_claim() -> str:
    return "Police arrested 31 men in Idaho; Abe was shot in Nara."
