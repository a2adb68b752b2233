"""Wiring: build the embedder, store, retriever and answerer that the settings describe, once.

The CLI, the HTTP service, the MCP server and the eval runner all start from `Runtime.open()`, so
they share one way of assembling the parts. Models load here (eagerly with `warm=True`), never per
request. Nothing in this module parses input or formats output.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.embed import Embedder, build_embedder
from assistant.settings import Settings
from assistant.store import NewsStore


@dataclass
class Runtime:
    settings: Settings
    embedder: Embedder
    store: NewsStore

    @classmethod
    def open(cls, settings: Settings, warm: bool = False) -> Runtime:
        embedder = build_embedder(settings)
        if warm and hasattr(embedder, "warm_up"):
            embedder.warm_up()
        store = NewsStore(settings, embedder)
        return cls(settings=settings, embedder=embedder, store=store)
