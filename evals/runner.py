"""The eval runner: a dataset's own store (ingested once), every question asked, records made.

How a question is run, deterministically (questions sorted by id; `limit` is a seeded sample):

1. One retrieval at depth `max(k, 10)` with `as_of = asked_at` (None: no as-of; the service then
   uses today). Retrieval metrics read all of it (hit@10, MRR@10, nDCG@10).
2. The answerer sees only the first `k` passages (default `settings.top_k`, what users get):
   passage selection is greedy, so the first k of a depth-10 retrieval are exactly what a k
   retrieval returns (a test pins this). The service validates citations as always.
3. The runner re-reads every cited article from the store to check each quote (validity), and
   judges each answer sentence against the quotes it cites (support).
4. Choices mode (when one of the question's choices matches a gold answer): a second pass picks
   an option from the same retrieval (`evals.choices`); it is scored separately
   (multiple-choice accuracy). Unanswerable questions have no right option and are not picked.

Nothing here prints: progress goes to an optional callback; the CLI draws the bars.
"""

from __future__ import annotations

import importlib.metadata
import platform
import subprocess
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from assistant.answer.base import Answerer
from assistant.embed import Embedder, build_embedder
from assistant.errors import BadQueryError, ConfigurationError, IngestError
from assistant.models import Answer, Query
from assistant.retrieve.hybrid import Retrieval
from assistant.runtime import Runtime
from assistant.settings import Settings
from evals.choices import pick_choice
from evals.datasets import Dataset, EvalQuestion, sample
from evals.judge import LLMJudge, OfflineJudge, SupportJudge
from evals.metrics.answers import gold_choice
from evals.metrics.citations import answer_claims
from evals.records import ChoiceRecord, CitationRecord, QuestionRecord, RetrievedRef
from evals.stores import EvalStore, eval_store, mark_complete
from ingest.pipeline import ProgressFn as IngestProgressFn

RETRIEVAL_DEPTH = 10

ProgressFn = Callable[[int], None]
"""Called with the number of questions just finished."""
Start = Callable[[int], ProgressFn | None]
"""Called with the number of questions once; returns the callback advanced per question."""
IngestBar = Callable[[int], AbstractContextManager[IngestProgressFn | None]]
"""Called with the number of articles; a context manager yielding the ingest's callback."""


@dataclass
class EvalOptions:
    limit: int | None = None
    seed: int = 0
    k: int | None = None
    """Passages the answerer sees; None: settings.top_k."""
    answerer: str = "extractive"
    choices: bool = True
    judge: str = "offline"
    resamples: int = 1000


@dataclass
class EvalRun:
    dataset: Dataset
    records: list[QuestionRecord]
    identity: dict[str, Any]
    timings_s: dict[str, float] = field(default_factory=dict)


class _FirstK(Answerer):
    """Answerer wrapper: keeps the full retrieval for metrics, answers from its first k passages."""

    def __init__(self, inner: Answerer, k: int) -> None:
        self.inner = inner
        self.k = k
        self.name = inner.name
        self.last: Retrieval | None = None

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        self.last = retrieval
        return self.inner.answer(
            question, replace(retrieval, passages=retrieval.passages[: self.k])
        )


def store_root(settings: Settings, override: Path | None = None) -> Path:
    """Where eval stores live: `override` (the CLI passes $NEWSDESK_TEST_CACHE), else
    `<data_dir>/evals`."""
    return override if override is not None else settings.data_dir / "evals"


def open_store(
    dataset: Dataset,
    settings: Settings,
    root: Path,
    embedder: Embedder | None = None,
    ingest_progress: IngestBar | None = None,
) -> tuple[Runtime, EvalStore, dict[str, object] | None]:
    """The dataset's store (built now unless complete) and a runtime over it.

    Returns the ingest report when it ingested.
    """
    from ingest.loaders import load_paths

    emb = embedder or build_embedder(settings)
    if embedder is None:
        emb.warm_up()
    es = eval_store(root, dataset.corpus, settings, emb.name)
    rt = Runtime.open(es.settings, embedder=emb)
    report: dict[str, object] | None = None
    if not es.complete:
        items = list(load_paths([dataset.corpus]))
        if ingest_progress is None:
            result = rt.ingestor.run(items)
        else:
            with ingest_progress(len(items)) as advance:
                result = rt.ingestor.run(items, progress=advance)
        report = result.to_json()
        if result.articles_ingested == 0:
            raise IngestError(f"{dataset.corpus}: nothing could be ingested ({result.failed[:3]})")
        mark_complete(es, report)
    return rt, es, report


def build_judge(name: str, runtime: Runtime) -> SupportJudge:
    offline = OfflineJudge(runtime.embedder)
    if name == "offline":
        return offline
    if name == "llm":
        return LLMJudge(runtime.settings, offline)
    raise ConfigurationError(f"unknown judge {name!r} (offline or llm)")


def _refs(retrieval: Retrieval | None) -> list[RetrievedRef]:
    if retrieval is None:
        return []
    return [
        RetrievedRef(
            rank=i,
            article_id=p.article_id,
            chunk_id=p.chunk_id,
            url=p.url,
            title=p.title,
            score=p.score,
            text=p.text,
        )
        for i, p in enumerate(retrieval.passages, start=1)
    ]


def _citations(runtime: Runtime, answer: Answer) -> list[CitationRecord]:
    """The answer's citations, each checked against the article text re-read from the store."""
    articles = runtime.store.articles(sorted({c.article_id for c in answer.citations}))
    out: list[CitationRecord] = []
    for c in answer.citations:
        art = articles.get(c.article_id)
        valid = (
            art is not None
            and 0 <= c.start < c.end <= len(art.text)
            and art.text[c.start : c.end] == c.quote
        )
        out.append(
            CitationRecord(
                n=c.n,
                article_id=c.article_id,
                chunk_id=c.chunk_id,
                start=c.start,
                end=c.end,
                quote=c.quote,
                url=c.url,
                title=c.title,
                valid=valid,
            )
        )
    return out


def ask_one(
    runtime: Runtime,
    answerer: _FirstK,
    judge: SupportJudge,
    q: EvalQuestion,
    options: EvalOptions,
) -> QuestionRecord:
    """Run one question (see the module docstring) into a record; a bad query is an error record."""
    rec = QuestionRecord(question=q)
    query = Query(question=q.question, as_of=q.asked_at, k=max(answerer.k, RETRIEVAL_DEPTH))
    answerer.last = None
    try:
        ans = runtime.desk.ask(query, answerer=answerer)
    except BadQueryError as exc:
        rec.error = f"bad query: {exc}"
        return rec
    rec.retrieved = _refs(answerer.last)
    rec.answer, rec.refused, rec.confidence = ans.answer, ans.refused, ans.confidence
    rec.short_answer = ans.short_answer
    rec.answerer, rec.fallback, rec.unsupported = ans.answerer, ans.fallback, ans.unsupported
    rec.timings_ms = dict(ans.timings_ms)
    rec.citations = _citations(runtime, ans)
    if ans.attribution is not None:
        stats = ans.attribution
        rec.statements = stats.statements
        rec.unsupported_statements = stats.statements - stats.supported
        rec.rescued = not ans.refused and stats.supported > 0 and stats.model_cited == 0
    if not ans.refused:
        quotes = {c.n: c.quote for c in ans.citations}
        rec.support = [judge.judge(s, m, quotes) for s, m in answer_claims(ans.answer)]
    if options.choices and q.choices:
        gold = gold_choice(q.choices, q.answers)
        if gold is None:  # nothing to score (unanswerable): skip the embedding work
            rec.choice = ChoiceRecord(None, [], None)
        else:
            texts = [r.text for r in rec.retrieved]
            pick = pick_choice(q.question, q.choices, texts, runtime.embedder)
            rec.choice = ChoiceRecord(pick.picked, pick.scores, gold)
    return rec


def _git_commit(where: Path) -> tuple[str | None, bool | None]:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", *args], cwd=where, capture_output=True, text=True, timeout=10, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip() if out.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    if commit is None:
        return None, None
    status = git("status", "--porcelain", "--untracked-files=no")
    return commit, (bool(status) if status is not None else None)


_SECRET_SUFFIXES = ("_key", "_keys", "_token")


def public_settings(settings: Settings) -> dict[str, Any]:
    """The settings as JSON, without secrets (keys, tokens) — safe to publish in a report."""
    out: dict[str, Any] = {}
    dumped = settings.model_dump(mode="json")
    for name in type(settings).model_fields:
        value = getattr(settings, name)
        secret = isinstance(value, SecretStr) or (
            isinstance(value, list) and any(isinstance(v, SecretStr) for v in value)
        )
        if secret or name.endswith(_SECRET_SUFFIXES) or "password" in name or "secret" in name:
            continue
        out[name] = dumped[name]
    return out


def package_version() -> str | None:
    try:
        return importlib.metadata.version("newsdesk")
    except importlib.metadata.PackageNotFoundError:
        return None


def run_eval(
    dataset: Dataset,
    runtime: Runtime,
    options: EvalOptions,
    progress: Start | None = None,
    store: EvalStore | None = None,
) -> EvalRun:
    """Ask the dataset's (sampled) questions against `runtime` and return the records.

    `progress(total)` may return a callback advanced once per question.
    """
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    k = options.k or runtime.settings.top_k
    answerer = _FirstK(runtime.answerer(options.answerer), k)
    judge = build_judge(options.judge, runtime)
    questions = sample(dataset.questions, options.limit, options.seed)
    advance = progress(len(questions)) if progress else None
    records: list[QuestionRecord] = []
    for q in questions:
        records.append(ask_one(runtime, answerer, judge, q, options))
        if advance:
            advance(1)
    elapsed = time.perf_counter() - t0
    commit, dirty = _git_commit(Path(__file__).resolve().parents[1])
    identity = {
        "dataset": dataset.name,
        "dataset_path": str(dataset.path),
        "dataset_sha1": dataset.questions_sha1,
        "corpus_path": str(dataset.corpus),
        "corpus_sha1": store.corpus_sha1 if store else None,
        "store_key": store.key if store else None,
        "store_dir": str(runtime.settings.data_dir),
        "questions_total": len(dataset.questions),
        "questions_run": len(questions),
        "limit": options.limit,
        "seed": options.seed,
        "k": k,
        "retrieval_depth": max(k, RETRIEVAL_DEPTH),
        "choices": options.choices,
        "answerer": answerer.name,
        "judge": judge.name,
        "embedder": runtime.embedder.name,
        "bootstrap_resamples": options.resamples,
        "settings": public_settings(runtime.settings),
        "package_version": package_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    return EvalRun(dataset, records, identity, {"questions": round(elapsed, 2)})
