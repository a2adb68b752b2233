"""The extractive answerer (the offline default): quote the best supporting sentences, cite them.

Every sentence of the retrieved passages is scored by question-word overlap, a date mention
matching the asked window, who-said-what cues and the passage's own retrieval score; the best few
are re-scored by embedding similarity to the question (sentence vectors stored at ingest:
`assistant.answer.similarity`). The answer is the top sentence — plus a second one when it is
nearly as good and adds something (another passage, or question words the first lacks) — each
followed by its [n] marker. With a short answer (`assistant.answer.short`) the quotes are the
sentences stating it, or, when the runner-up candidate is nearly as likely, one stating each.

Refusal: `confidence` mixes the best passage's and best sentence's similarity to the question and
is lowered when the question asks about a time no retrieved article is from. Below the
threshold (calibrated on the dev set, see REFUSAL_THRESHOLD) the answer says the articles do not
contain it, with no citations. No LLM, no network.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.answer.base import Answerer
from assistant.answer.citations import Span, jaccard, make_citation, passage_sentences, stems
from assistant.answer.expected import expected
from assistant.answer.short import Sentence, ShortAnswer, candidates
from assistant.answer.similarity import sentence_similarities
from assistant.answer.sources import independent_groups
from assistant.dates import extract_date_mentions, mention_overlap
from assistant.embed.base import Embedder
from assistant.models import Answer, Citation, Passage
from assistant.retrieve.hybrid import Retrieval
from assistant.text import content_words

REFUSAL_THRESHOLD = 0.35
"""Confidence below which we refuse. Chosen on both dev sets together (2022 and 2023h2): every
threshold from 0.25 to 0.43 meets refusal >= 0.95 with false refusals <= 0.03 on both; this is
near the middle of that band."""

STALE_FREE_DAYS = 60
STALE_FULL_DAYS = 1800
STALE_WEIGHT = 0.5
"""Confidence lost when the evidence is old for the question: nothing if the best passages were
published within STALE_FREE_DAYS of the date asked about (the question's window, else its as-of
date when the asker gave one), all of STALE_WEIGHT at STALE_FULL_DAYS or more, log-linear between.
A news question asked on a date is about the news then; years-old coverage of a similar topic is
not the answer. No as-of date and no date window: no penalty (the asker may mean any time)."""

REFUSAL_TEXT = "The articles I have do not contain the answer to that question."

SHORT_ANSWER_MIN = 0.15

"""The share of the candidates' probability (`ShortAnswer.share`) a candidate needs to lead the
answer (or, as the runner-up, to get a quote of its own); with none above it the answer is
quotes only. Chosen on both dev sets together: at 0.15 a short
answer leads 94% (2022) / 98% (2023h2) of answers to answerable questions and is right a little
more often when shown (0.54 / 0.61 against 0.52 / 0.60 with none held back); answer containment
+0.016 / 0."""


def grounding_stems(text: str) -> set[str]:
    """The stems `grounded` compares: of each content word in the singular ("cities" is
    "city"), so a question's noun and a sentence's plural of it meet."""
    return {_singular(w)[:_GROUND_STEM] for w in content_words(text)}


_GROUND_STEM = 5


def _singular(w: str) -> str:
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def grounded(short: ShortAnswer, question_stems: set[str]) -> bool:
    """Whether some sentence or title stating the short answer shares a content word with the
    question (`question_stems`: its `grounding_stems`). The candidates' scores are relative to
    each other (`share`); this is the absolute floor: a name of the asked kind from a sentence
    about something else is no answer ("Who retired from the lighthouse?" is not answered by
    the one person a ferry story names)."""
    return any(question_stems & grounding_stems(o.sentence.text) for o in short.occurrences)


def showable(found: list[ShortAnswer], question_stems: set[str]) -> list[ShortAnswer]:
    """The candidates that may lead an answer, best first: likely enough (`SHORT_ANSWER_MIN`)
    and `grounded`. The best candidate failing the floor does not sink the rest: in "Which
    island nation plunged into chaos?" the likeliest name, "Maldives", comes only from
    sentences about the leader's flight, and the next, "Sri Lanka", is stated with the
    question's words."""
    return [c for c in found if c.share >= SHORT_ANSWER_MIN and grounded(c, question_stems)]


_MAX_SENTENCES = 3
_MAX_QUOTES = 2
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

    embedded: bool = False

    @property
    def relevance(self) -> float:
        """How well the sentence meets the question, whatever names or numbers it holds."""
        return (
            0.45 * self.dense
            + 0.35 * self.lexical
            + 0.25 * self.date
            + 0.08 * self.say
            + 0.12 * self.prior
            - 0.5 * self.is_question
        )

    @property
    def score(self) -> float:
        return self.relevance + ANSWER_TYPE_WEIGHT * self.answer_type


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


@lru_cache(maxsize=1024)
def _asked(question: str) -> tuple[str, frozenset[str]]:
    """What kind of thing the question asks for, and its words (read once per question, not
    once per candidate sentence)."""
    if _HOW_MANY.search(question):
        return "number", frozenset()
    if _WHEN.search(question):
        return "date", frozenset()
    return "name", frozenset(w.lower().rstrip(".") for w in re.findall(r"[\w'’&.-]+", question))


def answer_type_match(question: str, sentence: str) -> float:
    """How well a sentence offers the kind of thing the question asks for, beyond its own words.

    Numbers for how-many/how-much questions, dates for when-questions, and otherwise names
    (capitalized words after the first word) that the question does not already contain: a
    sentence that only restates the question cannot be its answer.
    """
    kind, q_words = _asked(question)
    if kind == "number":
        return 1.0 if _NUMBER.search(sentence) else 0.0
    if kind == "date":
        return 1.0 if extract_date_mentions(sentence) else 0.0
    names = {
        m.group(0).lower().rstrip(".") for m in _CAPITALIZED.finditer(sentence) if m.start() > 0
    }
    new = [n for n in names if n not in q_words]
    return min(1.0, len(new) / 2)


def staleness(retrieval: Retrieval) -> float:
    """0..1: how much older than the asked date the top passages are (see STALE_WEIGHT)."""
    plan = retrieval.plan
    if plan.window is not None:
        reference = plan.window.end
    elif plan.as_of_given:
        reference = plan.as_of
    else:
        return 0.0
    published = [p.published_at for p in retrieval.passages[:3] if p.published_at is not None]
    if not published:
        return 0.0
    gap = min(abs((reference - d).days) for d in published) + 1
    if gap <= STALE_FREE_DAYS:
        return 0.0
    return min(1.0, math.log(gap / STALE_FREE_DAYS) / math.log(STALE_FULL_DAYS / STALE_FREE_DAYS))


_SAME_WORDS = 0.8


def _same_words(a: Scored, b: Scored) -> bool:
    """Two sentences saying the same in (nearly) the same words: one outlet's copy of another's
    that the story grouping did not join (a quote twice tells the reader nothing more)."""
    return jaccard(stems(a.span.text), stems(b.span.text)) >= _SAME_WORDS


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, embedder: Embedder, refusal_threshold: float | None = None) -> None:
        self.embedder = embedder
        self.threshold = REFUSAL_THRESHOLD if refusal_threshold is None else refusal_threshold

    def answer(self, question: str, retrieval: Retrieval) -> Answer:
        passages = retrieval.passages
        scored = self.score_sentences(question, retrieval)
        found = showable(
            self.candidates(question, retrieval, scored),
            grounding_stems(retrieval.plan.lexical_text),
        )
        short = found[0] if found else None
        runner_up = found[1] if len(found) > 1 else None
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
        if short is not None:
            chosen = self.evidence(short, scored, runner_up)
            lead = f"{short.text} — "
        else:
            short = None
            chosen = self.choose([s for s in scored if s.embedded], passages)
            lead = ""
        citations: list[Citation] = []
        parts: list[str] = []
        for n, s in enumerate(chosen, start=1):
            citations.append(make_citation(n, passages[s.span.passage_index], s.span))
            parts.append(f"{s.span.text} [{n}]")
        return base.model_copy(
            update={
                "answer": lead + " ".join(parts),
                "short_answer": short.text if short else None,
                "citations": citations,
                "refused": False,
            }
        )

    def candidates(
        self, question: str, retrieval: Retrieval, scored: list[Scored]
    ) -> list[ShortAnswer]:
        """Every candidate short answer, best first."""
        passages = retrieval.passages[:_ANSWER_PASSAGES]
        q_stems = stems(retrieval.plan.lexical_text)
        sentences = [
            Sentence(s.span.passage_index, s.span.text, s.relevance, s.span) for s in scored
        ]
        for i, p in enumerate(passages):
            if p.title:
                overlap = len(q_stems & stems(p.title)) / len(q_stems) if q_stems else 0.0
                sentences.append(Sentence(i, p.title, 0.35 * overlap + 0.12 / (1 + 0.5 * i)))
        groups = independent_groups(passages)
        return candidates(question, expected(question), sentences, passages, groups)

    def evidence(
        self, short: ShortAnswer, scored: list[Scored], runner_up: ShortAnswer | None = None
    ) -> list[Scored]:
        """The quotes shown after a short answer: the best sentence stating it, and another
        independent source's sentence stating it when there is one (not a copy of the first in
        the same words, `_same_words`); failing a quotable
        sentence (the answer is only in a title), the best sentence of that passage.

        When the runner-up candidate is itself likely enough to be shown as a short answer
        (`SHORT_ANSWER_MIN`), the second quote is the best sentence stating the runner-up
        instead, unless the first quote already names it: the model is unsure between the two,
        and the reader then sees the evidence for both."""
        by_span = {(s.span.passage_index, s.span.start): s for s in scored}
        stated = [o for o in short.sentences() if o.sentence.span is not None]
        chosen: list[Scored] = []
        groups: set[int] = set()
        for o in stated:
            span = o.sentence.span
            assert span is not None
            s = by_span.get((span.passage_index, span.start))
            if s is None or o.group in groups or any(_same_words(s, c) for c in chosen):
                continue
            chosen.append(s)
            groups.add(o.group)
            if len(chosen) >= _MAX_QUOTES:
                break
        if not chosen:
            title = max(short.occurrences, key=lambda o: o.score)
            own = [s for s in scored if s.span.passage_index == title.sentence.passage_index]
            chosen = own[:1] or scored[:1]
        rival = self._rival_quote(runner_up, chosen[0], by_span)
        if rival is not None:
            return [chosen[0], rival]
        if (
            len(chosen) < _MAX_QUOTES
            and scored[0] not in chosen
            and not _same_words(scored[0], chosen[0])
        ):
            # The sentence most like the question, when the answer's own quote is not it: the
            # reader sees the evidence for the question as asked, beside the answer's.
            chosen.append(scored[0])
        return chosen

    @staticmethod
    def _rival_quote(
        runner_up: ShortAnswer | None,
        first: Scored,
        by_span: dict[tuple[int, int], Scored],
    ) -> Scored | None:
        """The best scored sentence stating a likely runner-up (see `evidence`), if any."""
        if runner_up is None or runner_up.share < SHORT_ANSWER_MIN:
            return None
        where = [
            (sp.passage_index, sp.start) for o in runner_up.sentences() if (sp := o.sentence.span)
        ]
        if (first.span.passage_index, first.span.start) in where:
            return None
        return next((by_span[w] for w in where if w in by_span), None)

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
            s.embedded = True
        out.sort(key=lambda s: s.score, reverse=True)
        return out

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
        return conf - STALE_WEIGHT * staleness(retrieval)

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
                and not any(_same_words(s, c) for c in chosen)
            )
            if adds:
                chosen.append(s)
                covered |= stems(s.span.text)
        # Present in reading order within the same article, else by score.
        return chosen
