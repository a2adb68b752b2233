"""Tests for assistant.answer.markers: reading and renumbering `[n]` markers, the streaming
rewriter (fed whole, char by char, or in pieces, it writes the same text), and claims."""

from __future__ import annotations

import pytest

from assistant.answer.markers import MARKER, MarkerRewriter, claims, markers, renumber


def rewrite_whole(text: str, passages: int = 3) -> MarkerRewriter:
    rw = MarkerRewriter(passages)
    rw.feed(text)
    rw.flush()
    return rw


def rewrite_by_char(text: str, passages: int = 3) -> tuple[MarkerRewriter, str]:
    rw = MarkerRewriter(passages)
    out = "".join(rw.feed(ch) for ch in text) + rw.flush()
    return rw, out


def test_marker_regex_reads_one_to_three_digits_in_brackets() -> None:
    found = [(m.group(0), m.group(1)) for m in MARKER.finditer("a [1] b [22] c [333] [4444] [x]")]
    assert found == [("[1]", "1"), ("[22]", "22"), ("[333]", "333")]


def test_markers_in_order_of_first_appearance() -> None:
    assert markers("a [2] b [1] c [2] [1234] [x] [ 3]") == [2, 1]
    assert markers("no markers") == []


def test_renumber_maps_markers_and_removes_unmapped_ones_with_their_space() -> None:
    text = "Trump spoke [3]. Putin replied [1] [7]. Done [3]."
    assert renumber(text, {3: 1, 1: 2}) == "Trump spoke [1]. Putin replied [2]. Done [1]."
    assert renumber("A claim [9].", {}) == "A claim."
    assert renumber("  A [1]  b [2] ,c ", {1: 1}) == "A [1] b,c"


@pytest.mark.parametrize(
    ("raw", "text", "mapping", "positions", "dropped"),
    [
        (
            "Trump spoke [2]. Putin [1, 3] replied [9].",
            "Trump spoke [1]. Putin [2][3] replied.",
            {2: 1, 1: 2, 3: 3},
            [(2, 12), (1, 23), (3, 26)],
            1,
        ),
        ("  lead [1] trail  ", "lead [1] trail", {1: 1}, [(1, 5)], 0),
        ("foo [7].", "foo.", {}, [], 1),
        ("foo [7] bar", "foo bar", {}, [], 1),
        ("x [1,2] y [2]", "x [1][2] y [2]", {1: 1, 2: 2}, [(1, 2), (2, 5), (2, 11)], 0),
        ("a [1]\n\nb [4]!", "a [1]\n\nb!", {1: 1}, [(1, 2)], 1),
        ("[1", "[1", {}, [], 0),  # an unfinished marker is text once the stream ends
        ("[] a [ ] b", "[] a [ ] b", {}, [], 0),
        ("a [12345678901234567890123456] b", "a [12345678901234567890123456] b", {}, [], 0),
    ],
)
def test_rewriter_whole_and_char_by_char_agree(
    raw: str,
    text: str,
    mapping: dict[int, int],
    positions: list[tuple[int, int]],
    dropped: int,
) -> None:
    whole = rewrite_whole(raw)
    by_char, out = rewrite_by_char(raw)
    for rw in (whole, by_char):
        assert rw.text == text
        assert (rw.mapping, rw.positions, rw.dropped) == (mapping, positions, dropped)
    assert out == text
    for n, pos in whole.positions:
        assert text[pos:].startswith(f"[{mapping[n]}]")


def test_rewriter_holds_back_what_may_still_become_a_marker() -> None:
    rw = MarkerRewriter(2)
    assert rw.feed("Trump spoke ") == "Trump spoke"  # trailing space waits for what follows
    assert rw.feed("[") == ""
    assert rw.feed("2") == ""
    assert rw.feed("]") == " [1]"
    assert rw.feed(" then [") == " then"
    assert rw.feed("x") == " [x"  # not a marker after all: released as text
    assert rw.flush() == ""
    assert rw.text == "Trump spoke [1] then [x"


def test_rewriter_matches_renumber_on_a_whole_answer() -> None:
    raw = "Trump spoke [2]. Putin replied [1] and [2]."
    rw = rewrite_whole(raw, passages=2)
    assert rw.text == renumber(raw, rw.mapping) == "Trump spoke [1]. Putin replied [2] and [1]."


def test_claims_are_the_sentences_carrying_each_marker() -> None:
    raw = "Trump spoke on Feb 26 [1]. Sanctions may be softened. [2] Putin replied [1]."
    rw = rewrite_whole(raw, passages=2)
    assert rw.positions == [(1, 22), (2, 54), (1, 72)]
    # a marker opening a sentence ("... softened. [2]") belongs to the sentence before it
    assert claims(rw.text, rw.positions) == {
        1: "Trump spoke on Feb 26 .  Putin replied .",
        2: "Sanctions may be softened.",
    }


def test_claims_without_sentences() -> None:
    assert claims("", []) == {}
    assert claims("no full stop [1]", [(1, 13)]) == {1: "no full stop "}
