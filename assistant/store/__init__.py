"""The article store: `NewsStore` and its vocabulary (re-exports only; see `news.py`)."""

from assistant.store.news import NewsStore, TimingHook
from assistant.store.sentences import SentenceVectors
from assistant.store.types import (
    ArticleSummary,
    ArticleWrite,
    Catalog,
    ChunkHit,
    StoreCheck,
    StoreStats,
)

__all__ = [
    "ArticleSummary",
    "ArticleWrite",
    "Catalog",
    "ChunkHit",
    "NewsStore",
    "SentenceVectors",
    "StoreCheck",
    "StoreStats",
    "TimingHook",
]
