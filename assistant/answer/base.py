"""The `Answerer` base: a question and its retrieval in, an `Answer` out, capabilities declared.

An answerer says what it can do with class attributes, so callers never probe for methods:

- `can_stream`: `stream()` yields text while the answer is being composed (an LLM). Without it,
  `stream()` still works: it yields the whole text once, then the `Answer`.
- `can_rewrite_followups`: `rewrite_followup()` turns a follow-up into a standalone question
  better than the offline rules (`assistant.followup`) do.

No retrieval and no I/O here.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from typing import ClassVar

from assistant.models import Answer
from assistant.retrieve.hybrid import Retrieval


class Answerer(ABC):
    name: str = "answerer"
    can_stream: ClassVar[bool] = False
    can_rewrite_followups: ClassVar[bool] = False

    @abstractmethod
    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        """Compose an answer whose [n] markers map to citations of retrieved passages only."""

    def stream(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """Text deltas, then the final `Answer` (whole text at once unless `can_stream`)."""
        answer = self.answer(question, retrieval)
        yield answer.answer
        yield answer

    def rewrite_followup(self, history: Sequence[Mapping[str, str]], question: str) -> str:
        """`question` made standalone given earlier turns (only if `can_rewrite_followups`)."""
        raise NotImplementedError(f"the {self.name} answerer does not rewrite follow-ups")

    def close(self) -> None:  # noqa: B027 - optional hook: most answerers hold nothing
        """Release connections or processes the answerer holds (none by default)."""
