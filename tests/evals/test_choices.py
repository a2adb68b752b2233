"""The shown-choices pass: containment scoring and picking, with and without the embedder."""

from __future__ import annotations

from assistant.embed.onnx_minilm import MiniLMEmbedder
from evals.choices import containment_score, pick_choice

PASSAGES = [
    "Netflix announced the hit South Korean show “Squid Game” is officially coming back.",
    "Other shows such as Friends remain popular in reruns.",
]


def test_containment_prefers_the_option_in_the_best_passages() -> None:
    squid = containment_score("“Squid Game”", PASSAGES)
    friends = containment_score("Friends", PASSAGES)
    absent = containment_score("Breaking Bad", PASSAGES)
    assert squid > friends > absent == 0.0
    assert containment_score("Squid Game", []) == 0.0
    # an option that is also in the question gets half weight
    assert containment_score("Netflix", PASSAGES, "Which Netflix show?") == 0.5 * containment_score(
        "Netflix", PASSAGES
    )


def test_pick_choice_offline_and_with_embeddings(embedder: MiniLMEmbedder) -> None:
    q = "Which wildly popular show was recently green lit for a new season?"
    choices = ["“Game of Thrones”", "“Squid Game”", "“Breaking Bad”", "“Friends”"]
    assert pick_choice(q, choices, PASSAGES, None).picked == 1
    pick = pick_choice(q, choices, PASSAGES, embedder)
    assert pick.picked == 1 and len(pick.scores) == 4
    assert pick_choice(q, [], PASSAGES, embedder).picked is None
    # ties go to the first option, deterministically
    assert pick_choice(q, ["Alpha", "Beta"], [], None).picked == 0
