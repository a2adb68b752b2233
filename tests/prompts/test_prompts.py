"""The prompt loader: templates render with exactly their inputs, and fail clearly otherwise."""

from __future__ import annotations

import pytest

import prompts
from prompts import PromptError


def test_templates_and_their_inputs() -> None:
    assert {"system", "answer", "followup"} <= set(prompts.names())
    assert prompts.inputs_of("system") == {"format_rules"}
    assert prompts.inputs_of("answer") == {
        "as_of",
        "date_note",
        "passages",
        "question",
        "instruction",
    }
    for mode in ("plain", "markers", "json"):
        expected = {"sentinel"} if mode == "markers" else set()
        assert prompts.inputs_of(f"format_{mode}") == expected
        assert prompts.inputs_of(f"instruction_{mode}") == expected
    assert prompts.inputs_of("followup") == {"history", "question"}


def test_render_fills_inputs_and_drops_the_doc_comment() -> None:
    out = prompts.render("system", format_rules=prompts.render("format_markers", sentinel="NF"))
    assert "NF" in out and "$" not in out
    assert "<!--" not in out and "Inputs:" not in out
    assert "instructions" in out.lower() and "ignore" in out.lower()


def test_values_are_not_reparsed() -> None:
    # Article text full of dollar signs and braces must come through verbatim.
    tricky = "Sanctions cost $5 billion; see ${question} and {passages} and $$."
    out = prompts.render(
        "answer", as_of="2025-03-10", date_note="", passages=tricky, question="Q?", instruction="I"
    )
    assert tricky in out and "Question: Q?" in out and "2025-03-10" in out


def test_missing_input_fails_clearly() -> None:
    with pytest.raises(PromptError, match=r"prompt 'followup': missing question"):
        prompts.render("followup", history="User: hi")


def test_extra_input_fails_clearly() -> None:
    with pytest.raises(PromptError, match=r"unexpected colour"):
        prompts.render("system", format_rules="X", colour="red")


def test_unknown_template_fails_clearly() -> None:
    with pytest.raises(PromptError, match=r"no prompt template 'nope'"):
        prompts.render("nope")
    with pytest.raises(PromptError, match=r"bad prompt name"):
        prompts.render("../secrets")
