"""The `Answerer` protocol: a question and its retrieval in, an `Answer` out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from assistant.models import Answer
from assistant.retrieve.hybrid import Retrieval


class Answerer(Protocol):
    """One core method, `answer`. Streaming answerers also offer `stream(question, retrieval)`,
    yielding text deltas and, last, the final `Answer` (see `stream_whole`)."""

    name: str

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        """Compose an answer whose [n] markers map to citations of retrieved passages only."""
        ...


def stream_whole(answer: Answer) -> Iterator[str | Answer]:
    """Streaming for answerers that compose the whole text at once: the text, then the Answer."""
    yield answer.answer
    yield answer
