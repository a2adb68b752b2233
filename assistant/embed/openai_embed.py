"""Optional embedder: any OpenAI-compatible /v1/embeddings endpoint, via assistant.openai_client."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.embed.base import Spans, Vector, Vectors
from assistant.openai_client import make_client
from assistant.settings import Settings


class OpenAIEmbedder:
    """Embeds through the configured endpoint; `name` carries the model so collections never mix.

    An endpoint returns one vector per text, no token states: no span pooling (chunks stored
    with it have no sentence vectors, and answers embed their few sentences when asked).
    """

    can_pool_spans = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.model = settings.openai_embed_model
        self.name = f"openai:{self.model}"
        self.batch_size = settings.embed_batch_size
        self._client = make_client(
            base_url=settings.openai_embed_base_url or settings.llm_base_url,
            api_key=settings.openai_embed_api_key or settings.llm_api_key,
            timeout=settings.llm_timeout,
            retries=settings.llm_retries,
        )
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._dim = int(self.embed(["dimension probe"]).shape[1])
        return self._dim

    def warm_up(self) -> None:
        """Nothing to load: the model runs behind the endpoint."""

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Spans]
    ) -> tuple[Vectors, list[Vectors]]:
        raise NotImplementedError("an embeddings endpoint returns no token states to pool")

    def embed_query(self, text: str) -> Vector:
        return self.embed([text])[0]  # computed behind the endpoint: no local cores to leave

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows: list[list[float]] = []
        for lo in range(0, len(texts), self.batch_size):
            rows.extend(self._client.embed(self.model, list(texts[lo : lo + self.batch_size])))
        out = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
        out /= np.linalg.norm(out, axis=1, keepdims=True).clip(min=1e-12)
        if self._dim is None and len(out):
            self._dim = out.shape[1]
        return out
