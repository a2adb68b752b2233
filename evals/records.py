"""Per-question records: what one eval question retrieved, answered and cited, as plain data.

The runner fills them from `Answer`s; the metrics read them; the reports serialize them. A record
round-trips through JSON (`to_json` / `record_from_json`) except passage texts, which stay in
memory only (the report keeps ids, URLs and spans; the store has the text).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from evals.datasets import EvalQuestion


@dataclass
class RetrievedRef:
    """One retrieved passage, best first (`rank` starts at 1)."""

    rank: int
    article_id: str
    chunk_id: str = ""
    url: str | None = None
    title: str | None = None
    score: float = 0.0
    text: str = ""


@dataclass
class CitationRecord:
    n: int
    article_id: str
    chunk_id: str
    start: int
    end: int
    quote: str
    url: str | None = None
    title: str | None = None
    valid: bool | None = None
    """`quote == article_text[start:end]` when re-read from the store; None if not checked."""


@dataclass
class SupportJudgment:
    """Whether one answer sentence is supported by the quotes its [n] markers cite."""

    sentence: str
    markers: list[int]
    lexical: float
    cosine: float | None
    supported: bool
    judge: str = "offline"


@dataclass
class ChoiceRecord:
    """The shown-choices pass: the option picked and each option's support score."""

    picked: int | None
    scores: list[float]
    gold: int | None
    """Index of the choice matching a gold answer; None when no choice does (unanswerable)."""


@dataclass
class QuestionRecord:
    question: EvalQuestion
    retrieved: list[RetrievedRef] = field(default_factory=list)
    answer: str = ""
    short_answer: str | None = None
    """The asked fact alone, when the answerer found one (it also leads `answer`)."""
    refused: bool = False
    confidence: float = 0.0
    answerer: str = ""
    """Who wrote the answer (an LLM run's fallbacks say "extractive")."""
    fallback: bool = False
    unsupported: bool = False
    """The answer cites no retrieved passage (LLM answerer with `llm_unsupported=flag`)."""
    citations: list[CitationRecord] = field(default_factory=list)
    support: list[SupportJudgment] = field(default_factory=list)
    choice: ChoiceRecord | None = None
    statements: int = 0
    """LLM answers: the statements (sentences) the model wrote; 0 for other answerers."""
    unsupported_statements: int = 0
    """... of which no retrieved passage supports (dropped, or flagged)."""
    rescued: bool = False
    """An LLM answer cited only through post-hoc attribution (no model-named passage held up)."""
    timings_ms: dict[str, float] = field(default_factory=dict)
    error: str | None = None
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Per-metric contribution (numerator, denominator) — filled by `evals.scoring`."""
    passed: dict[str, bool] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def outcome(self) -> str:
        """ "pass" when the question got the right kind of answer: a contained gold answer for
        answerable questions, a refusal citing nothing for unanswerable ones."""
        if self.error:
            return "error"
        if not self.question.answerable:
            return "pass" if self.refused and not self.citations else "fail"
        return "pass" if self.passed.get("answer_containment", False) else "fail"

    def to_json(self) -> dict[str, Any]:
        q = self.question
        return {
            "id": q.id,
            "question": q.question,
            "asked_at": q.asked_at.isoformat() if q.asked_at else None,
            "type": q.type,
            "qtype": q.qtype,
            "needs_date": q.needs_date,
            "answers": list(q.answers),
            "all_answers": q.all_answers,
            "choices": list(q.choices),
            "gold_urls": list(q.gold_urls),
            "gold_ids": list(q.gold_ids),
            "evidence": q.evidence,
            "retrieved": [
                {k: v for k, v in asdict(r).items() if k != "text"} for r in self.retrieved
            ],
            "answer": self.answer,
            "short_answer": self.short_answer,
            "refused": self.refused,
            "confidence": self.confidence,
            "answerer": self.answerer,
            "fallback": self.fallback,
            "unsupported": self.unsupported,
            "citations": [asdict(c) for c in self.citations],
            "support": [asdict(s) for s in self.support],
            "choice": asdict(self.choice) if self.choice else None,
            "statements": self.statements,
            "unsupported_statements": self.unsupported_statements,
            "rescued": self.rescued,
            "timings_ms": self.timings_ms,
            "error": self.error,
            "scores": {k: list(v) for k, v in self.scores.items()},
            "pass": self.passed,
            "outcome": self.outcome,
        }


def record_from_json(obj: dict[str, Any]) -> QuestionRecord:
    """Rebuild a record from its `to_json` form (passage texts are empty)."""
    q = EvalQuestion(
        id=obj["id"],
        question=obj["question"],
        asked_at=date.fromisoformat(obj["asked_at"]) if obj.get("asked_at") else None,
        answers=tuple(obj.get("answers", ())),
        choices=tuple(obj.get("choices", ())),
        gold_urls=tuple(obj.get("gold_urls", ())),
        gold_ids=tuple(obj.get("gold_ids", ())),
        evidence=obj.get("evidence"),
        type=obj.get("type", "answerable"),
        needs_date=bool(obj.get("needs_date", False)),
        qtype=obj.get("qtype", "other"),
        all_answers=bool(obj.get("all_answers", False)),
    )
    choice = obj.get("choice")
    return QuestionRecord(
        question=q,
        retrieved=[RetrievedRef(**r) for r in obj.get("retrieved", [])],
        answer=obj.get("answer", ""),
        short_answer=obj.get("short_answer"),
        refused=bool(obj.get("refused", False)),
        confidence=float(obj.get("confidence", 0.0)),
        answerer=str(obj.get("answerer", "")),
        fallback=bool(obj.get("fallback", False)),
        unsupported=bool(obj.get("unsupported", False)),
        citations=[CitationRecord(**c) for c in obj.get("citations", [])],
        support=[SupportJudgment(**s) for s in obj.get("support", [])],
        choice=ChoiceRecord(**choice) if choice else None,
        statements=int(obj.get("statements", 0)),
        unsupported_statements=int(obj.get("unsupported_statements", 0)),
        rescued=bool(obj.get("rescued", False)),
        timings_ms=dict(obj.get("timings_ms", {})),
        error=obj.get("error"),
        scores={k: (float(v[0]), float(v[1])) for k, v in obj.get("scores", {}).items()},
        passed=dict(obj.get("pass", {})),
    )
