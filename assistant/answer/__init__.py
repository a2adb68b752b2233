"""Answerers: turn retrieved passages into an `Answer` with validated citations."""

from assistant.answer.base import Answerer

__all__ = ["Answerer"]
