"""Retrieval metrics over gold articles: hit@k, recall@k, MRR@10, nDCG@10, support in top 5.

A retrieved passage is *gold* when its article is one of the question's gold articles: its URL
equals a gold URL after `normalize_url` (scheme and host lower-cased, the `#...` fragment —
including `#:~:text=` highlights — and trailing slashes removed), or its article id is a gold id
or `sha1(gold_url)[:16]` (how corpus ids are made from URLs, fragment included). Computed over
questions with gold articles (unanswerable questions have none and are left out). Ranks come from
the retrieval the runner made at depth 10 (see `evals.runner`).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

from evals.metrics.answers import normalize
from evals.metrics.base import MetricResult, result
from evals.records import QuestionRecord, RetrievedRef


def normalize_url(url: str) -> str:
    """Comparable URL: lower-case scheme/host, no fragment, no trailing slash on the path."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def gold_keys(record: QuestionRecord) -> tuple[set[str], set[str]]:
    """(normalized gold URLs, gold article ids incl. sha1(url)[:16] of each gold URL)."""
    q = record.question
    urls = {normalize_url(u) for u in q.gold_urls}
    ids = set(q.gold_ids)
    ids |= {hashlib.sha1(u.strip().encode("utf-8")).hexdigest()[:16] for u in q.gold_urls}
    return urls, ids


def gold_article_key(ref: RetrievedRef, urls: set[str], ids: set[str]) -> str | None:
    """A key naming the gold article `ref` comes from (for de-duplication), or None."""
    if ref.article_id in ids:
        return normalize_url(ref.url) if ref.url else ref.article_id
    if ref.url and normalize_url(ref.url) in urls:
        return normalize_url(ref.url)
    return None


def _n_gold(record: QuestionRecord) -> int:
    q = record.question
    if q.gold_urls:
        return len({normalize_url(u) for u in q.gold_urls})
    return len(set(q.gold_ids))


def _scored(records: Sequence[QuestionRecord]) -> list[QuestionRecord]:
    return [r for r in records if r.question.has_gold and not r.error]


def _gold_flags(record: QuestionRecord, k: int) -> list[str | None]:
    urls, ids = gold_keys(record)
    return [gold_article_key(ref, urls, ids) for ref in record.retrieved[:k]]


def hit_at_k(records: Sequence[QuestionRecord], k: int) -> MetricResult:
    """Share of questions with a passage from a gold article among the top `k` retrieved."""
    pairs = {r.id: (1.0 if any(_gold_flags(r, k)) else 0.0, 1.0) for r in _scored(records)}
    return result(pairs, k=k)


def recall_at_k(records: Sequence[QuestionRecord], k: int) -> MetricResult:
    """Mean over questions of (distinct gold articles among the top `k`) / (gold articles)."""
    pairs: dict[str, tuple[float, float]] = {}
    for r in _scored(records):
        found = {key for key in _gold_flags(r, k) if key}
        pairs[r.id] = (min(len(found), _n_gold(r)) / _n_gold(r), 1.0)
    return result(pairs, k=k)


def mrr_at_10(records: Sequence[QuestionRecord]) -> MetricResult:
    """Mean reciprocal rank of the first gold passage within the top 10 (0 when none)."""
    pairs: dict[str, tuple[float, float]] = {}
    for r in _scored(records):
        flags = _gold_flags(r, 10)
        first = next((i for i, key in enumerate(flags, start=1) if key), None)
        pairs[r.id] = (1.0 / first if first else 0.0, 1.0)
    return result(pairs)


def ndcg_at_10(records: Sequence[QuestionRecord]) -> MetricResult:
    """Mean nDCG@10 with binary article-level relevance.

    A passage gains 1 when it comes from a gold article not already credited higher up (further
    passages of the same article gain 0), discounted by log2(rank + 1); the ideal ranking puts
    one passage of each gold article first: IDCG = sum over i ≤ min(#gold, 10) of 1/log2(i + 1).
    """
    pairs: dict[str, tuple[float, float]] = {}
    for r in _scored(records):
        seen: set[str] = set()
        dcg = 0.0
        for i, key in enumerate(_gold_flags(r, 10), start=1):
            if key and key not in seen:
                seen.add(key)
                dcg += 1.0 / math.log2(i + 1)
        ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(_n_gold(r), 10) + 1))
        pairs[r.id] = (dcg / ideal if ideal else 0.0, 1.0)
    return result(pairs)


def support_in_top5(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answerable questions with a supporting passage in the top 5.

    A passage supports when it comes from a gold article or its text contains a normalized gold
    answer (so a question without gold articles still counts if the answer string was retrieved).
    Over answerable questions with gold answers or gold articles.
    """
    pairs: dict[str, tuple[float, float]] = {}
    for r in records:
        q = r.question
        if r.error or not q.answerable or not (q.answers or q.has_gold):
            continue
        golds = [f" {normalize(a)} " for a in q.answers if normalize(a)]
        hit = any(_gold_flags(r, 5)) or any(
            any(g in f" {normalize(ref.text)} " for g in golds) for ref in r.retrieved[:5]
        )
        pairs[r.id] = (1.0 if hit else 0.0, 1.0)
    return result(pairs)
