"""The `Answerer` base: a question and its retrieval in, an `Answer` out, capabilities declared.

An answerer says what it can do with class attributes, so callers never probe for methods:

- `can_stream`: `stream()` yields text while the answer is being composed (an LLM). Callers
  of an answerer that cannot stream take the whole answer (`whole_stream`).
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
        """Text deltas as they are composed, then the final `Answer` (only if `can_stream`)."""
        raise NotImplementedError(f"the {self.name} answerer does not stream")

    def rewrite_followup(self, history: Sequence[Mapping[str, str]], question: str) -> str:
        """`question` made standalone given earlier turns (only if `can_rewrite_followups`)."""
        raise NotImplementedError(f"the {self.name} answerer does not rewrite follow-ups")

    def events(self, question: str, retrieval: Retrieval) -> Iterator[str | Answer]:
        """What a streaming caller consumes: `stream()` if it can, else the whole answer once."""
        if self.can_stream:
            return self.stream(question, retrieval)
        return whole_stream(self.answer(question, retrieval))

    def close(self) -> None:  # noqa: B027 - optional hook: most answerers hold nothing
        """Release connections or processes the answerer holds (none by default)."""


def whole_stream(answer: Answer) -> Iterator[str | Answer]:
    """An answer composed at once, as a stream: its text, then the `Answer`."""
    yield answer.answer
    yield answer
