"""The composition root: the parts the settings describe, built once and shared.

`Runtime.open(settings)` builds the embedder and opens the store; the chunker, the ingestor, the
service and each answerer are built on first use and then reused; `watcher(sources)` builds a
watcher of folders and feeds over the ingestor. Entry points (CLI, HTTP, MCP) and the evals
ask it for what they need and never assemble parts themselves. Answerers are
chosen by name from `ANSWERERS`. Models load here (eagerly with `warm=True`), never per
request. Nothing in this module parses input or formats output.

It sits above the core and `ingest` (it wires them together); only entry points and the evals
import it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.answer.base import Answerer
from assistant.embed import Embedder, build_embedder
from assistant.errors import ConfigurationError
from assistant.service import Newsdesk
from assistant.settings import Settings
from assistant.store import NewsStore
from ingest.chunking import Chunker
from ingest.pipeline import Ingestor

if TYPE_CHECKING:
    from ingest.watch import PollReport, Watcher


def _extractive(rt: Runtime) -> Answerer:
    from assistant.answer.extractive import ExtractiveAnswerer

    return ExtractiveAnswerer(rt.embedder, rt.settings.refusal_threshold)


def _llm(rt: Runtime) -> Answerer:
    # Imported only when asked for: the prompt machinery is not needed offline.
    from assistant.answer.llm import LLMAnswerer

    return LLMAnswerer(rt.settings, embedder=rt.embedder)


ANSWERERS: dict[str, Callable[[Runtime], Answerer]] = {"extractive": _extractive, "llm": _llm}
"""Answerer name → how to build it for a runtime."""


@dataclass
class Runtime:
    settings: Settings
    embedder: Embedder
    store: NewsStore
    _answerers: dict[str, Answerer] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(
        cls, settings: Settings, *, embedder: Embedder | None = None, warm: bool = False
    ) -> Runtime:
        """Build the embedder (or reuse `embedder`) and open the store the settings name."""
        emb = embedder or build_embedder(settings)
        if warm:
            emb.warm_up()
        return cls(settings=settings, embedder=emb, store=NewsStore(settings, emb))

    def with_settings(self, settings: Settings) -> Runtime:
        """A runtime for other settings of the same store (limits, keys, LLM endpoint): it
        shares this one's embedder and open store, and builds its own answerers and service."""
        if settings == self.settings:
            return self
        return Runtime(settings=settings, embedder=self.embedder, store=self.store)

    @cached_property
    def chunker(self) -> Chunker:
        return Chunker.from_settings(self.settings)

    @cached_property
    def ingestor(self) -> Ingestor:
        return Ingestor(
            self.store,
            self.embedder,
            self.chunker,
            max_article_chars=self.settings.max_article_chars,
        )

    @cached_property
    def desk(self) -> Newsdesk:
        """The service, answering with the configured default answerer."""
        return Newsdesk(self.settings, self.store, self.embedder, self.answerer())

    def watcher(
        self, sources: Sequence[str], on_poll: Callable[[PollReport], None] | None = None
    ) -> Watcher:
        """A watcher following these folders and feed URLs into this store (`ingest.watch`).
        It holds the data dir's watch lock until closed."""
        # Imported only when asked for: the HTTP client and page parsing are not needed else.
        from ingest.watch import Watcher

        return Watcher.open(self.settings, self.ingestor, sources, on_poll)

    def answerer(self, name: str | None = None) -> Answerer:
        """The answerer of that name (None: the configured default), built once.

        Raises `LLMNotConfiguredError` for "llm" without an endpoint, `ConfigurationError` for
        an unknown name.
        """
        name = name or self.settings.answerer
        with self._lock:
            built = self._answerers.get(name)
        if built is not None:
            return built
        make = ANSWERERS.get(name)
        if make is None:
            raise ConfigurationError(
                f"unknown answerer {name!r}: choose one of {', '.join(sorted(ANSWERERS))}"
            )
        made = make(self)
        with self._lock:
            return self._answerers.setdefault(name, made)

    def llm_configured(self) -> bool:
        return bool(self.settings.llm_base_url)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            answerers, self._answerers = list(self._answerers.values()), {}
        for a in answerers:
            a.close()
        if "desk" in self.__dict__:  # built (a cached property): its worker threads go too
            self.desk.close()
        self.store.close()
