"""Embedders: the `Embedder` protocol and the factory choosing the configured implementation."""

from __future__ import annotations

from assistant.embed.base import Embedder
from assistant.settings import Settings

__all__ = ["Embedder", "build_embedder"]


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; models load lazily on first use (or `warm_up`)."""
    if settings.embedder == "openai":
        from assistant.embed.openai_embed import OpenAIEmbedder

        return OpenAIEmbedder(settings)
    if settings.embedder == "wordllama":
        from assistant.embed.wordllama import WordLlamaEmbedder

        return WordLlamaEmbedder()
    from assistant.embed.onnx_minilm import MiniLMEmbedder

    return MiniLMEmbedder(
        batch_tokens=settings.embed_batch_tokens,
        threads=settings.embed_threads,
        max_tokens=settings.embed_max_tokens,
    )
