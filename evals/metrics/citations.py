"""Citation metrics: validity, precision against gold articles, and support of answer sentences.

- validity: each citation's quote must equal the stored article text at its span; the runner
  re-reads the articles from the store and records the result on each citation (`valid`).
- precision: cited passages that come from gold articles (same matching as retrieval metrics).
- citation rate: answers shown (not refused) that carry a valid citation.
- LLM answers (post-hoc attribution): statements no passage supports, and answers cited only
  through attribution (rescued).
- support: answer sentences backed by the quotes their [n] markers cite. Offline, a sentence is
  supported when most of its content words appear in the cited quotes, or its embedding is close
  to a quote's (an entailment proxy, not entailment); an LLM judge can replace the proxy.

`answer_claims` and `judge_support` are the pure pieces the runner uses to make the judgments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer.markers import MARKER
from assistant.text import content_words, sentence_spans
from evals.metrics.base import MetricResult, result
from evals.metrics.retrieval import gold_keys, normalize_url
from evals.records import QuestionRecord, SupportJudgment

LEXICAL_SUPPORT = 0.6
"""Share of a sentence's content-word stems found in its cited quotes that counts as support."""
COSINE_SUPPORT = 0.75
"""Embedding cosine between a sentence and a cited quote that counts as support."""
_STEM = 5
_MARKERS = re.compile(rf"(?:\s*{MARKER.pattern})+")  # a run of markers: "[1][2]", "[1] [3]"
_NUM = re.compile(r"\d{1,3}")


def _stems(text: str) -> set[str]:
    return {w[:_STEM] for w in content_words(text)}


def answer_claims(answer: str) -> list[tuple[str, list[int]]]:
    """The answer's sentences with the [n] markers that cite them.

    The text is cut after each run of markers (a marker closes the claim before it, whether it
    stands before or after the sentence's full stop); each piece is split into sentences that
    all inherit the piece's markers; text after the last marker is unmarked. Fragments without a
    content word (a stray full stop) are dropped.
    """
    claims: list[tuple[str, list[int]]] = []
    pos = 0
    pieces: list[tuple[str, list[int]]] = []
    for m in _MARKERS.finditer(answer):
        pieces.append((answer[pos : m.start()], [int(x) for x in _NUM.findall(m.group(0))]))
        pos = m.end()
    pieces.append((answer[pos:], []))
    for text, marks in pieces:
        text = text.lstrip(" .,;:!?\n\t")
        for s, e in sentence_spans(text):
            sentence = text[s:e].strip()
            if content_words(sentence):
                claims.append((sentence, marks))
    return claims


def judge_support(
    sentence: str,
    markers: Sequence[int],
    quotes: dict[int, str],
    similarity: Callable[[str, list[str]], list[float]] | None = None,
) -> SupportJudgment:
    """Offline support judgment for one sentence against the quotes its markers cite.

    lexical = |content-word stems of the sentence found in the cited quotes| / |sentence stems|;
    cosine = the best `similarity(sentence, quotes)` when given and lexical falls short (None
    otherwise). Supported when lexical ≥
    LEXICAL_SUPPORT or cosine ≥ COSINE_SUPPORT. A sentence without markers (or citing unknown
    numbers) is unsupported.
    """
    cited = [quotes[n] for n in markers if n in quotes]
    if not cited:
        return SupportJudgment(sentence, list(markers), 0.0, None, False)
    s_stems = _stems(sentence)
    q_stems: set[str] = set().union(*(_stems(q) for q in cited))
    lexical = len(s_stems & q_stems) / len(s_stems) if s_stems else 0.0
    # Embeddings only when words alone do not settle it (quoting answerers never need them).
    cosine = max(similarity(sentence, cited)) if similarity and lexical < LEXICAL_SUPPORT else None
    supported = lexical >= LEXICAL_SUPPORT or (cosine is not None and cosine >= COSINE_SUPPORT)
    return SupportJudgment(
        sentence,
        list(markers),
        round(lexical, 4),
        None if cosine is None else round(cosine, 4),
        supported,
    )


def citation_validity(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of citations whose quote equals the article text at their span (re-read from the
    store by the runner). Micro-averaged over citations; questions without citations don't count.
    Citations the runner could not check (`valid` is None) count as invalid."""
    pairs = {
        r.id: (float(sum(1 for c in r.citations if c.valid)), float(len(r.citations)))
        for r in records
        if r.citations
    }
    return result(pairs, citations=int(sum(v[1] for v in pairs.values())))


def citation_precision(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of citations that point into a gold article (URL or id match, as for retrieval).

    Micro-averaged over the citations of questions that have gold articles; unanswerable
    questions are left out here (citing anything there is a refusal failure, see refusal).
    """
    pairs: dict[str, tuple[float, float]] = {}
    for r in records:
        if not r.citations or not r.question.has_gold:
            continue
        urls, ids = gold_keys(r)
        good = sum(
            1
            for c in r.citations
            if c.article_id in ids or (c.url is not None and normalize_url(c.url) in urls)
        )
        pairs[r.id] = (float(good), float(len(r.citations)))
    return result(pairs, citations=int(sum(v[1] for v in pairs.values())))


def citation_support(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answer sentences supported by the passages they cite (see `judge_support`).

    Micro-averaged over the sentences of non-refused answers; unmarked sentences count as
    unsupported. The judgments were made by the runner (offline proxy or LLM judge).
    """
    pairs = {
        r.id: (float(sum(1 for s in r.support if s.supported)), float(len(r.support)))
        for r in records
        if not r.refused and r.support and not r.error
    }
    marked = sum(1 for r in records if not r.refused for s in r.support if s.markers)
    return result(
        pairs,
        sentences=int(sum(v[1] for v in pairs.values())),
        sentences_with_markers=marked,
        judges=sorted({s.judge for r in records for s in r.support}),
    )


def citation_rate(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of answers shown (not refused, no error) that carry at least one valid citation.

    1 - this is the share of answers shown uncited. Counted per question.
    """
    pairs = {
        r.id: (1.0 if any(c.valid for c in r.citations) else 0.0, 1.0)
        for r in records
        if not r.refused and not r.error
    }
    return result(pairs)


def unsupported_statement_rate(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of the statements LLM answers made that no retrieved passage supports (lower is
    better). Micro-averaged over the statements of every LLM answer that got to the model,
    refused or not (a refusal for lack of support is where they all end up unsupported);
    answers from other answerers (no statements recorded) don't count."""
    pairs = {
        r.id: (float(r.unsupported_statements), float(r.statements))
        for r in records
        if r.statements and not r.error
    }
    return result(pairs, statements=int(sum(v[1] for v in pairs.values())))


def rescued_by_attribution(records: Sequence[QuestionRecord]) -> MetricResult:
    """Share of the LLM answers shown whose citations all come from post-hoc attribution: the
    model named no passage that supports any of its statements (in `plain` mode it names none).
    Over non-refused answers with recorded statements."""
    pairs = {
        r.id: (1.0 if r.rescued else 0.0, 1.0)
        for r in records
        if r.statements and not r.refused and not r.error
    }
    return result(pairs)
