"""The base store the scaled benchmark stores are copied from: the dev corpus, embedded once.

Embedding the whole dev corpus (17,690 chunks) takes ~15 minutes on 2 cores, more than the whole
benchmark budget, so an existing complete store is reused, looked up in this order:

1. an explicit path (`--base-store` or `$NEWSDESK_BENCH_BASE_STORE`);
2. the eval store of the dev corpus (`evals.stores.eval_store`) under `$NEWSDESK_TEST_CACHE`, else
   under `.newsdesk/evals` (where `newsdesk eval` builds it);
3. a store of the first N dev articles that an earlier benchmark run built (in the work dir);
4. otherwise that subset store is built now (N chosen so embedding takes ~5 minutes) — the
   results then say the base is a subset.

The base store is only read. This module does not time queries.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.embed.base import Embedder
from assistant.models import Article
from assistant.runtime import Runtime
from assistant.settings import Settings
from benchmarks.common import DEV_CORPUS, log
from evals.stores import STORE_LAYOUT, corpus_sha1, eval_store
from ingest.chunking import Chunker
from ingest.loaders import load_paths

_MARKER = "complete.json"


@dataclass
class BaseStore:
    settings: Settings
    origin: str  # "explicit" | "eval-store" | "cached-subset" | "built-subset"
    note: str
    build_s: float | None = None

    def describe(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "data_dir": str(self.settings.data_dir),
            "note": self.note,
            "build_s": None if self.build_s is None else round(self.build_s, 1),
        }


def open_runtime(settings: Settings, embedder: Embedder) -> Runtime:
    """A runtime over `settings` that shares an already loaded embedder."""
    return Runtime.open(settings, embedder=embedder)


def _complete(data_dir: Path) -> bool:
    return (data_dir / _MARKER).exists() and (data_dir / "chroma").is_dir()


def eval_store_root() -> Path:
    cache = os.environ.get("NEWSDESK_TEST_CACHE")
    return Path(cache) if cache else Path(".newsdesk") / "evals"


def subset_corpus(corpus: Path, articles: int, out: Path, shortest: bool = False) -> Path:
    """The first `articles` lines of a JSONL corpus (or, with `shortest`, the lines with the
    shortest texts, in corpus order), written to `out` (rewritten only if they changed)."""
    with corpus.open() as f:
        lines = [line for line in f if line.strip()]
    if shortest:
        by_length = sorted(range(len(lines)), key=lambda i: len(json.loads(lines[i])["text"]))
        keep = sorted(by_length[:articles])
        text = "".join(lines[i] for i in keep)
    else:
        text = "".join(lines[:articles])
    if not out.exists() or out.read_text() != text:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text)
    return out


def locate_or_build(
    settings: Settings,
    embedder: Embedder,
    work: Path,
    subset_articles: int,
    explicit: Path | None = None,
    corpus: Path = DEV_CORPUS,
    search: bool = True,
    shortest: bool = False,
) -> BaseStore:
    """The base store to copy from (see the module docstring for the search order).

    `search=False` skips the explicit and eval stores, and `shortest` builds the subset from the
    shortest articles: smoke runs always build a tiny base of their own.
    """
    if not search:
        explicit = None
    elif explicit is None:
        explicit = (
            Path(os.environ["NEWSDESK_BENCH_BASE_STORE"])
            if os.environ.get("NEWSDESK_BENCH_BASE_STORE")
            else None
        )
    if explicit is not None:
        if not (explicit / "chroma").is_dir():
            raise FileNotFoundError(f"--base-store {explicit}: no Chroma store there")
        return BaseStore(
            settings.model_copy(update={"data_dir": explicit}),
            "explicit",
            f"the store given explicitly ({explicit.name})",
        )
    es = eval_store(eval_store_root(), corpus, settings, embedder.name)
    if search and es.complete:
        return BaseStore(es.settings, "eval-store", "the whole dev corpus (eval store reused)")

    ident = json.dumps(
        {
            "corpus": corpus_sha1(corpus),
            "articles": subset_articles,
            "shortest": shortest,
            "chunking": Chunker.from_settings(settings).config,
            "embedder": embedder.name,
            "layout": STORE_LAYOUT,
        },
        sort_keys=True,
    )
    key = hashlib.sha1(ident.encode()).hexdigest()[:12]
    which = "shortest" if shortest else "first"
    data_dir = work / f"base-{which}{subset_articles}-{key}"
    note = (
        f"the {which} {subset_articles} dev-corpus articles (no complete dev-corpus store was"
        " found, and embedding the whole corpus would exceed the time budget)"
    )
    if _complete(data_dir):
        return BaseStore(settings.model_copy(update={"data_dir": data_dir}), "cached-subset", note)

    log.info("building the base store: %s", note)
    subset = subset_corpus(
        corpus, subset_articles, work / f"dev-{which}{subset_articles}.jsonl", shortest
    )
    base_settings = settings.model_copy(update={"data_dir": data_dir})
    rt = open_runtime(base_settings, embedder)
    t0 = time.perf_counter()
    report = rt.ingestor.run(load_paths([subset]))
    build_s = time.perf_counter() - t0
    (data_dir / _MARKER).write_text(json.dumps({"key": key, "ingest": report.to_json()}))
    return BaseStore(base_settings, "built-subset", note, build_s)


def base_articles(rt: Runtime) -> list[Article]:
    """Every committed article of the store, sorted by id (a stable, content-blind order)."""
    ids: list[str] = []
    offset = 0
    while True:
        page = rt.store.list_articles(offset=offset, limit=5000)
        if not page:
            break
        ids.extend(s.id for s in page)
        offset += 5000
    found = rt.store.articles(sorted(ids))
    return [found[i] for i in sorted(found)]
