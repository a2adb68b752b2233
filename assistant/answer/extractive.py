"""The extractive answerer (the offline default): quote the best supporting sentences, cite them.

Every sentence of the retrieved passages is scored by question-word overlap, a date mention
matching the asked window, who-said-what cues and the passage's own retrieval score; the best few
are re-scored by embedding similarity to the question (sentence vectors stored at ingest:
`assistant.answer.similarity`). The answer is the top sentence — plus a second one when it is
nearly as good and adds something (another passage, or question words the first lacks) — each
followed by its [n] marker.

Refusal: `confidence` mixes the best passage's and best sentence's similarity to the question and
is lowered when the question asks about a time no retrieved article is from. Below the
threshold (calibrated on the dev set, see REFUSAL_THRESHOLD) the answer says the articles do not
contain it, with no citations. No LLM, no network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.answer.base import Answerer
from assistant.answer.citations import Span, make_citation, passage_sentences, stems
from assistant.answer.similarity import sentence_similarities
from assistant.dates import extract_date_mentions, mention_overlap
from assistant.embed.base import Embedder
from assistant.models import Answer, Citation, Passage
from assistant.retrieve.hybrid import Retrieval

REFUSAL_THRESHOLD = 0.51
"""Confidence below which we refuse; chosen on the dev sets (see docs/ and the issue notes).
0.52 with sentences embedded alone; 0.51 since sentence vectors are pooled in their chunk's run
(their cosines run lower for the best sentences): on both dev sets, refusal accuracy as before,
fewer false refusals (2022: 0.024 vs 0.040; 2023: 0.036 vs 0.048)."""

REFUSAL_TEXT = "The articles I have do not contain the answer to that question."

_MAX_SENTENCES = 3
_SECOND_RATIO = 0.7
_ANSWER_PASSAGES = 6
ANSWER_TYPE_WEIGHT = 0.35
_OUT_OF_WINDOW_PENALTY = 0.2
_DATE_EVIDENCE_BONUS = 0.1
_EMBED_TOP = 5
_SAY = re.compile(r"\b(said|says|told|stated|announced|according to|warned|added|wrote)\b", re.I)
_ASKS_SAY = re.compile(r"\b(say|said|tell|told|claim|announce|comment|react)", re.I)
_MIN_LEN = 25
_MAX_LEN = 600


@dataclass
class Scored:
    span: Span
    lexical: float
    date: float
    say: float
    prior: float
    answer_type: float
    is_question: float
    dense: float = 0.0

    @property
    def score(self) -> float:
        return (
            0.45 * self.dense
            + 0.35 * self.lexical
            + 0.25 * self.date
            + 0.08 * self.say
            + 0.12 * self.prior
            + ANSWER_TYPE_WEIGHT * self.answer_type
            - 0.5 * self.is_question
        )


_NUMBER = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|hundred|"
    r"thousand|million|billion|trillion|half)\b",
    re.I,
)
_CAPITALIZED = re.compile(r"\b[A-Z][\w'’&.-]*[A-Za-z0-9]")
_HOW_MANY = re.compile(
    r"\bhow (many|much|old|long|far|big|high|large|often)\b|\bwhat (percent|number|age)\b", re.I
)
_WHEN = re.compile(r"\bwhen\b|\bwhat (day|date|year|month|time)\b", re.I)


def answer_type_match(question: str, sentence: str) -> float:
    """How well a sentence offers the kind of thing the question asks for, beyond its own words.

    Numbers for how-many/how-much questions, dates for when-questions, and otherwise names
    (capitalized words after the first word) that the question does not already contain: a
    sentence that only restates the question cannot be its answer.
    """
    if _HOW_MANY.search(question):
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if _WHEN.search(question):
        return 1.0 if extract_date_mentions(sentence) else 0.0
    q_words = {w.lower().rstrip(".") for w in re.findall(r"[\w'’&.-]+", question)}
    names = {
        m.group(0).lower().rstrip(".") for m in _CAPITALIZED.finditer(sentence) if m.start() > 0
    }
    new = [n for n in names if n not in q_words]
    return min(1.0, len(new) / 2)


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, embedder: Embedder, refusal_threshold: float | None = None) -> None:
        self.embedder = embedder
        self.threshold = REFUSAL_THRESHOLD if refusal_threshold is None else refusal_threshold

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        passages = retrieval.passages
        scored = self.score_sentences(question, retrieval)
        confidence = self.confidence(retrieval, scored)
        base = Answer(
            question=question,
            answer=REFUSAL_TEXT,
            refused=True,
            passages=passages,
            as_of=retrieval.plan.as_of,
            date_window=retrieval.plan.window,
            answerer=self.name,
            confidence=round(confidence, 4),
        )
        if not scored or confidence < self.threshold:
            return base
        chosen = self.choose(scored, passages)
        citations: list[Citation] = []
        parts: list[str] = []
        for n, s in enumerate(chosen, start=1):
            citations.append(make_citation(n, passages[s.span.passage_index], s.span))
            parts.append(f"{s.span.text} [{n}]")
        return base.model_copy(
            update={"answer": " ".join(parts), "citations": citations, "refused": False}
        )

    # --- scoring ------------------------------------------------------------------------------
    def score_sentences(self, question: str, retrieval: Retrieval) -> list[Scored]:
        plan = retrieval.plan
        q = stems(plan.lexical_text)
        asks_say = bool(_ASKS_SAY.search(question))
        out: list[Scored] = []
        for span in passage_sentences(retrieval.passages[:_ANSWER_PASSAGES]):
            if not (_MIN_LEN <= len(span.text) <= _MAX_LEN):
                continue
            p = retrieval.passages[span.passage_index]
            s_stems = stems(span.text)
            lexical = len(q & s_stems) / len(q) if q else 0.0
            date_score = 0.0
            if plan.window is not None:
                mentions = extract_date_mentions(span.text, p.published_at)
                date_score = max(
                    (mention_overlap(plan.window, m.value) for m in mentions), default=0.0
                )
            say = 1.0 if asks_say and _SAY.search(span.text) else 0.0
            prior = 1.0 / (1.0 + 0.5 * span.passage_index)
            answer_type = answer_type_match(question, span.text)
            is_question = 1.0 if span.text.rstrip("\"'”’) ").endswith("?") else 0.0
            out.append(Scored(span, lexical, date_score, say, prior, answer_type, is_question))
        if not out:
            return out
        # Embedding similarity for the most promising sentences (stored vectors, see similarity).
        out.sort(key=lambda s: s.score, reverse=True)
        top = out[:_EMBED_TOP]
        sims = sentence_similarities([s.span for s in top], retrieval, self.embedder)
        for s, sim in zip(top, sims, strict=True):
            s.dense = sim
        top.sort(key=lambda s: s.score, reverse=True)
        return top

    def confidence(self, retrieval: Retrieval, scored: list[Scored]) -> float:
        if not retrieval.passages or not scored:
            return 0.0
        top_passage = max(p.scores.get("dense", 0.0) for p in retrieval.passages[:3])
        best_sentence = max(s.dense for s in scored)
        conf = 0.5 * top_passage + 0.5 * best_sentence
        # A sentence naming exactly the asked date, with the question's words, is strong evidence
        # even when the embedding of a long multi-topic chunk is only lukewarm.
        dated = max((min(s.date, s.lexical * 2) for s in scored[:3] if s.date >= 1.0), default=0.0)
        conf += _DATE_EVIDENCE_BONUS * dated
        plan = retrieval.plan
        if plan.window is not None and plan.window.kind in ("range", "relative", "day"):
            in_window = any(
                p.scores.get("published_in_window", 0.0) > 0
                or p.scores.get("date_mention", 0.0) > 0
                for p in retrieval.passages[:3]
            )
            if not in_window:
                conf -= _OUT_OF_WINDOW_PENALTY
        return conf

    def choose(self, scored: list[Scored], passages: list[Passage]) -> list[Scored]:
        best = scored[0]
        chosen = [best]
        covered = stems(best.span.text)
        for s in scored[1:]:
            if len(chosen) >= _MAX_SENTENCES:
                break
            if s.score < _SECOND_RATIO * best.score:
                break
            adds = (
                bool(stems(s.span.text) - covered)
                and s.span.passage_index != best.span.passage_index
            )
            if adds:
                chosen.append(s)
                covered |= stems(s.span.text)
        # Present in reading order within the same article, else by score.
        return chosen
