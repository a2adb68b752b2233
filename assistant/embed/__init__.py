"""Embedders: the `Embedder` protocol and a factory choosing the configured implementation."""

from __future__ import annotations

from typing import Any

from assistant.embed.base import Embedder, EmbedderMismatchError, embed_one
from assistant.settings import Settings

__all__ = [
    "Embedder",
    "EmbedderMismatchError",
    "build_embedder",
    "embed_one",
    "embedder_from_config",
]


def build_embedder(settings: Settings) -> Embedder:
    """The embedder the settings name; models load lazily on first use (or `warm_up`)."""
    if settings.embedder == "openai":
        from assistant.embed.openai_embed import OpenAIEmbedder

        return OpenAIEmbedder(settings)
    from assistant.embed.onnx_minilm import MiniLMEmbedder

    return MiniLMEmbedder(
        batch_size=settings.embed_batch_size,
        threads=settings.embed_threads,
        max_tokens=settings.embed_max_tokens,
    )


def embedder_from_config(config: dict[str, Any]) -> Embedder:
    """Rebuild an embedder from the config Chroma stored with a collection."""
    from assistant.settings import get_settings

    settings = get_settings()
    name = str(config.get("embedder", ""))
    if name.startswith("openai:"):
        settings = settings.model_copy(
            update={"embedder": "openai", "openai_embed_model": name.split(":", 1)[1]}
        )
    else:
        settings = settings.model_copy(update={"embedder": "minilm-int8"})
    return build_embedder(settings)
