"""Tests for assistant.answer.markers: reading and renumbering `[n]` markers."""

from __future__ import annotations

from assistant.answer.markers import MARKER, markers, renumber


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
