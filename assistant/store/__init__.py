"""The article store: `NewsStore` and its vocabulary (re-exports only; see `news.py`)."""

from assistant.store.news import NewsStore, TimingHook
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
    "StoreCheck",
    "StoreStats",
    "TimingHook",
]
